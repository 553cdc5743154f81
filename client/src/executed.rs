//! The outcome of an executed transaction as the CLI and tests need it: what it created (with
//! types, to find a new `Cap` or `Subscription`), and for a failure, the Move abort.

use seal_protocol::Address;
use sui_rpc::proto::sui::rpc::v2 as proto;

/// What an executed transaction did.
#[derive(Debug, Clone, Default)]
pub struct Executed {
    /// Its digest.
    pub digest: String,
    /// The objects it created.
    pub created: Vec<CreatedObject>,
    /// Why it failed, if it did (gas was still charged).
    pub failure: Option<Failure>,
}

/// An object a transaction created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedObject {
    /// Its id.
    pub id: Address,
    /// Its Move type, e.g. `0x…::whitelist::Cap`.
    pub type_: String,
    /// Who holds it.
    pub owner: CreatedOwner,
}

/// Who holds a created object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatedOwner {
    /// An account.
    Address,
    /// Another object (a dynamic field, a child).
    Object,
    /// Everyone (shared).
    Shared,
    /// No one (frozen).
    Immutable,
}

/// Why a transaction failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The fullnode's description.
    pub description: String,
    /// For a Move abort: the code and the module that aborted.
    pub abort: Option<(u64, String)>,
}

impl Executed {
    pub(crate) fn from_proto(executed: proto::ExecutedTransaction) -> Self {
        let effects = executed.effects.unwrap_or_default();
        let status = effects.status.clone().unwrap_or_default();
        let failure = (status.success != Some(true)).then(|| {
            let error = status.error.unwrap_or_default();
            let abort = match &error.error_details {
                Some(proto::execution_error::ErrorDetails::Abort(abort)) => {
                    abort.abort_code.map(|code| {
                        let module = abort.location.as_ref().and_then(|l| l.module.clone());
                        (code, module.unwrap_or_default())
                    })
                }
                _ => None,
            };
            Failure {
                description: error.description.unwrap_or_else(|| "failed".into()),
                abort,
            }
        });
        let objects = executed.objects.map(|o| o.objects).unwrap_or_default();
        let created = effects
            .changed_objects
            .iter()
            .filter(|c| c.id_operation == Some(proto::changed_object::IdOperation::Created as i32))
            .filter_map(|c| {
                let id: Address = c.object_id.as_deref()?.parse().ok()?;
                let kind = c.output_owner.as_ref().and_then(|o| o.kind);
                let owner = match kind {
                    Some(k) if k == proto::owner::OwnerKind::Address as i32 => {
                        CreatedOwner::Address
                    }
                    Some(k) if k == proto::owner::OwnerKind::Shared as i32 => CreatedOwner::Shared,
                    Some(k) if k == proto::owner::OwnerKind::Immutable as i32 => {
                        CreatedOwner::Immutable
                    }
                    _ => CreatedOwner::Object,
                };
                let type_ = objects
                    .iter()
                    .find(|o| o.object_id.as_deref() == c.object_id.as_deref())
                    .and_then(|o| o.object_type.clone())
                    .unwrap_or_default();
                Some(CreatedObject { id, type_, owner })
            })
            .collect();
        Self {
            digest: executed.digest.unwrap_or_default(),
            created,
            failure,
        }
    }

    /// The created objects whose type is `module::Name` (any package), in creation order.
    pub fn created_of(&self, module_and_name: &str) -> Vec<Address> {
        let suffix = format!("::{module_and_name}");
        self.created
            .iter()
            .filter(|c| c.type_.ends_with(&suffix) || c.type_.contains(&format!("{suffix}<")))
            .map(|c| c.id)
            .collect()
    }
}
