// Subscriptions: a service sells time-limited access for an exact fee, paid to its owner.
// `seal_approve` releases ids `[service id][any nonce]` to the holder of a subscription to that
// service until `created_at + ttl`. seal-localnet runs this module natively
// (localnet/src/natives/subscription.rs).
module patterns::subscription;

use std::string::String;
use sui::clock::Clock;
use sui::coin::Coin;
use sui::sui::SUI;

const EInvalidFee: u64 = 1;
const ENoAccess: u64 = 2;

public struct Service has key {
    id: UID,
    fee: u64,
    ttl: u64,
    owner: address,
    name: String,
}

public struct Subscription has key {
    id: UID,
    service_id: ID,
    created_at: u64,
}

public struct Cap has key {
    id: UID,
    service_id: ID,
}

entry fun create_service_entry(fee: u64, ttl: u64, name: String, ctx: &mut TxContext) {
    let service = Service { id: object::new(ctx), fee, ttl, owner: ctx.sender(), name };
    let cap = Cap { id: object::new(ctx), service_id: object::id(&service) };
    transfer::share_object(service);
    transfer::transfer(cap, ctx.sender());
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

entry fun seal_approve(id: vector<u8>, sub: &Subscription, service: &Service, c: &Clock) {
    let service_id = object::id(service);
    let prefix = service_id.to_bytes();
    let mut i = 0;
    let mut valid = sub.service_id == service_id
        && c.timestamp_ms() <= sub.created_at + service.ttl
        && prefix.length() <= id.length();
    while (valid && i < prefix.length()) {
        valid = prefix[i] == id[i];
        i = i + 1;
    };
    assert!(valid, ENoAccess);
}
