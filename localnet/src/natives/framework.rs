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
    init_objects: &[],
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
    init_objects: &[],
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

/// `sui::table::Table<K, V>`: a UID and a size; entries are dynamic fields of the UID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// The table's UID.
    pub id: Address,
    /// Number of entries.
    pub size: u64,
}

impl Table {
    /// `table::new`: an empty table with a fresh UID.
    pub fn new(call: &mut Call<'_, '_>) -> Self {
        Self {
            id: call.ctx.fresh_id(),
            size: 0,
        }
    }

    /// Allows access to the entries of this table, embedded in `container`.
    fn open(&self, call: &mut Call<'_, '_>, container: Address) {
        let writable = call.ctx.is_writable(container);
        call.ctx.grant(self.id, writable);
    }

    /// `table::add`: aborts like `dynamic_field::add` if the key is present.
    pub fn add<K: Serialize, V: Serialize>(
        &mut self,
        call: &mut Call<'_, '_>,
        container: Address,
        key_type: TypeTag,
        key: K,
        value_type: TypeTag,
        value: V,
    ) -> ExecResult<()> {
        self.open(call, container);
        add_field(call, self.id, key_type, key, value_type, value)?;
        self.size += 1;
        Ok(())
    }

    /// `table::contains`.
    pub fn contains<K: Serialize>(
        &self,
        call: &mut Call<'_, '_>,
        container: Address,
        key_type: &TypeTag,
        key: &K,
    ) -> ExecResult<bool> {
        self.open(call, container);
        let id = field_id(self.id, key_type, key)?;
        Ok(call.ctx.exists(id))
    }

    /// `table::remove`: aborts with `EFieldDoesNotExist` (1) if the key is absent.
    pub fn remove<K: Serialize>(
        &mut self,
        call: &mut Call<'_, '_>,
        container: Address,
        key_type: &TypeTag,
        key: &K,
    ) -> ExecResult<()> {
        self.open(call, container);
        let id = field_id(self.id, key_type, key)?;
        if !call.ctx.exists(id) {
            return Err(call.abort_in(Address::TWO, "dynamic_field", "remove_child_object", 1));
        }
        call.ctx.delete(id)?;
        self.size -= 1;
        Ok(())
    }
}

/// `transfer::share_object` of an object this transaction created.
pub fn share(call: &mut Call<'_, '_>, id: Address) -> ExecResult<()> {
    call.ctx.share(id)
}

#[cfg(test)]
mod tests {
    use sui_sdk_types::Digest;

    use super::*;
    use crate::exec::TxContext;
    use crate::ledger::{Ledger, LedgerConfig};

    fn with_call<T>(
        ledger: &Ledger,
        body: impl FnOnce(&mut Call<'_, '_>) -> T,
    ) -> (T, crate::exec::Changes) {
        let mut ctx = TxContext::new(ledger, Address::from_static("0xa11ce"), Digest::ZERO);
        let result = {
            let mut call = Call {
                ctx: &mut ctx,
                package: Address::TWO,
                origin: Address::TWO,
                module: "test",
                function: "test",
                type_args: vec![],
                args: vec![],
            };
            body(&mut call)
        };
        (result, ctx.finish())
    }

    #[test]
    fn tables_keep_entries_as_fields_of_their_uid_and_shared_objects_get_the_lamport_version() {
        let ledger = Ledger::new(LedgerConfig {
            start_time_ms: Some(0),
            ..LedgerConfig::default()
        });
        let ((table, container), changes) = with_call(&ledger, |call| {
            let container = call.ctx.fresh_id();
            let mut table = Table::new(call);
            let tag = struct_tag(Address::TWO, "test", "Holder", vec![]);
            call.create(
                container,
                tag,
                &(container, table),
                Owner::Address(Address::ZERO),
            )
            .unwrap();
            table
                .add(
                    call,
                    container,
                    TypeTag::Address,
                    Address::TWO,
                    TypeTag::Bool,
                    true,
                )
                .unwrap();
            assert!(
                table
                    .contains(call, container, &TypeTag::Address, &Address::TWO)
                    .unwrap()
            );
            assert!(
                !table
                    .contains(call, container, &TypeTag::Address, &Address::ZERO)
                    .unwrap()
            );
            assert!(
                table
                    .add(
                        call,
                        container,
                        TypeTag::Address,
                        Address::TWO,
                        TypeTag::Bool,
                        false
                    )
                    .is_err()
            );
            table
                .add(
                    call,
                    container,
                    TypeTag::Address,
                    Address::ZERO,
                    TypeTag::Bool,
                    true,
                )
                .unwrap();
            table
                .remove(call, container, &TypeTag::Address, &Address::ZERO)
                .unwrap();
            assert!(
                table
                    .remove(call, container, &TypeTag::Address, &Address::ZERO)
                    .is_err()
            );
            share(call, container).unwrap();
            (table, container)
        });
        assert_eq!(table.size, 1);
        let shared = changes
            .written
            .iter()
            .find(|o| o.object_id() == container)
            .unwrap();
        assert_eq!(shared.owner(), &Owner::Shared(changes.lamport_version));
        let entries: Vec<_> = changes
            .written
            .iter()
            .filter(|o| o.owner() == &Owner::Object(table.id))
            .collect();
        assert_eq!(entries.len(), 1);

        // A later transaction reaches the entries through the object holding the table.
        let mut ledger = ledger;
        for object in changes.written {
            ledger.put_object(object);
        }
        let (found, _) = with_call(&ledger, |call| {
            let key = Address::TWO;
            // Not yet holding the container: the entry is out of reach.
            let hidden = call.ctx.exists(seal_protocol::onchain::dynamic_field_id(
                &table.id,
                &TypeTag::Address,
                key.as_bytes(),
            ));
            call.ctx.load_input(container, true).unwrap();
            let mut table = table;
            let found = table
                .contains(call, container, &TypeTag::Address, &key)
                .unwrap();
            table
                .remove(call, container, &TypeTag::Address, &key)
                .unwrap();
            (hidden, found)
        });
        assert_eq!(found, (false, true));
    }
}
