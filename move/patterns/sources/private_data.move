// Private data: an owned object whose key id is `[creator][nonce]`; only the current owner can
// use the object in a transaction, so only they can fetch the key. seal-localnet runs this
// module natively (localnet/src/natives/private_data.rs).
module patterns::private_data;

use sui::bcs;

const ENoAccess: u64 = 77;

public struct PrivateData has key, store {
    id: UID,
    creator: address,
    nonce: vector<u8>,
    data: vector<u8>,
}

/// Stores `data` (typically Seal-encrypted) in a new object owned by the caller.
entry fun store_entry(nonce: vector<u8>, data: vector<u8>, ctx: &mut TxContext) {
    let object = PrivateData { id: object::new(ctx), creator: ctx.sender(), nonce, data };
    transfer::transfer(object, ctx.sender());
}

entry fun seal_approve(id: vector<u8>, e: &PrivateData) {
    let mut expected = bcs::to_bytes(&e.creator);
    expected.append(e.nonce);
    assert!(id == expected, ENoAccess);
}
