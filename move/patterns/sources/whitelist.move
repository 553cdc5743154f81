// Whitelist access: a shared list of addresses administered with a `Cap`. Key ids are
// `[whitelist id][any nonce]`; members of the list may fetch them while the list is at the
// version this package serves. seal-localnet runs this module natively
// (localnet/src/natives/whitelist.rs).
module patterns::whitelist;

use sui::table::{Self, Table};

const ENoAccess: u64 = 1;
const EInvalidCap: u64 = 2;
const EDuplicate: u64 = 3;
const ENotInWhitelist: u64 = 4;
const EWrongVersion: u64 = 5;

const VERSION: u64 = 1;

public struct Whitelist has key {
    id: UID,
    version: u64,
    addresses: Table<address, bool>,
}

public struct Cap has key, store {
    id: UID,
    wl_id: ID,
}

/// Creates a whitelist, shares it, and gives its cap to the caller.
entry fun create_whitelist_entry(ctx: &mut TxContext) {
    let wl = Whitelist { id: object::new(ctx), version: VERSION, addresses: table::new(ctx) };
    let cap = Cap { id: object::new(ctx), wl_id: object::id(&wl) };
    transfer::share_object(wl);
    transfer::public_transfer(cap, ctx.sender());
}

public fun add(wl: &mut Whitelist, cap: &Cap, account: address) {
    assert!(cap.wl_id == object::id(wl), EInvalidCap);
    assert!(!wl.addresses.contains(account), EDuplicate);
    wl.addresses.add(account, true);
}

public fun remove(wl: &mut Whitelist, cap: &Cap, account: address) {
    assert!(cap.wl_id == object::id(wl), EInvalidCap);
    assert!(wl.addresses.contains(account), ENotInWhitelist);
    wl.addresses.remove(account);
}

/// `prefix` is a prefix of `word`.
fun is_prefix(prefix: vector<u8>, word: vector<u8>): bool {
    if (prefix.length() > word.length()) {
        return false
    };
    let mut i = 0;
    while (i < prefix.length()) {
        if (prefix[i] != word[i]) {
            return false
        };
        i = i + 1;
    };
    true
}

entry fun seal_approve(id: vector<u8>, wl: &Whitelist, ctx: &TxContext) {
    assert!(wl.version == VERSION, EWrongVersion);
    let prefix = object::id(wl).to_bytes();
    assert!(is_prefix(prefix, id) && wl.addresses.contains(ctx.sender()), ENoAccess);
}
