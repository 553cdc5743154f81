//! Mirrors `move/patterns/sources/subscription.move`: a service sells time-limited access. A
//! subscriber pays the exact fee (the coin goes to the service owner) and receives a
//! `Subscription`; `seal_approve` releases ids `[service id][any nonce]` to whoever holds one
//! for that service until `created_at + ttl`, while the package's shared `PackageVersion`
//! (created at publish) is at version 1.

use serde::{Deserialize, Serialize};
use sui_sdk_types::{Address, Owner, StructTag};

use super::framework::share;
use super::{Call, InitObject, NativeFunction, NativeModule, Param};
use crate::exec::commands::CoinContents;
use crate::exec::{ExecResult, Value};

/// `EWrongVersion`: the package version object is not the version this code serves.
pub const E_WRONG_VERSION: u64 = 5;
/// `EInvalidFee`: the coin paid is not exactly the service's fee.
pub const E_INVALID_FEE: u64 = 12;
/// `ENoAccess`.
pub const E_NO_ACCESS: u64 = 77;
/// The package version `seal_approve` serves.
const VERSION: u64 = 1;

/// The module.
pub static SUBSCRIPTION: NativeModule = NativeModule {
    name: "subscription",
    source: "move/patterns/sources/subscription.move",
    functions: &[
        NativeFunction {
            name: "create_service_entry",
            params: &[Param::Pure, Param::Pure],
            run: create_service_entry,
        },
        NativeFunction {
            name: "subscribe",
            params: &[Param::Val, Param::Ref, Param::Ref],
            run: subscribe,
        },
        NativeFunction {
            name: "transfer",
            params: &[Param::Val, Param::Pure],
            run: transfer,
        },
        NativeFunction {
            name: "seal_approve",
            params: &[Param::Pure, Param::Ref, Param::Ref, Param::Ref, Param::Ref],
            run: seal_approve,
        },
    ],
    structs: &[
        "PackageVersion",
        "PackageVersionCap",
        "Service",
        "Subscription",
    ],
    // None has `store`: a subscription moves only through `transfer` below.
    key_only_structs: &[
        "PackageVersion",
        "PackageVersionCap",
        "Service",
        "Subscription",
    ],
    init_objects: &[
        InitObject {
            name: "PackageVersion",
            contents: package_version_contents,
            shared: true,
        },
        InitObject {
            name: "PackageVersionCap",
            contents: package_version_cap_contents,
            shared: false,
        },
    ],
};

/// `PackageVersion { id, version }`: shared at publish; `seal_approve` checks it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct PackageVersion {
    /// Its id.
    pub id: Address,
    /// The package version it admits.
    pub version: u64,
}

fn package_version_contents(id: Address) -> Vec<u8> {
    bcs::to_bytes(&PackageVersion {
        id,
        version: VERSION,
    })
    .unwrap_or_default()
}

/// `PackageVersionCap { id }`: given to the publisher at publish.
fn package_version_cap_contents(id: Address) -> Vec<u8> {
    id.as_bytes().to_vec()
}

/// `Service { id, fee, ttl, owner }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Service {
    /// Its id (the prefix of its key ids).
    pub id: Address,
    /// The price of one subscription, in MIST.
    pub fee: u64,
    /// How long a subscription lasts, ms.
    pub ttl: u64,
    /// Who receives the fees.
    pub owner: Address,
}

/// `Subscription { id, service_id, created_at }`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Subscription {
    /// Its id.
    pub id: Address,
    /// The service it was bought from.
    pub service_id: Address,
    /// Clock reading at purchase, ms.
    pub created_at: u64,
}

/// Creates a service (shared) owned by the sender.
fn create_service_entry(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let fee = call.pure::<u64>(0)?;
    let ttl = call.pure::<u64>(1)?;
    let owner = call.ctx.sender();
    let id = call.ctx.fresh_id();
    call.create(
        id,
        call.type_("subscription", "Service", vec![]),
        &Service {
            id,
            fee,
            ttl,
            owner,
        },
        Owner::Address(owner),
    )?;
    share(call, id)?;
    Ok(vec![])
}

/// Takes the fee coin (to the owner) and returns a new subscription.
fn subscribe(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (coin_id, coin) = call.read::<CoinContents>(0, &StructTag::gas_coin())?;
    let (service_id, service) =
        call.read::<Service>(1, &call.type_("subscription", "Service", vec![]))?;
    let now = call.clock_ms(2)?;
    if coin.value != service.fee {
        return Err(call.abort(E_INVALID_FEE));
    }
    call.ctx.set_owner(coin_id, Owner::Address(service.owner))?;
    let id = call.ctx.fresh_id();
    let sender = call.ctx.sender();
    // Owned by the sender until `transfer` places it; an untransferred result fails the PTB.
    call.create(
        id,
        call.type_("subscription", "Subscription", vec![]),
        &Subscription {
            id,
            service_id,
            created_at: now,
        },
        Owner::Address(sender),
    )?;
    Ok(vec![Value::Object(id)])
}

fn transfer(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (id, _) =
        call.read::<Subscription>(0, &call.type_("subscription", "Subscription", vec![]))?;
    let recipient = call.pure::<Address>(1)?;
    call.ctx.set_owner(id, Owner::Address(recipient))?;
    Ok(vec![])
}

fn seal_approve(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let key_id = call.pure::<Vec<u8>>(0)?;
    let (_, package_version) =
        call.read::<PackageVersion>(1, &call.type_("subscription", "PackageVersion", vec![]))?;
    if package_version.version != VERSION {
        return Err(call.abort(E_WRONG_VERSION));
    }
    let (_, subscription) =
        call.read::<Subscription>(2, &call.type_("subscription", "Subscription", vec![]))?;
    let (service_id, service) =
        call.read::<Service>(3, &call.type_("subscription", "Service", vec![]))?;
    let now = call.clock_ms(4)?;
    // Move's `+` aborts on overflow where this saturates: either way no key is released early.
    let valid = subscription.service_id == service_id
        && now <= subscription.created_at.saturating_add(service.ttl)
        && key_id.starts_with(service_id.as_bytes());
    if !valid {
        return Err(call.abort(E_NO_ACCESS));
    }
    Ok(vec![])
}
