//! The effects of a finished transaction (`TransactionEffectsV2`): changed objects with their
//! input and output states, read-only shared objects, the gas object; and what the transaction
//! returned, for simulations.

use sui_sdk_types::{
    Address, ChangedObject, Digest, ExecutionStatus, GasCostSummary, IdOperation, ObjectIn,
    ObjectOut, Owner, TransactionEffects, TransactionEffectsV2, UnchangedConsensusKind,
    UnchangedConsensusObject,
};

use super::CommandOutputs;
use super::context::{Changes, created_ids};
use crate::ledger::Ledger;

/// What running a transaction produced.
#[derive(Debug)]
pub struct Outcome {
    /// Its digest.
    pub digest: Digest,
    /// Its effects.
    pub effects: TransactionEffects,
    /// Objects to write if applied.
    pub written: Vec<sui_sdk_types::Object>,
    /// Ids to delete if applied.
    pub deleted: Vec<Address>,
    /// Each command's return values (empty when the transaction failed).
    pub command_outputs: CommandOutputs,
}

/// The effects of a finished transaction.
pub(super) fn outcome(
    ledger: &Ledger,
    digest: Digest,
    status: ExecutionStatus,
    gas_used: GasCostSummary,
    changes: Changes,
    gas: Option<Address>,
) -> Outcome {
    let created = created_ids(&changes);
    let mut changed_objects: Vec<ChangedObject> = Vec::new();
    for object in &changes.written {
        let id = object.object_id();
        let input_state = match changes.inputs.get(&id) {
            Some(input) => ObjectIn::Exist {
                version: input.version(),
                digest: input.digest(),
                owner: *input.owner(),
            },
            None => ObjectIn::NotExist,
        };
        let id_operation = if created.contains(&id) {
            IdOperation::Created
        } else {
            IdOperation::None
        };
        changed_objects.push(ChangedObject {
            object_id: id,
            input_state,
            output_state: ObjectOut::ObjectWrite {
                digest: object.digest(),
                owner: *object.owner(),
            },
            id_operation,
        });
    }
    for (id, input) in &changes.deleted {
        changed_objects.push(ChangedObject {
            object_id: *id,
            input_state: ObjectIn::Exist {
                version: input.version(),
                digest: input.digest(),
                owner: *input.owner(),
            },
            output_state: ObjectOut::NotExist,
            id_operation: IdOperation::Deleted,
        });
    }
    changed_objects.sort_by_key(|c| c.object_id);
    let unchanged_consensus_objects = changes
        .read_only
        .iter()
        .filter(|o| matches!(o.owner(), Owner::Shared(_)))
        .map(|o| UnchangedConsensusObject {
            object_id: o.object_id(),
            kind: UnchangedConsensusKind::ReadOnlyRoot {
                version: o.version(),
                digest: o.digest(),
            },
        })
        .collect();
    let gas_object_index = gas
        .and_then(|g| changed_objects.iter().position(|c| c.object_id == g))
        .map(|i| i as u32);
    let effects = TransactionEffectsV2 {
        status,
        epoch: ledger.epoch(),
        gas_used,
        transaction_digest: digest,
        gas_object_index,
        events_digest: None,
        dependencies: Vec::new(),
        lamport_version: changes.lamport_version,
        changed_objects,
        unchanged_consensus_objects,
        auxiliary_data_digest: None,
    };
    Outcome {
        digest,
        effects: TransactionEffects::V2(Box::new(effects)),
        written: changes.written,
        deleted: changes.deleted.into_iter().map(|(id, _)| id).collect(),
        command_outputs: CommandOutputs::new(),
    }
}
