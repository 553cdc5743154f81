// The staleness check a key server puts in front of every policy dry run, so that a fullnode
// lagging behind the key server's clock cannot make a time-based policy approve too early.
// seal-localnet runs this module natively (localnet/src/natives/seal.rs).
module seal::time;

use sui::clock::Clock;

const EStaleFullnode: u64 = 93492;

/// Aborts if the chain's clock is more than `allowed_staleness_ms` behind `now` (the key
/// server's clock, in ms). A chain clock ahead of `now` passes.
public fun check_staleness(now: u64, allowed_staleness_ms: u64, clock: &Clock) {
    let chain_time = clock.timestamp_ms();
    if (now < chain_time) {
        return
    };
    assert!(now - chain_time <= allowed_staleness_ms, EStaleFullnode);
}
