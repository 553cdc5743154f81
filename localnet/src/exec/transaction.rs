//! Running a whole transaction: checks a fullnode makes before execution, gas, the commands,
//! and the effects.
//!
//! Gas is simplified (and documented in the README): a transaction costs
//! `gas price × (1000 + 100 × commands)` computation units, no storage cost and no rebates. The
//! cost is taken from the gas coins (merged into the first, as Sui does); a budget below the
//! cost fails the transaction with `InsufficientGas`. Simulations may have no gas coins at all,
//! as on a fullnode, and then nothing is charged.

use std::collections::BTreeSet;

use sui_crypto::SuiVerifier;
use sui_sdk_types::{
    Address, ExecutionStatus, GasCostSummary, Input, Owner, ProgrammableTransaction, Transaction,
    TransactionExpiration, TransactionKind, UserSignature,
};

use super::commands::{CoinContents, is_coin};
use super::context::TxContext;
pub use super::effects::Outcome;
use super::effects::outcome;
use super::{CommandOutputs, ExecError, Interpreter, TxError};
use crate::ledger::Ledger;

/// Computation units every transaction costs.
pub const BASE_UNITS: u64 = 1000;
/// Computation units each command adds.
pub const UNITS_PER_COMMAND: u64 = 100;

/// How a transaction is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Dry run; `checks`: enforce ownership and gas rules as execution would.
    Simulate {
        /// Whether the usual checks apply.
        checks: bool,
        /// Whether to keep each command's return values (when the caller asked for them).
        outputs: bool,
    },
    /// Real execution (signatures required).
    Execute,
}

fn invalid(message: impl Into<String>) -> TxError {
    TxError::Invalid(message.into())
}

/// Checks that every signer (sender, and a sponsor if any) signed the transaction.
pub fn verify_signatures(
    transaction: &Transaction,
    signatures: &[UserSignature],
) -> Result<(), TxError> {
    let verifier = sui_crypto::UserSignatureVerifier::new();
    let mut signers = vec![transaction.sender];
    if transaction.gas_payment.owner != transaction.sender {
        signers.push(transaction.gas_payment.owner);
    }
    for signer in signers {
        let signed = signatures.iter().any(|signature| {
            signature
                .derive_addresses()
                .any(|address| address == signer)
                && verifier.verify_transaction(transaction, signature).is_ok()
        });
        if !signed {
            return Err(invalid(format!(
                "Invalid user signature: no valid signature of {signer}"
            )));
        }
    }
    Ok(())
}

/// Loads and checks the inputs the way a fullnode validates a transaction.
fn load_inputs(
    ctx: &mut TxContext<'_>,
    ptb: &ProgrammableTransaction,
    sender: Address,
    checks: bool,
) -> Result<(), TxError> {
    for input in &ptb.inputs {
        match input {
            Input::Pure(_) | Input::FundsWithdrawal(_) => {}
            Input::ImmutableOrOwned(reference) => {
                let id = *reference.object_id();
                let object = ctx
                    .ledger()
                    .object(&id)
                    .ok_or(TxError::ObjectNotFound(id))?;
                if reference.version() != object.version() || *reference.digest() != object.digest()
                {
                    return Err(invalid(format!(
                        "Object {id} is not available at version {}",
                        reference.version()
                    )));
                }
                let writable = match object.owner() {
                    Owner::Immutable => false,
                    Owner::Address(owner) if *owner == sender || !checks => true,
                    Owner::Address(_) => {
                        return Err(invalid(format!(
                            "Object {id} is not owned by the sender {sender}"
                        )));
                    }
                    _ => {
                        return Err(invalid(format!(
                            "Object {id} is not an owned or immutable object"
                        )));
                    }
                };
                ctx.load_input(id, writable)
                    .map_err(|_| TxError::ObjectNotFound(id))?;
            }
            Input::Shared(shared) => {
                let id = shared.object_id();
                let object = ctx
                    .ledger()
                    .object(&id)
                    .ok_or(TxError::ObjectNotFound(id))?;
                match object.owner() {
                    Owner::Shared(initial) if *initial == shared.version() => {}
                    _ => {
                        return Err(invalid(format!(
                            "Object {id} is not shared at initial version {}",
                            shared.version()
                        )));
                    }
                }
                ctx.load_input(id, shared.mutability().is_mutable())
                    .map_err(|_| TxError::ObjectNotFound(id))?;
            }
            Input::Receiving(reference) => {
                return Err(invalid(format!(
                    "receiving object {} is not supported by this emulator",
                    reference.object_id()
                )));
            }
            _ => return Err(invalid("unsupported input kind")),
        }
    }
    Ok(())
}

/// Checks the gas payment and returns the coins (first one receives the others).
fn gas_coins(
    ledger: &Ledger,
    transaction: &Transaction,
    mode: Mode,
) -> Result<Vec<Address>, TxError> {
    let payment = &transaction.gas_payment;
    let checks = !matches!(mode, Mode::Simulate { checks: false, .. });
    if checks && payment.price < ledger.reference_gas_price() {
        return Err(invalid(format!(
            "Gas price {} is below the reference gas price {}",
            payment.price,
            ledger.reference_gas_price()
        )));
    }
    if payment.objects.is_empty() {
        return match mode {
            Mode::Execute => Err(invalid("A transaction needs gas coins to execute")),
            Mode::Simulate { .. } => Ok(Vec::new()),
        };
    }
    let mut total: u64 = 0;
    let mut seen = BTreeSet::new();
    for reference in &payment.objects {
        let id = *reference.object_id();
        let object = ledger.object(&id).ok_or(TxError::ObjectNotFound(id))?;
        let sui_data = match object.data() {
            sui_sdk_types::ObjectData::Struct(s)
                if is_coin(s.object_type())
                    && s.object_type().type_params()
                        == [sui_sdk_types::TypeTag::Struct(Box::new(
                            sui_sdk_types::StructTag::sui(),
                        ))] =>
            {
                s
            }
            _ => return Err(invalid(format!("Gas object {id} is not a SUI coin"))),
        };
        if object.owner() != &Owner::Address(payment.owner)
            || reference.version() != object.version()
            || !seen.insert(id)
        {
            return Err(invalid(format!(
                "Gas object {id} is not an available coin of {}",
                payment.owner
            )));
        }
        let coin: CoinContents =
            bcs::from_bytes(sui_data.contents()).map_err(|_| invalid("malformed coin"))?;
        total = total.saturating_add(coin.value);
    }
    if checks && total < payment.budget {
        return Err(invalid(format!(
            "Gas balance {total} is less than the budget {}",
            payment.budget
        )));
    }
    Ok(payment.objects.iter().map(|r| *r.object_id()).collect())
}

/// Merges the gas coins into the first and takes `cost` from it.
fn charge(ctx: &mut TxContext<'_>, coins: &[Address], cost: u64) -> Result<(), ExecError> {
    let Some((&first, rest)) = coins.split_first() else {
        return Ok(());
    };
    let mut total: u64 = 0;
    for &coin in coins {
        let contents: CoinContents =
            bcs::from_bytes(&ctx.object(coin)?.contents).map_err(|_| ExecError::InsufficientGas)?;
        total = total.saturating_add(contents.value);
    }
    for &coin in rest {
        ctx.delete(coin)?;
    }
    let value = total.checked_sub(cost).ok_or(ExecError::InsufficientGas)?;
    ctx.write(
        first,
        bcs::to_bytes(&CoinContents { id: first, value }).unwrap_or_default(),
    )
}

/// Runs `transaction` against `ledger` without changing it.
pub fn run(
    ledger: &Ledger,
    transaction: &Transaction,
    signatures: &[UserSignature],
    mode: Mode,
) -> Result<Outcome, TxError> {
    let TransactionKind::ProgrammableTransaction(ptb) = &transaction.kind else {
        return Err(invalid("only programmable transactions are supported"));
    };
    if mode == Mode::Execute {
        verify_signatures(transaction, signatures)?;
    }
    if let TransactionExpiration::Epoch(epoch) = transaction.expiration {
        if epoch < ledger.epoch() {
            return Err(invalid(format!("Transaction expired at epoch {epoch}")));
        }
    }
    let checks = !matches!(mode, Mode::Simulate { checks: false, .. });
    let coins = gas_coins(ledger, transaction, mode)?;
    let digest = transaction.digest();
    let sender = transaction.sender;

    let prepare = |ctx: &mut TxContext<'_>| -> Result<(), TxError> {
        load_inputs(ctx, ptb, sender, checks)?;
        for &coin in &coins {
            ctx.load_input(coin, true)
                .map_err(|_| TxError::ObjectNotFound(coin))?;
        }
        Ok(())
    };
    let mut ctx = TxContext::new(ledger, sender, digest);
    prepare(&mut ctx)?;
    let units = BASE_UNITS + UNITS_PER_COMMAND * ptb.commands.len() as u64;
    let cost = transaction.gas_payment.price.saturating_mul(units);
    let budget_exceeded = !coins.is_empty() && cost > transaction.gas_payment.budget;

    let result = if budget_exceeded {
        Err((ExecError::InsufficientGas, None))
    } else {
        let outputs = matches!(mode, Mode::Simulate { outputs: true, .. });
        Interpreter::new(&mut ctx, ptb, coins.first().copied()).run(ptb, outputs)
    };
    let mut command_outputs = CommandOutputs::new();
    let (status, ctx) = match result {
        Ok(outputs) => {
            command_outputs = outputs;
            (ExecutionStatus::Success, ctx)
        }
        Err((error, command)) => {
            // A failed transaction keeps only its gas charge (and version bumps of its inputs).
            let mut fresh = TxContext::new(ledger, sender, digest);
            prepare(&mut fresh)?;
            (
                ExecutionStatus::Failure {
                    error: error.to_execution_error(),
                    command,
                },
                fresh,
            )
        }
    };
    let charged = if budget_exceeded {
        transaction.gas_payment.budget
    } else {
        cost
    };
    let mut ctx = ctx;
    let status = match charge(&mut ctx, &coins, charged) {
        Ok(()) => status,
        Err(error) => ExecutionStatus::Failure {
            error: error.to_execution_error(),
            command: None,
        },
    };
    let changes = ctx.finish();
    let gas_used = GasCostSummary {
        computation_cost: if coins.is_empty() { cost } else { charged },
        storage_cost: 0,
        storage_rebate: 0,
        non_refundable_storage_fee: 0,
    };
    let mut outcome = outcome(
        ledger,
        digest,
        status,
        gas_used,
        changes,
        coins.first().copied(),
    );
    if matches!(outcome.effects.status(), ExecutionStatus::Success) {
        outcome.command_outputs = command_outputs;
    }
    Ok(outcome)
}
