//! The pieces of the Sui framework (`0x2`) the Seal packages use: the clock, and dynamic
//! fields as a Rust API for other natives (a PTB never calls them directly).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sui_sdk_types::{Address, Owner, TypeTag};

use super::{Call, NativeFunction, NativeModule, NativePackage, Param, struct_tag};
use crate::exec::{ExecError, ExecResult, Value};

/// `0x2`: the modules of the Sui framework that are emulated.
pub static FRAMEWORK: NativePackage = NativePackage {
    name: "sui-framework",
    modules: &[&CLOCK, &DYNAMIC_FIELD],
};

/// Mirrors `sui::clock`.
static CLOCK: NativeModule = NativeModule {
    name: "clock",
    source: "sui-framework/sources/clock.move",
    functions: &[NativeFunction {
        name: "timestamp_ms",
        params: &[Param::Ref],
        run: timestamp_ms,
    }],
    structs: &["Clock"],
    key_only_structs: &["Clock"],
};

fn timestamp_ms(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let now = call.clock_ms(0)?;
    Ok(vec![Value::pure(&now)])
}

/// Mirrors `sui::dynamic_field` (its `Field` struct; the functions are Rust-only here).
static DYNAMIC_FIELD: NativeModule = NativeModule {
    name: "dynamic_field",
    source: "sui-framework/sources/dynamic_field.move",
    functions: &[],
    structs: &["Field"],
    key_only_structs: &["Field"],
};

/// `sui::dynamic_field::Field<K, V>`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field<K, V> {
    /// The field object's id.
    pub id: Address,
    /// The key.
    pub name: K,
    /// The value.
    pub value: V,
}

fn field_id<K: Serialize>(parent: Address, key_type: &TypeTag, name: &K) -> ExecResult<Address> {
    let key = bcs::to_bytes(name).map_err(|_| ExecError::ObjectNotFound(parent))?;
    Ok(seal_protocol::onchain::dynamic_field_id(
        &parent, key_type, &key,
    ))
}

/// `dynamic_field::add(parent, name, value)`: aborts with `EFieldAlreadyExists` (0) if present.
pub fn add_field<K: Serialize, V: Serialize>(
    call: &mut Call<'_, '_>,
    parent: Address,
    key_type: TypeTag,
    name: K,
    value_type: TypeTag,
    value: V,
) -> ExecResult<()> {
    let id = field_id(parent, &key_type, &name)?;
    if call.ctx.exists(id) {
        return Err(call.abort_in(Address::TWO, "dynamic_field", "add", 0));
    }
    let type_ = struct_tag(
        Address::TWO,
        "dynamic_field",
        "Field",
        vec![key_type, value_type],
    );
    call.create(id, type_, &Field { id, name, value }, Owner::Object(parent))
}

/// `dynamic_field::borrow(parent, name)`: aborts with `EFieldDoesNotExist` (1) if absent.
pub fn borrow_field<K: Serialize + DeserializeOwned, V: DeserializeOwned>(
    call: &mut Call<'_, '_>,
    parent: Address,
    key_type: &TypeTag,
    name: &K,
) -> ExecResult<(Address, V)> {
    let id = field_id(parent, key_type, name)?;
    if !call.ctx.exists(id) {
        return Err(call.abort_in(Address::TWO, "dynamic_field", "borrow_child_object", 1));
    }
    let (_, field): (_, Field<K, V>) = call.read_object(id)?;
    Ok((id, field.value))
}

/// Writes a new value into an existing field.
pub fn write_field<K: Serialize, V: Serialize>(
    call: &mut Call<'_, '_>,
    parent: Address,
    key_type: &TypeTag,
    name: K,
    value: V,
) -> ExecResult<()> {
    let id = field_id(parent, key_type, &name)?;
    call.write(id, &Field { id, name, value })
}
