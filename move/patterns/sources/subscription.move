// Subscriptions: a service sells time-limited access for an exact fee, paid to its owner.
// `seal_approve` releases ids `[service id][any nonce]` to the holder of a subscription to that
// service until `created_at + ttl`, while the shared `PackageVersion` made at publish is at the
// version this code serves (so an upgrade can retire old code). seal-localnet runs this module
// natively (localnet/src/natives/subscription.rs).
module patterns::subscription;

use sui::clock::Clock;
use sui::coin::Coin;
use sui::sui::SUI;

const EWrongVersion: u64 = 5;
const EInvalidFee: u64 = 12;
const ENoAccess: u64 = 77;
const VERSION: u64 = 1;

public struct PackageVersion has key {
    id: UID,
    version: u64,
}

public struct PackageVersionCap has key {
    id: UID,
}

public struct Service has key {
    id: UID,
    fee: u64,
    ttl: u64,
    owner: address,
}

public struct Subscription has key {
    id: UID,
    service_id: ID,
    created_at: u64,
}

fun init(ctx: &mut TxContext) {
    transfer::share_object(PackageVersion { id: object::new(ctx), version: VERSION });
    transfer::transfer(PackageVersionCap { id: object::new(ctx) }, ctx.sender());
}

entry fun create_service_entry(fee: u64, ttl: u64, ctx: &mut TxContext) {
    transfer::share_object(Service { id: object::new(ctx), fee, ttl, owner: ctx.sender() });
}

public fun subscribe(
    fee: Coin<SUI>,
    service: &Service,
    c: &Clock,
    ctx: &mut TxContext,
): Subscription {
    assert!(fee.value() == service.fee, EInvalidFee);
    transfer::public_transfer(fee, service.owner);
    Subscription {
        id: object::new(ctx),
        service_id: object::id(service),
        created_at: c.timestamp_ms(),
    }
}

public fun transfer(sub: Subscription, to: address) {
    transfer::transfer(sub, to);
}

entry fun seal_approve(
    id: vector<u8>,
    pkg_version: &PackageVersion,
    sub: &Subscription,
    service: &Service,
    c: &Clock,
) {
    assert!(pkg_version.version == VERSION, EWrongVersion);
    let prefix = object::id(service).to_bytes();
    let mut valid = sub.service_id == object::id(service)
        && c.timestamp_ms() <= sub.created_at + service.ttl
        && prefix.length() <= id.length();
    let mut i = 0;
    while (valid && i < prefix.length()) {
        valid = prefix[i] == id[i];
        i = i + 1;
    };
    assert!(valid, ENoAccess);
}
