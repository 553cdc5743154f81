//! The state one transaction sees and changes: an overlay over the ledger.
//!
//! Objects are loaded from the ledger on first use, recording their input state (version,
//! digest, owner) for the effects. Changes stay in the overlay; [`TxContext::finish`] turns them
//! into written objects at the transaction's Lamport version, or they are dropped if the
//! transaction fails.

use std::collections::{BTreeMap, BTreeSet};

use sui_sdk_types::{Address, Digest, MoveStruct, Object, ObjectData, Owner, StructTag, TypeTag};

use super::error::{ExecError, ExecResult};
use crate::ledger::Ledger;

/// The current value of an object in the overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectValue {
    /// Its Move type.
    pub type_: StructTag,
    /// BCS contents, starting with the 32-byte id.
    pub contents: Vec<u8>,
    /// Its owner after the transaction.
    pub owner: Owner,
}

/// How the transaction left one object.
#[derive(Debug, Clone)]
struct Entry {
    /// The object as it was in the ledger (`None`: created by this transaction).
    original: Option<Object>,
    /// Its value now (`None`: deleted).
    current: Option<ObjectValue>,
    /// Whether the transaction may write it (owned inputs, mutable shared, created).
    writable: bool,
}

/// One transaction's view of the ledger.
pub struct TxContext<'l> {
    ledger: &'l Ledger,
    sender: Address,
    digest: Digest,
    ids_created: u64,
    entries: BTreeMap<Address, Entry>,
    /// UIDs embedded in objects the transaction holds (e.g. a `Table`'s), whose dynamic fields
    /// it may therefore reach; the flag says whether it may write them.
    granted: BTreeMap<Address, bool>,
}

/// Owner placeholder for "shared by this transaction": the initial shared version is the
/// transaction's Lamport version, known only at the end.
const SHARE_HERE: Owner = Owner::Shared(0);

/// What a transaction changed, ready for the effects and the ledger.
#[derive(Debug, Default)]
pub struct Changes {
    /// Objects written (created or mutated) at the Lamport version.
    pub written: Vec<Object>,
    /// Ids of objects deleted, with their input state.
    pub deleted: Vec<(Address, Object)>,
    /// Input states of written objects that existed before.
    pub inputs: BTreeMap<Address, Object>,
    /// Objects read but not written (shared read-only inputs).
    pub read_only: Vec<Object>,
    /// The Lamport version given to every written object.
    pub lamport_version: u64,
}

impl<'l> TxContext<'l> {
    /// A context for a transaction by `sender` with digest `digest`.
    pub fn new(ledger: &'l Ledger, sender: Address, digest: Digest) -> Self {
        Self {
            ledger,
            sender,
            digest,
            ids_created: 0,
            entries: BTreeMap::new(),
            granted: BTreeMap::new(),
        }
    }

    /// The sender.
    pub fn sender(&self) -> Address {
        self.sender
    }

    /// The ledger's clock reading (what `0x6` says).
    pub fn ledger(&self) -> &Ledger {
        self.ledger
    }

    /// Registers an input object. `writable`: owned inputs and mutable shared inputs.
    pub fn load_input(&mut self, id: Address, writable: bool) -> ExecResult<()> {
        let object = self
            .ledger
            .object(&id)
            .ok_or(ExecError::ObjectNotFound(id))?;
        self.track(object.clone(), writable);
        Ok(())
    }

    /// Starts tracking a ledger object in the overlay.
    fn track(&mut self, object: Object, writable: bool) {
        let current = value_of(&object);
        let entry = Entry {
            original: Some(object.clone()),
            current,
            writable,
        };
        self.entries.insert(object.object_id(), entry);
    }

    /// A fresh object id (`hash(tx digest, count)`, as Sui derives them).
    pub fn fresh_id(&mut self) -> Address {
        let id = Address::derive_id(self.digest, self.ids_created);
        self.ids_created += 1;
        id
    }

    /// The current value of an object the transaction can see: an input, one it created, or a
    /// child (dynamic field) of either, loaded on demand.
    pub fn object(&mut self, id: Address) -> ExecResult<&ObjectValue> {
        if !self.entries.contains_key(&id) {
            let object = self
                .ledger
                .object(&id)
                .ok_or(ExecError::ObjectNotFound(id))?;
            let Owner::Object(parent) = object.owner() else {
                return Err(ExecError::ObjectNotFound(id));
            };
            // A child is reachable, and writable, through a parent the transaction holds or a
            // UID granted to it.
            let writable = match (self.entries.get(parent), self.granted.get(parent)) {
                (Some(entry), _) => entry.writable,
                (None, Some(writable)) => *writable,
                (None, None) => return Err(ExecError::ObjectNotFound(id)),
            };
            self.track(object.clone(), writable);
        }
        self.entries
            .get(&id)
            .and_then(|e| e.current.as_ref())
            .ok_or(ExecError::ObjectNotFound(id))
    }

    /// Whether an object exists now (for dynamic-field `exists_`).
    pub fn exists(&mut self, id: Address) -> bool {
        self.object(id).is_ok()
    }

    /// Whether the transaction may write an object it holds.
    pub fn is_writable(&self, id: Address) -> bool {
        self.entries.get(&id).is_some_and(|entry| entry.writable)
    }

    /// Lets the transaction reach the dynamic fields of a UID embedded in an object it holds.
    pub fn grant(&mut self, uid: Address, writable: bool) {
        self.granted.insert(uid, writable);
    }

    /// Shares an object created by this transaction (`transfer::share_object`).
    pub fn share(&mut self, id: Address) -> ExecResult<()> {
        match self.entries.get_mut(&id) {
            Some(Entry {
                original: None,
                current: Some(value),
                ..
            }) => {
                value.owner = SHARE_HERE;
                Ok(())
            }
            _ => Err(ExecError::ImmutableWrite(id)),
        }
    }

    /// The entry of an object the transaction may write.
    fn writable_entry(&mut self, id: Address) -> ExecResult<&mut Entry> {
        let entry = self
            .entries
            .get_mut(&id)
            .ok_or(ExecError::ObjectNotFound(id))?;
        if !entry.writable {
            return Err(ExecError::ImmutableWrite(id));
        }
        Ok(entry)
    }

    /// Replaces the contents of an object the transaction may write.
    pub fn write(&mut self, id: Address, contents: Vec<u8>) -> ExecResult<()> {
        let value = self.writable_entry(id)?.current.as_mut();
        value.ok_or(ExecError::ObjectNotFound(id))?.contents = contents;
        Ok(())
    }

    /// Gives an object a new owner (transfer, share, freeze, or making it a child).
    pub fn set_owner(&mut self, id: Address, owner: Owner) -> ExecResult<()> {
        let value = self.writable_entry(id)?.current.as_mut();
        value.ok_or(ExecError::ObjectNotFound(id))?.owner = owner;
        Ok(())
    }

    /// Creates an object (its contents must start with `id`).
    pub fn create(&mut self, id: Address, type_: StructTag, contents: Vec<u8>, owner: Owner) {
        let current = Some(ObjectValue {
            type_,
            contents,
            owner,
        });
        self.entries.insert(
            id,
            Entry {
                original: None,
                current,
                writable: true,
            },
        );
    }

    /// Deletes an object the transaction may write.
    pub fn delete(&mut self, id: Address) -> ExecResult<()> {
        self.writable_entry(id)?.current = None;
        Ok(())
    }

    /// Turns the overlay into written objects at the Lamport version
    /// `max(input versions) + 1`, as Sui versions every object a transaction writes.
    pub fn finish(self) -> Changes {
        let lamport_version = self
            .entries
            .values()
            .filter_map(|e| e.original.as_ref().map(Object::version))
            .max()
            .unwrap_or(0)
            + 1;
        let mut changes = Changes {
            lamport_version,
            ..Changes::default()
        };
        for (id, entry) in self.entries {
            match (entry.original, entry.current) {
                (Some(original), _) if !entry.writable => changes.read_only.push(original),
                (Some(original), None) => changes.deleted.push((id, original)),
                (original, Some(mut value)) => {
                    if original.is_none() && value.owner == SHARE_HERE {
                        value.owner = Owner::Shared(lamport_version);
                    }
                    if let Some(object) = build_object(value, lamport_version, self.digest) {
                        changes.written.push(object);
                    }
                    if let Some(original) = original {
                        changes.inputs.insert(id, original);
                    }
                }
                (None, None) => {}
            }
        }
        changes
    }
}

/// The overlay value of a ledger object (`None` for packages, which transactions never write).
fn value_of(object: &Object) -> Option<ObjectValue> {
    match object.data() {
        ObjectData::Struct(s) => Some(ObjectValue {
            type_: s.object_type().clone(),
            contents: s.contents().to_vec(),
            owner: *object.owner(),
        }),
        ObjectData::Package(_) => None,
    }
}

/// An object from an overlay value.
pub fn build_object(
    value: ObjectValue,
    version: u64,
    previous_transaction: Digest,
) -> Option<Object> {
    let transferable = TypeTag::Struct(Box::new(value.type_.clone()));
    let has_public_transfer = crate::natives::has_store(&transferable);
    let data = MoveStruct::new(value.type_, has_public_transfer, version, value.contents)?;
    Some(Object::new(
        ObjectData::Struct(data),
        value.owner,
        previous_transaction,
        0,
    ))
}

/// Ids of the objects in `written` that did not exist before.
pub fn created_ids(changes: &Changes) -> BTreeSet<Address> {
    changes
        .written
        .iter()
        .map(Object::object_id)
        .filter(|id| !changes.inputs.contains_key(id))
        .collect()
}
