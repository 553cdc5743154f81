//! The objects the local chain starts with. Everything is derived from constants, so two
//! emulators started with the same options hold the same objects with the same digests.

use std::collections::BTreeMap;

use sui_sdk_types::{
    Address, Digest, Identifier, MovePackage, MoveStruct, Object, ObjectData, Owner, TypeOrigin,
};

use crate::clock::{CLOCK_ID, CLOCK_INITIAL_SHARED_VERSION, ClockContents, clock_type};

/// `previous_transaction` of genesis objects.
pub const GENESIS_TRANSACTION: Digest = Digest::ZERO;

/// A package object with the given modules and structs (`(module, struct)` pairs, all first
/// defined in this package). Native packages carry no bytecode: their module entries name the
/// module and hold no code; the emulator runs them natively.
pub fn package_object(
    id: Address,
    version: u64,
    modules: &[&str],
    structs: &[(&str, &str)],
    origin: Address,
) -> Object {
    let modules: BTreeMap<Identifier, Vec<u8>> = modules
        .iter()
        .filter_map(|name| Identifier::new(name).ok())
        .map(|name| (name, Vec::new()))
        .collect();
    let type_origin_table = structs
        .iter()
        .filter_map(|(module, name)| {
            Some(TypeOrigin {
                module_name: Identifier::new(module).ok()?,
                struct_name: Identifier::new(name).ok()?,
                package: origin,
            })
        })
        .collect();
    let package = MovePackage {
        id,
        version,
        modules,
        type_origin_table,
        linkage_table: BTreeMap::new(),
    };
    Object::new(
        ObjectData::Package(package),
        Owner::Immutable,
        GENESIS_TRANSACTION,
        0,
    )
}

/// The clock object at `timestamp_ms`, with the given version.
pub fn clock_object(version: u64, timestamp_ms: u64, previous_transaction: Digest) -> Object {
    let contents = bcs::to_bytes(&ClockContents {
        id: CLOCK_ID,
        timestamp_ms,
    })
    .unwrap_or_default();
    let data = MoveStruct::new(clock_type(), false, version, contents)
        .map(ObjectData::Struct)
        .unwrap_or_else(|| unreachable!("clock contents start with its id"));
    Object::new(
        data,
        Owner::Shared(CLOCK_INITIAL_SHARED_VERSION),
        previous_transaction,
        0,
    )
}

/// The framework packages the Seal packages build on (`0x1` MoveStdlib, `0x2` Sui framework).
pub fn framework_packages() -> Vec<Object> {
    vec![
        package_object(
            Address::from_static("0x1"),
            1,
            &["ascii", "bcs", "option", "string", "type_name", "vector"],
            &[
                ("string", "String"),
                ("ascii", "String"),
                ("option", "Option"),
                ("type_name", "TypeName"),
            ],
            Address::from_static("0x1"),
        ),
        package_object(
            Address::TWO,
            1,
            &[
                "clock",
                "coin",
                "dynamic_field",
                "object",
                "sui",
                "table",
                "transfer",
                "tx_context",
                "balance",
            ],
            &[
                ("clock", "Clock"),
                ("coin", "Coin"),
                ("dynamic_field", "Field"),
                ("object", "UID"),
                ("object", "ID"),
                ("sui", "SUI"),
                ("table", "Table"),
                ("balance", "Balance"),
            ],
            Address::TWO,
        ),
    ]
}

/// All genesis objects for a clock starting at `timestamp_ms`.
pub fn objects(timestamp_ms: u64) -> Vec<Object> {
    let mut objects = framework_packages();
    objects.push(clock_object(
        CLOCK_INITIAL_SHARED_VERSION,
        timestamp_ms,
        GENESIS_TRANSACTION,
    ));
    objects
}
