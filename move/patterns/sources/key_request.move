// Access by request: users on a shared list ask for a `KeyRequest` (valid for a minute), and
// `seal_approve` accepts its owner, for the id it names, until it expires. Key ids are
// `[list id]`. seal-localnet runs this module natively (localnet/src/natives/key_request.rs).
module patterns::key_request;

use std::ascii::String;
use std::type_name;
use sui::clock::Clock;

const ENoAccess: u64 = 1;
const REQUEST_TTL_MS: u64 = 60_000;

public struct RequestList has key {
    id: UID,
    users: vector<address>,
}

public struct KeyRequest has key, store {
    id: UID,
    package: String,
    inner_id: vector<u8>,
    user: address,
    valid_till: u64,
}

/// Proves a call comes from this module (for `type_name`).
public struct WITNESS has drop {}

entry fun create_list_entry(users: vector<address>, ctx: &mut TxContext) {
    transfer::share_object(RequestList { id: object::new(ctx), users });
}

entry fun request_key(list: &RequestList, c: &Clock, ctx: &mut TxContext) {
    assert!(list.users.contains(&ctx.sender()), ENoAccess);
    let request = KeyRequest {
        id: object::new(ctx),
        package: type_name::with_original_ids<WITNESS>().address_string(),
        inner_id: object::id(list).to_bytes(),
        user: ctx.sender(),
        valid_till: c.timestamp_ms() + REQUEST_TTL_MS,
    };
    transfer::transfer(request, ctx.sender());
}

entry fun seal_approve(id: vector<u8>, req: &KeyRequest, c: &Clock, ctx: &TxContext) {
    let valid = req.package == type_name::with_original_ids<WITNESS>().address_string()
        && req.inner_id == id
        && req.user == ctx.sender()
        && c.timestamp_ms() <= req.valid_till;
    assert!(valid, ENoAccess);
}
