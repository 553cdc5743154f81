//! The `patterns` package: access policies a dApp publishes. Mirrors
//! `move/patterns/sources/*.move`; each module says which file it mirrors.

use sui_sdk_types::Address;

use super::{Call, NativeFunction, NativeModule, NativePackage, Param};
use crate::exec::{ExecResult, Value};

/// The `patterns` package.
pub static PATTERNS: NativePackage = NativePackage {
    name: "patterns",
    modules: &[
        &ACCOUNT_BASED,
        &TLE,
        &super::whitelist::WHITELIST,
        &super::private_data::PRIVATE_DATA,
        &super::key_request::KEY_REQUEST,
        &super::subscription::SUBSCRIPTION,
        &super::voting::VOTING,
    ],
};

/// `account_based::ENoAccess`.
pub const ACCOUNT_BASED_E_NO_ACCESS: u64 = 1;
/// `tle::ENoAccess`.
pub const TLE_E_NO_ACCESS: u64 = 77;

/// Mirrors `move/patterns/sources/account_based.move`: the key id is the BCS of an address;
/// only that address gets the key.
static ACCOUNT_BASED: NativeModule = NativeModule {
    name: "account_based",
    source: "move/patterns/sources/account_based.move",
    functions: &[NativeFunction {
        name: "seal_approve",
        params: &[Param::Pure],
        run: account_based_seal_approve,
    }],
    structs: &[],
    key_only_structs: &[],
    init_objects: &[],
};

fn account_based_seal_approve(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let id = call.pure::<Vec<u8>>(0)?;
    if id != call.ctx.sender().as_bytes() {
        return Err(call.abort(ACCOUNT_BASED_E_NO_ACCESS));
    }
    Ok(vec![])
}

/// Mirrors `move/patterns/sources/tle.move`: the key id is a time (u64 ms, BCS); the key is
/// released once the clock has reached it.
static TLE: NativeModule = NativeModule {
    name: "tle",
    source: "move/patterns/sources/tle.move",
    functions: &[NativeFunction {
        name: "seal_approve",
        params: &[Param::Pure, Param::Ref],
        run: tle_seal_approve,
    }],
    structs: &[],
    key_only_structs: &[],
    init_objects: &[],
};

fn tle_seal_approve(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let id = call.pure::<Vec<u8>>(0)?;
    let now = call.clock_ms(1)?;
    // `bcs::peel_u64` aborts with `EOutOfRange` (0) in `0x1::bcs` when fewer than 8 bytes remain.
    let Some(time) = id.get(..8).and_then(|b| <[u8; 8]>::try_from(b).ok()) else {
        return Err(call.abort_in(Address::from_static("0x1"), "bcs", "peel_u64", 0));
    };
    if id.len() != 8 || now < u64::from_le_bytes(time) {
        return Err(call.abort(TLE_E_NO_ACCESS));
    }
    Ok(vec![])
}
