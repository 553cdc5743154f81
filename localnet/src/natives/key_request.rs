//! Mirrors `move/patterns/sources/key_request.move`: access by request. A user on a shared list
//! asks for a `KeyRequest` object (valid for a minute); `seal_approve` accepts the request's
//! owner, for the id it names, until it expires. Key ids are `[list id]`.

use serde::{Deserialize, Serialize};
use sui_sdk_types::{Address, Owner};

use super::framework::share;
use super::{Call, NativeFunction, NativeModule, Param};
use crate::exec::{ExecResult, Value};

/// `ENoAccess`.
pub const E_NO_ACCESS: u64 = 1;
/// How long a request stays valid, ms.
pub const REQUEST_TTL_MS: u64 = 60_000;

/// The module.
pub static KEY_REQUEST: NativeModule = NativeModule {
    name: "key_request",
    source: "move/patterns/sources/key_request.move",
    functions: &[
        NativeFunction {
            name: "create_list_entry",
            params: &[Param::Pure],
            run: create_list_entry,
        },
        NativeFunction {
            name: "request_key",
            params: &[Param::Ref, Param::Ref],
            run: request_key,
        },
        NativeFunction {
            name: "seal_approve",
            params: &[Param::Pure, Param::Ref, Param::Ref],
            run: seal_approve,
        },
    ],
    structs: &["RequestList", "KeyRequest"],
    key_only_structs: &["RequestList"],
    init_objects: &[],
};

/// `RequestList { id, users }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestList {
    /// Its id.
    pub id: Address,
    /// Who may request keys.
    pub users: Vec<Address>,
}

/// `KeyRequest { id, package, inner_id, user, valid_till }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyRequest {
    /// Its id.
    pub id: Address,
    /// The policy package's original id, 64 lowercase hex without `0x` (`type_name` form).
    pub package: String,
    /// The key id it grants.
    pub inner_id: Vec<u8>,
    /// Who may use it.
    pub user: Address,
    /// Last valid clock reading, ms.
    pub valid_till: u64,
}

fn create_list_entry(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let users = call.pure::<Vec<Address>>(0)?;
    let id = call.ctx.fresh_id();
    let sender = call.ctx.sender();
    call.create(
        id,
        call.type_("key_request", "RequestList", vec![]),
        &RequestList { id, users },
        Owner::Address(sender),
    )?;
    share(call, id)?;
    Ok(vec![])
}

fn request_key(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (list_id, list) =
        call.read::<RequestList>(0, &call.type_("key_request", "RequestList", vec![]))?;
    let now = call.clock_ms(1)?;
    let sender = call.ctx.sender();
    if !list.users.contains(&sender) {
        return Err(call.abort(E_NO_ACCESS));
    }
    let id = call.ctx.fresh_id();
    let request = KeyRequest {
        id,
        package: hex_without_prefix(call.origin),
        inner_id: list_id.as_bytes().to_vec(),
        user: sender,
        valid_till: now + REQUEST_TTL_MS,
    };
    call.create(
        id,
        call.type_("key_request", "KeyRequest", vec![]),
        &request,
        Owner::Address(sender),
    )?;
    Ok(vec![])
}

fn hex_without_prefix(address: Address) -> String {
    address.to_string().trim_start_matches("0x").to_owned()
}

fn seal_approve(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let key_id = call.pure::<Vec<u8>>(0)?;
    let (_, request) =
        call.read::<KeyRequest>(1, &call.type_("key_request", "KeyRequest", vec![]))?;
    let now = call.clock_ms(2)?;
    let valid = request.package == hex_without_prefix(call.origin)
        && request.inner_id == key_id
        && request.user == call.ctx.sender()
        && now <= request.valid_till;
    if !valid {
        return Err(call.abort(E_NO_ACCESS));
    }
    Ok(vec![])
}
