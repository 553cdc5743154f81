//! The programmable-transaction interpreter.
//!
//! Commands run in order over a [`TxContext`]; each produces results that later commands may
//! use. Move calls go to native packages; the built-in commands (transfers, coin splits and
//! merges, vectors) are in [`commands`]. The first failing command stops the transaction, and
//! its index is reported with the error, as in a fullnode's effects.

pub mod commands;
mod context;
mod effects;
mod error;
pub mod transaction;

pub use context::{Changes, ObjectValue, TxContext, build_object};
pub use error::{ExecError, ExecResult, TxError};

use sui_sdk_types::{Address, Argument, Command, Input, MoveCall, ProgrammableTransaction};

use crate::natives::{Call, Param};

/// A value flowing between commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// BCS bytes of a value without identity (pure inputs, numbers, strings, vectors of them).
    Pure(Vec<u8>),
    /// An object, by id (its value lives in the transaction context).
    Object(Address),
}

impl Value {
    /// A pure value from anything BCS-serializable.
    pub fn pure<T: serde::Serialize>(value: &T) -> Self {
        Value::Pure(bcs::to_bytes(value).unwrap_or_default())
    }
}

/// The return values of each command of a PTB, as BCS.
pub type CommandOutputs = Vec<Vec<Vec<u8>>>;

/// The interpreter state of one PTB.
pub struct Interpreter<'c, 'l> {
    ctx: &'c mut TxContext<'l>,
    inputs: Vec<Value>,
    results: Vec<Vec<Value>>,
    /// The gas coin, if the transaction pays with one.
    gas_coin: Option<Address>,
    /// Objects created and handed out as results, not yet transferred or consumed.
    unplaced: Vec<(Address, u16)>,
}

impl<'c, 'l> Interpreter<'c, 'l> {
    /// An interpreter over loaded inputs.
    pub fn new(
        ctx: &'c mut TxContext<'l>,
        ptb: &ProgrammableTransaction,
        gas_coin: Option<Address>,
    ) -> Self {
        let inputs = ptb
            .inputs
            .iter()
            .map(|input| match input {
                Input::Pure(bytes) => Value::Pure(bytes.clone()),
                Input::ImmutableOrOwned(r) | Input::Receiving(r) => Value::Object(*r.object_id()),
                Input::Shared(shared) => Value::Object(shared.object_id()),
                _ => Value::Pure(Vec::new()),
            })
            .collect();
        Self {
            ctx,
            inputs,
            results: Vec::new(),
            gas_coin,
            unplaced: Vec::new(),
        }
    }

    /// Runs every command; on failure returns the error and the failing command's index. On
    /// success, with `record_outputs`, returns each command's return values as BCS (what a
    /// simulation reports when asked, e.g. a `VoteResult` a dApp reads without executing);
    /// executions and the key servers' dry runs skip that copying.
    pub fn run(
        mut self,
        ptb: &ProgrammableTransaction,
        record_outputs: bool,
    ) -> Result<CommandOutputs, (ExecError, Option<u64>)> {
        let mut outputs = Vec::new();
        for (index, command) in ptb.commands.iter().enumerate() {
            let results = self
                .command(command, index as u16)
                .map_err(|e| (e, Some(index as u64)))?;
            if record_outputs {
                outputs.push(self.bcs_of(&results));
            }
            self.results.push(results);
        }
        match self.unplaced.first() {
            Some((_, result)) => Err((ExecError::UnusedValue(*result), None)),
            None => Ok(outputs),
        }
    }

    /// The BCS of values: pure bytes as they are, objects as their contents when returned.
    fn bcs_of(&mut self, values: &[Value]) -> Vec<Vec<u8>> {
        values
            .iter()
            .map(|value| match value {
                Value::Pure(bytes) => bytes.clone(),
                Value::Object(id) => self
                    .ctx
                    .object(*id)
                    .map(|o| o.contents.clone())
                    .unwrap_or_default(),
            })
            .collect()
    }

    fn command(&mut self, command: &Command, index: u16) -> ExecResult<Vec<Value>> {
        let results = match command {
            Command::MoveCall(call) => self.move_call(call)?,
            Command::TransferObjects(t) => {
                commands::transfer_objects(self, &t.objects, &t.address)?
            }
            Command::SplitCoins(s) => commands::split_coins(self, &s.coin, &s.amounts)?,
            Command::MergeCoins(m) => commands::merge_coins(self, &m.coin, &m.coins_to_merge)?,
            Command::MakeMoveVector(v) => commands::make_move_vec(self, &v.elements)?,
            _ => return Err(ExecError::FunctionNotFound),
        };
        for value in &results {
            if let Value::Object(id) = value {
                self.unplaced.push((*id, index));
            }
        }
        Ok(results)
    }

    /// The value an argument names.
    fn argument(&self, argument: &Argument, position: u16) -> ExecResult<Value> {
        match argument {
            Argument::Gas => self
                .gas_coin
                .map(Value::Object)
                .ok_or(ExecError::ArgumentType(position)),
            Argument::Input(i) => self
                .inputs
                .get(usize::from(*i))
                .cloned()
                .ok_or(ExecError::ArgumentIndex(position)),
            Argument::Result(i) => match self.results.get(usize::from(*i)).map(Vec::as_slice) {
                Some([value]) => Ok(value.clone()),
                _ => Err(ExecError::ArgumentIndex(position)),
            },
            Argument::NestedResult(i, j) => self
                .results
                .get(usize::from(*i))
                .and_then(|r| r.get(usize::from(*j)))
                .cloned()
                .ok_or(ExecError::ArgumentIndex(position)),
        }
    }

    /// Marks an object as placed (transferred, shared, consumed by value).
    fn place(&mut self, id: Address) {
        self.unplaced.retain(|(unplaced, _)| *unplaced != id);
    }

    fn move_call(&mut self, call: &MoveCall) -> ExecResult<Vec<Value>> {
        let (native, origin) = self
            .ctx
            .ledger()
            .native_package(&call.package)
            .ok_or(ExecError::FunctionNotFound)?;
        let (module, function) = native
            .function(call.module.as_str(), call.function.as_str())
            .ok_or(ExecError::FunctionNotFound)?;
        if call.arguments.len() != function.params.len() {
            return Err(ExecError::ArityMismatch);
        }
        let mut args = Vec::with_capacity(call.arguments.len());
        for (position, (argument, param)) in call.arguments.iter().zip(function.params).enumerate()
        {
            let position = position as u16;
            // As on Sui, the gas coin can be borrowed by a Move call but never taken by value.
            if *param == Param::Val && *argument == Argument::Gas {
                return Err(ExecError::GasCoinByValue(position));
            }
            let value = self.argument(argument, position)?;
            match (param, &value) {
                (Param::Pure, Value::Pure(_)) => {}
                (Param::Ref | Param::Mut | Param::Val, Value::Object(id)) => {
                    if *param == Param::Val {
                        self.place(*id);
                    }
                }
                _ => return Err(ExecError::ArgumentType(position)),
            }
            args.push(value);
        }
        let mut native_call = Call {
            ctx: self.ctx,
            package: call.package,
            origin,
            module: module.name,
            function: function.name,
            type_args: call.type_arguments.clone(),
            args,
        };
        (function.run)(&mut native_call)
    }
}
