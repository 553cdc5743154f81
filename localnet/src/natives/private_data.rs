//! Mirrors `move/patterns/sources/private_data.move`: an owned object holding data for its
//! owner; the key id is `[creator][nonce]`, released to whoever owns the object (the VM checks
//! that an owned input belongs to the sender).

use serde::{Deserialize, Serialize};
use sui_sdk_types::{Address, Owner};

use super::{Call, NativeFunction, NativeModule, Param};
use crate::exec::{ExecResult, Value};

/// `ENoAccess`.
pub const E_NO_ACCESS: u64 = 77;

/// The module.
pub static PRIVATE_DATA: NativeModule = NativeModule {
    name: "private_data",
    source: "move/patterns/sources/private_data.move",
    functions: &[
        NativeFunction {
            name: "store_entry",
            params: &[Param::Pure, Param::Pure],
            run: store_entry,
        },
        NativeFunction {
            name: "seal_approve",
            params: &[Param::Pure, Param::Ref],
            run: seal_approve,
        },
    ],
    structs: &["PrivateData"],
    key_only_structs: &[],
    init_objects: &[],
};

/// `PrivateData { id, creator, nonce, data }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrivateData {
    /// Its id.
    pub id: Address,
    /// Who created it.
    pub creator: Address,
    /// Distinguishes the creator's objects.
    pub nonce: Vec<u8>,
    /// The (encrypted) data.
    pub data: Vec<u8>,
}

fn store_entry(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (nonce, data) = (call.pure::<Vec<u8>>(0)?, call.pure::<Vec<u8>>(1)?);
    let id = call.ctx.fresh_id();
    let creator = call.ctx.sender();
    let object = PrivateData {
        id,
        creator,
        nonce,
        data,
    };
    call.create(
        id,
        call.type_("private_data", "PrivateData", vec![]),
        &object,
        Owner::Address(creator),
    )?;
    Ok(vec![])
}

fn seal_approve(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let key_id = call.pure::<Vec<u8>>(0)?;
    let (_, object) =
        call.read::<PrivateData>(1, &call.type_("private_data", "PrivateData", vec![]))?;
    let expected = [object.creator.as_bytes(), &object.nonce].concat();
    if key_id != expected {
        return Err(call.abort(E_NO_ACCESS));
    }
    Ok(vec![])
}
