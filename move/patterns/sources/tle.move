// Time-lock encryption: the key id is a time (u64 milliseconds, BCS little-endian); anyone may
// fetch the key once the chain's clock has reached it.
// seal-localnet runs this module natively (localnet/src/natives/patterns.rs).
module patterns::tle;

use sui::bcs;
use sui::clock::Clock;

const ENoAccess: u64 = 77;

entry fun seal_approve(id: vector<u8>, clock: &Clock) {
    let mut reader = bcs::new(id);
    // Fewer than 8 bytes abort inside `peel_u64`.
    let unlock_at = reader.peel_u64();
    let rest = reader.into_remainder_bytes();
    assert!(rest.length() == 0 && clock.timestamp_ms() >= unlock_at, ENoAccess);
}
