//! Mirrors `move/patterns/sources/whitelist.move`: a shared list of addresses; its key ids are
//! `[whitelist id][any nonce]`, released to members while the list is at version 1.

use serde::{Deserialize, Serialize};
use sui_sdk_types::{Address, Owner, TypeTag};

use super::framework::{Table, share};
use super::{Call, NativeFunction, NativeModule, Param};
use crate::exec::{ExecResult, Value};

/// `ENoAccess`.
pub const E_NO_ACCESS: u64 = 1;
/// `EInvalidCap`.
pub const E_INVALID_CAP: u64 = 2;
/// `EDuplicate`.
pub const E_DUPLICATE: u64 = 3;
/// `ENotInWhitelist`.
pub const E_NOT_IN_WHITELIST: u64 = 4;
/// `EWrongVersion`.
pub const E_WRONG_VERSION: u64 = 5;
/// The version `seal_approve` serves.
const VERSION: u64 = 1;

/// The module.
pub static WHITELIST: NativeModule = NativeModule {
    name: "whitelist",
    source: "move/patterns/sources/whitelist.move",
    functions: &[
        NativeFunction {
            name: "create_whitelist_entry",
            params: &[],
            run: create_whitelist_entry,
        },
        NativeFunction {
            name: "add",
            params: &[Param::Mut, Param::Ref, Param::Pure],
            run: add,
        },
        NativeFunction {
            name: "remove",
            params: &[Param::Mut, Param::Ref, Param::Pure],
            run: remove,
        },
        NativeFunction {
            name: "seal_approve",
            params: &[Param::Pure, Param::Ref],
            run: seal_approve,
        },
    ],
    structs: &["Whitelist", "Cap"],
    key_only_structs: &["Whitelist"],
    init_objects: &[],
};

/// `Whitelist { id, version, addresses: Table<address, bool> }`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Whitelist {
    /// Its id.
    pub id: Address,
    /// Its version.
    pub version: u64,
    /// Members.
    pub addresses: Table,
}

/// `Cap { id, wl_id }`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Cap {
    /// Its id.
    pub id: Address,
    /// The whitelist it administers.
    pub wl_id: Address,
}

/// Creates a whitelist (shared) and its cap (to the sender).
fn create_whitelist_entry(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let id = call.ctx.fresh_id();
    let whitelist = Whitelist {
        id,
        version: VERSION,
        addresses: Table::new(call),
    };
    let sender = call.ctx.sender();
    call.create(
        id,
        call.type_("whitelist", "Whitelist", vec![]),
        &whitelist,
        Owner::Address(sender),
    )?;
    share(call, id)?;
    let cap_id = call.ctx.fresh_id();
    call.create(
        cap_id,
        call.type_("whitelist", "Cap", vec![]),
        &Cap {
            id: cap_id,
            wl_id: id,
        },
        Owner::Address(sender),
    )?;
    Ok(vec![])
}

/// The whitelist and cap arguments, checked to belong together.
fn list_and_cap(call: &mut Call<'_, '_>) -> ExecResult<(Address, Whitelist)> {
    let (id, whitelist) =
        call.read::<Whitelist>(0, &call.type_("whitelist", "Whitelist", vec![]))?;
    let (_, cap) = call.read::<Cap>(1, &call.type_("whitelist", "Cap", vec![]))?;
    if cap.wl_id != id {
        return Err(call.abort(E_INVALID_CAP));
    }
    Ok((id, whitelist))
}

fn add(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (id, mut whitelist) = list_and_cap(call)?;
    let account = call.pure::<Address>(2)?;
    if whitelist
        .addresses
        .contains(call, id, &TypeTag::Address, &account)?
    {
        return Err(call.abort(E_DUPLICATE));
    }
    whitelist
        .addresses
        .add(call, id, TypeTag::Address, account, TypeTag::Bool, true)?;
    call.write(id, &whitelist)?;
    Ok(vec![])
}

fn remove(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (id, mut whitelist) = list_and_cap(call)?;
    let account = call.pure::<Address>(2)?;
    if !whitelist
        .addresses
        .contains(call, id, &TypeTag::Address, &account)?
    {
        return Err(call.abort(E_NOT_IN_WHITELIST));
    }
    whitelist
        .addresses
        .remove(call, id, &TypeTag::Address, &account)?;
    call.write(id, &whitelist)?;
    Ok(vec![])
}

fn seal_approve(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let key_id = call.pure::<Vec<u8>>(0)?;
    let (id, whitelist) =
        call.read::<Whitelist>(1, &call.type_("whitelist", "Whitelist", vec![]))?;
    if whitelist.version != VERSION {
        return Err(call.abort(E_WRONG_VERSION));
    }
    let sender = call.ctx.sender();
    let member = whitelist
        .addresses
        .contains(call, id, &TypeTag::Address, &sender)?;
    if !key_id.starts_with(id.as_bytes()) || !member {
        return Err(call.abort(E_NO_ACCESS));
    }
    Ok(vec![])
}
