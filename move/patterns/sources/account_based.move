// Account-based access: the key id is the BCS encoding of an address, and only that address
// may fetch the key. Encrypting to someone needs nothing but their address.
// seal-localnet runs this module natively (localnet/src/natives/patterns.rs).
module patterns::account_based;

use sui::bcs;

const ENoAccess: u64 = 1;

entry fun seal_approve(id: vector<u8>, ctx: &TxContext) {
    assert!(id == bcs::to_bytes(&ctx.sender()), ENoAccess);
}
