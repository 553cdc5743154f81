//! The `seal` package: key-server registration and the staleness check the key server
//! prepends to every policy dry run. Mirrors `move/seal/sources/{key_server,time}.move`.

use seal_protocol::crypto::G2Point;
use seal_protocol::onchain::{KeyServer, KeyServerV1, KeyServerV2, ServerType};
use sui_sdk_types::{Address, Owner, TypeTag};

use super::framework::{add_field, borrow_field, write_field};
use super::{Call, NativeFunction, NativeModule, NativePackage, Param};
use crate::exec::{ExecResult, Value};

/// The `seal` package.
pub static SEAL: NativePackage = NativePackage {
    name: "seal",
    modules: &[&KEY_SERVER, &TIME],
};

/// `key_server::EInvalidKeyType`.
pub const E_INVALID_KEY_TYPE: u64 = 1;
/// `key_server::EInvalidVersion`.
pub const E_INVALID_VERSION: u64 = 2;
/// `key_server::EInvalidServerType`.
pub const E_INVALID_SERVER_TYPE: u64 = 3;
/// `time::EStaleFullnode`.
pub const E_STALE_FULLNODE: u64 = 93492;

static KEY_SERVER: NativeModule = NativeModule {
    name: "key_server",
    source: "move/seal/sources/key_server.move",
    functions: &[
        NativeFunction {
            name: "create_and_transfer_v1",
            params: &[Param::Pure; 4],
            run: create_and_transfer_v1,
        },
        NativeFunction {
            name: "create_and_transfer_v2_independent_server",
            params: &[Param::Pure; 4],
            run: create_and_transfer_v2,
        },
        NativeFunction {
            name: "upgrade_v1_to_independent_v2",
            params: &[Param::Mut],
            run: upgrade_v1_to_independent_v2,
        },
        NativeFunction {
            name: "update",
            params: &[Param::Mut, Param::Pure],
            run: update,
        },
    ],
    structs: &["KeyServer", "KeyServerV1", "KeyServerV2"],
    key_only_structs: &[],
    init_objects: &[],
};

static TIME: NativeModule = NativeModule {
    name: "time",
    source: "move/seal/sources/time.move",
    functions: &[NativeFunction {
        name: "check_staleness",
        params: &[Param::Pure, Param::Pure, Param::Ref],
        run: check_staleness,
    }],
    structs: &[],
    key_only_structs: &[],
    init_objects: &[],
};

/// The arguments shared by both create functions, validated as Move does.
fn registration(call: &Call<'_, '_>) -> ExecResult<(String, String, u8, Vec<u8>)> {
    let (name, url, key_type, pk) = (
        call.pure::<String>(0)?,
        call.pure::<String>(1)?,
        call.pure::<u8>(2)?,
        call.pure::<Vec<u8>>(3)?,
    );
    if key_type != 0 {
        return Err(call.abort(E_INVALID_KEY_TYPE));
    }
    // `bls12381::g2_from_bytes` aborts with `group_ops::EInvalidInput` on a bad point.
    if G2Point::from_bytes(&pk).is_err() {
        return Err(call.abort_in(Address::TWO, "group_ops", "from_bytes", 1));
    }
    Ok((name, url, key_type, pk))
}

/// Creates the `KeyServer` object with one version record and sends it to the sender.
fn create<V: serde::Serialize>(
    call: &mut Call<'_, '_>,
    version: u64,
    record: V,
    record_type: &'static str,
) -> ExecResult<Vec<Value>> {
    let id = call.ctx.fresh_id();
    let server = KeyServer {
        id,
        first_version: version,
        last_version: version,
    };
    let sender = call.ctx.sender();
    call.create(
        id,
        call.type_("key_server", "KeyServer", vec![]),
        &server,
        Owner::Address(sender),
    )?;
    let record_type = TypeTag::Struct(Box::new(call.type_("key_server", record_type, vec![])));
    add_field(call, id, TypeTag::U64, version, record_type, record)?;
    Ok(vec![])
}

fn create_and_transfer_v1(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (name, url, key_type, pk) = registration(call)?;
    create(
        call,
        1,
        KeyServerV1 {
            name,
            url,
            key_type,
            pk,
        },
        "KeyServerV1",
    )
}

fn create_and_transfer_v2(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (name, url, key_type, pk) = registration(call)?;
    create(
        call,
        2,
        KeyServerV2 {
            name,
            key_type,
            pk,
            server_type: ServerType::Independent { url },
        },
        "KeyServerV2",
    )
}

fn key_server_type(call: &Call<'_, '_>) -> sui_sdk_types::StructTag {
    call.type_("key_server", "KeyServer", vec![])
}

fn upgrade_v1_to_independent_v2(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (id, mut server) = call.read::<KeyServer>(0, &key_server_type(call))?;
    if server.last_version != 1 {
        return Err(call.abort(E_INVALID_VERSION));
    }
    let (_, v1): (_, KeyServerV1) = borrow_field(call, id, &TypeTag::U64, &1u64)?;
    let v2 = KeyServerV2 {
        name: v1.name,
        key_type: v1.key_type,
        pk: v1.pk,
        server_type: ServerType::Independent { url: v1.url },
    };
    let record_type = TypeTag::Struct(Box::new(call.type_("key_server", "KeyServerV2", vec![])));
    add_field(call, id, TypeTag::U64, 2u64, record_type, v2)?;
    server.last_version = 2;
    call.write(id, &server)?;
    Ok(vec![])
}

fn update(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (id, server) = call.read::<KeyServer>(0, &key_server_type(call))?;
    let url = call.pure::<String>(1)?;
    if server.first_version <= 1 {
        let (_, mut v1): (_, KeyServerV1) = borrow_field(call, id, &TypeTag::U64, &1u64)?;
        v1.url = url.clone();
        write_field(call, id, &TypeTag::U64, 1u64, v1)?;
    }
    if server.last_version >= 2 {
        let (_, mut v2): (_, KeyServerV2) = borrow_field(call, id, &TypeTag::U64, &2u64)?;
        match &mut v2.server_type {
            ServerType::Independent { url: current } => *current = url,
            ServerType::Committee { .. } => return Err(call.abort(E_INVALID_SERVER_TYPE)),
        }
        write_field(call, id, &TypeTag::U64, 2u64, v2)?;
    }
    Ok(vec![])
}

/// `check_staleness(now, allowed, clock)`: a fullnode whose clock is more than `allowed` ms
/// behind the caller's `now` aborts; a clock ahead of `now` passes.
fn check_staleness(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (now, allowed) = (call.pure::<u64>(0)?, call.pure::<u64>(1)?);
    let timestamp = call.clock_ms(2)?;
    if now >= timestamp && now - timestamp > allowed {
        return Err(call.abort(E_STALE_FULLNODE));
    }
    Ok(vec![])
}
