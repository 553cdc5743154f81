//! `sui.rpc.v2.TransactionExecutionService`: simulate and execute.
//!
//! A simulation may name its object inputs by id alone (the key server strips versions and
//! digests so that the latest state is used); they are resolved here against the ledger before
//! the transaction is decoded.

use sui_rpc::field::FieldMaskTree;
use sui_rpc::merge::Merge;
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_rpc::proto::sui::rpc::v2::transaction_execution_service_server::TransactionExecutionService;
use sui_sdk_types::{Owner, Transaction, UserSignature};
use tonic::{Request, Response, Status};

use super::{read_mask, timestamp};
use crate::exec::TxError;
use crate::exec::transaction::{Mode, Outcome, run};
use crate::ledger::{ExecutedRecord, Ledger, SharedLedger};

/// The execution service.
#[derive(Debug, Clone)]
pub struct ExecutionApi {
    ledger: SharedLedger,
}

impl ExecutionApi {
    /// Serves `ledger`.
    pub fn new(ledger: SharedLedger) -> Self {
        Self { ledger }
    }
}

/// A budget large enough for any simulation that does not name one.
const SIMULATION_BUDGET: u64 = 50_000_000_000;

fn status_of(error: TxError) -> Status {
    match error {
        TxError::ObjectNotFound(_) => Status::not_found(error.to_string()),
        TxError::Invalid(_) => Status::invalid_argument(error.to_string()),
    }
}

/// Completes object inputs given by id only, and fills defaults a simulation may leave out.
fn resolve(ledger: &Ledger, transaction: &proto::Transaction) -> Result<Transaction, Status> {
    use proto::input::InputKind;
    let mut transaction = transaction.clone();
    if transaction.bcs.is_none() {
        // Clients building transactions may leave the kind's tag implied by its data.
        if let Some(kind) = transaction.kind.as_mut() {
            if matches!(
                kind.data,
                Some(proto::transaction_kind::Data::ProgrammableTransaction(_))
            ) && kind.kind.unwrap_or(0) == 0
            {
                kind.kind = Some(proto::transaction_kind::Kind::ProgrammableTransaction as i32);
            }
        }
        if let Some(proto::transaction_kind::Data::ProgrammableTransaction(ptb)) =
            transaction.kind.as_mut().and_then(|k| k.data.as_mut())
        {
            for input in &mut ptb.inputs {
                let Some(id) = input.object_id.as_deref() else {
                    continue;
                };
                let id = super::parse_address("input object_id", Some(id))?;
                let object = ledger
                    .object(&id)
                    .ok_or_else(|| Status::not_found(format!("Object {id} not found")))?;
                match object.owner() {
                    Owner::Shared(initial) => {
                        input.kind = Some(InputKind::Shared as i32);
                        input.version = Some(*initial);
                        if input.mutable.is_none() && input.mutability.is_none() {
                            input.mutable = Some(false);
                        }
                    }
                    _ if input.kind() != InputKind::Receiving => {
                        input.kind = Some(InputKind::ImmutableOrOwned as i32);
                        input.version.get_or_insert(object.version());
                        input
                            .digest
                            .get_or_insert_with(|| object.digest().to_string());
                    }
                    _ => {}
                }
            }
        }
        transaction.version.get_or_insert(1);
        let sender = transaction.sender.clone();
        let payment = transaction.gas_payment.get_or_insert_with(Default::default);
        if payment.owner.is_none() {
            payment.owner = sender;
        }
        payment.price.get_or_insert(ledger.reference_gas_price());
        payment.budget.get_or_insert(SIMULATION_BUDGET);
        transaction.expiration.get_or_insert_with(|| {
            let mut none = proto::TransactionExpiration::default();
            none.kind = Some(proto::transaction_expiration::TransactionExpirationKind::None as i32);
            none
        });
    }
    Transaction::try_from(&transaction)
        .map_err(|e| Status::invalid_argument(format!("invalid transaction: {e}")))
}

/// Gives a failure status the human-readable description a fullnode attaches (clients show it,
/// and the key server puts it after `Access denied: `).
fn describe_failure(
    effects: &mut proto::TransactionEffects,
    source: &sui_sdk_types::TransactionEffects,
) {
    let sui_sdk_types::ExecutionStatus::Failure { error, command } = source.status() else {
        return;
    };
    let Some(proto_error) = effects.status.as_mut().and_then(|s| s.error.as_mut()) else {
        return;
    };
    if proto_error.description.is_none() {
        let place = command
            .map(|c| format!(" in command {c}"))
            .unwrap_or_default();
        proto_error.description = Some(format!("{error:?}{place}"));
    }
}

/// The full executed-transaction message, before the read mask.
fn executed(
    transaction: &Transaction,
    signatures: &[UserSignature],
    outcome: &Outcome,
    checkpoint: Option<u64>,
    time_ms: u64,
) -> proto::ExecutedTransaction {
    let everything = FieldMaskTree::new_wildcard();
    let mut executed = proto::ExecutedTransaction::default();
    executed.digest = Some(outcome.digest.to_string());
    executed.transaction = Some(proto::Transaction::merge_from(
        transaction.clone(),
        &everything,
    ));
    executed.signatures = signatures.iter().cloned().map(Into::into).collect();
    let mut effects = proto::TransactionEffects::merge_from(&outcome.effects, &everything);
    describe_failure(&mut effects, &outcome.effects);
    executed.effects = Some(effects);
    executed.checkpoint = checkpoint;
    executed.timestamp = Some(timestamp(time_ms));
    let mut objects = proto::ObjectSet::default();
    objects.objects = outcome
        .written
        .iter()
        .map(|o| super::render_object(o, &everything))
        .collect();
    executed.objects = Some(objects);
    executed
}

/// Each command's return values, as BCS (no type names or JSON: the emulator's natives do not
/// carry Move types for plain values).
fn command_outputs(outputs: &[Vec<Vec<u8>>]) -> Vec<proto::CommandResult> {
    outputs
        .iter()
        .enumerate()
        .map(|(command, values)| {
            let mut result = proto::CommandResult::default();
            result.return_values = values
                .iter()
                .enumerate()
                .map(|(index, value)| {
                    let mut output = proto::CommandOutput::default();
                    output.argument = Some(proto::Argument::from(
                        sui_sdk_types::Argument::NestedResult(command as u16, index as u16),
                    ));
                    let mut bcs = proto::Bcs::default();
                    bcs.value = Some(value.clone().into());
                    output.value = Some(bcs);
                    output
                })
                .collect();
            result
        })
        .collect()
}

#[tonic::async_trait]
impl TransactionExecutionService for ExecutionApi {
    async fn simulate_transaction(
        &self,
        request: Request<proto::SimulateTransactionRequest>,
    ) -> Result<Response<proto::SimulateTransactionResponse>, Status> {
        use proto::simulate_transaction_request::TransactionChecks;
        let request = request.into_inner();
        let mask = read_mask::<proto::SimulateTransactionResponse>(
            request.read_mask.clone(),
            "transaction.digest,transaction.effects",
        )?;
        let checks = request.checks() != TransactionChecks::Disabled;
        let outputs = mask.contains("command_outputs");
        let ledger = self.ledger.lock();
        let transaction = resolve(
            &ledger,
            request
                .transaction
                .as_ref()
                .ok_or_else(|| Status::invalid_argument("missing transaction"))?,
        )?;
        let outcome = run(
            &ledger,
            &transaction,
            &[],
            Mode::Simulate { checks, outputs },
        )
        .map_err(status_of)?;
        let mut full = proto::SimulateTransactionResponse::default();
        full.transaction = Some(executed(
            &transaction,
            &[],
            &outcome,
            None,
            ledger.timestamp_ms(),
        ));
        full.suggested_gas_price = Some(ledger.reference_gas_price());
        let mut response = proto::SimulateTransactionResponse::default();
        if let (Some(subtree), Some(full)) =
            (mask.subtree("transaction"), full.transaction.as_ref())
        {
            response.transaction = Some(proto::ExecutedTransaction::merge_from(full, &subtree));
        }
        if mask.contains("suggested_gas_price") {
            response.suggested_gas_price = full.suggested_gas_price;
        }
        if mask.contains("command_outputs") {
            response.command_outputs = command_outputs(&outcome.command_outputs);
        }
        Ok(Response::new(response))
    }

    async fn execute_transaction(
        &self,
        request: Request<proto::ExecuteTransactionRequest>,
    ) -> Result<Response<proto::ExecuteTransactionResponse>, Status> {
        let request = request.into_inner();
        // Unlike simulation's, this mask is relative to the executed transaction.
        let mask = read_mask::<proto::ExecutedTransaction>(
            request.read_mask.clone(),
            "effects.status,checkpoint",
        )?;
        let proto_transaction = request
            .transaction
            .as_ref()
            .ok_or_else(|| Status::invalid_argument("missing transaction"))?;
        let transaction = Transaction::try_from(proto_transaction)
            .map_err(|e| Status::invalid_argument(format!("invalid transaction: {e}")))?;
        let signatures = request
            .signatures
            .iter()
            .map(UserSignature::try_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Status::invalid_argument(format!("invalid signature: {e}")))?;
        let mut ledger = self.ledger.lock();
        let outcome = run(&ledger, &transaction, &signatures, Mode::Execute).map_err(status_of)?;
        let record = ExecutedRecord {
            transaction: transaction.clone(),
            signatures: signatures.clone(),
            effects: outcome.effects.clone(),
            checkpoint: 0,
            timestamp_ms: 0,
        };
        ledger.apply(outcome.written.clone(), outcome.deleted.clone(), record);
        tracing::info!(digest = %outcome.digest, sender = %transaction.sender, "executed");
        let full = executed(
            &transaction,
            &signatures,
            &outcome,
            Some(ledger.checkpoint()),
            ledger.timestamp_ms(),
        );
        let mut response = proto::ExecuteTransactionResponse::default();
        response.transaction = Some(proto::ExecutedTransaction::merge_from(&full, &mask));
        Ok(Response::new(response))
    }
}
