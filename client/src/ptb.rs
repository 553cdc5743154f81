//! Building programmable transactions: inputs are added once and referred to by position, calls
//! return the argument naming their result. The same builder makes the policy PTBs sent to key
//! servers and the transactions the CLI's pattern helpers execute.

use seal_protocol::Address;
use sui_sdk_types::{
    Argument, Command, Identifier, Input, MoveCall, ProgrammableTransaction, SharedInput,
};

use crate::chain::ChainError;

/// The clock object (`0x6`), read-only, as every `seal_approve` taking a `&Clock` needs it.
pub fn clock_input() -> Input {
    Input::Shared(SharedInput::new(Address::from_static("0x6"), 1, false))
}

/// The policy PTB a key server dry-runs: one call `package::module::seal_approve(id, objects…)`.
pub fn seal_approve(
    package: Address,
    module: &str,
    id: &[u8],
    objects: Vec<Input>,
) -> Result<PtbBuilder, ChainError> {
    let mut ptb = PtbBuilder::new();
    let mut arguments = vec![ptb.pure(id)?];
    arguments.extend(objects.into_iter().map(|object| ptb.input(object)));
    ptb.call(package, module, "seal_approve", arguments)?;
    Ok(ptb)
}

/// A programmable transaction under construction.
#[derive(Debug, Default, Clone)]
pub struct PtbBuilder {
    inputs: Vec<Input>,
    commands: Vec<Command>,
}

impl PtbBuilder {
    /// An empty transaction.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an input.
    pub fn input(&mut self, input: Input) -> Argument {
        self.inputs.push(input);
        Argument::Input(self.inputs.len() as u16 - 1)
    }

    /// Adds a pure input: `value` in BCS.
    pub fn pure<T: serde::Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<Argument, ChainError> {
        let bytes = bcs::to_bytes(value).map_err(|e| ChainError(e.to_string()))?;
        Ok(self.input(Input::Pure(bytes)))
    }

    /// Adds a command; returns the argument naming its (single) result.
    pub fn command(&mut self, command: Command) -> Argument {
        self.commands.push(command);
        Argument::Result(self.commands.len() as u16 - 1)
    }

    /// Calls `package::module::function(arguments)`.
    pub fn call(
        &mut self,
        package: Address,
        module: &str,
        function: &str,
        arguments: Vec<Argument>,
    ) -> Result<Argument, ChainError> {
        let identifier = |name: &str| Identifier::new(name).map_err(|e| ChainError(e.to_string()));
        Ok(self.command(Command::MoveCall(MoveCall {
            package,
            module: identifier(module)?,
            function: identifier(function)?,
            type_arguments: vec![],
            arguments,
        })))
    }

    /// The transaction.
    pub fn finish(self) -> ProgrammableTransaction {
        ProgrammableTransaction {
            inputs: self.inputs,
            commands: self.commands,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_name_inputs_and_results_by_position() {
        let mut ptb = PtbBuilder::new();
        let id = ptb.pure(&vec![1u8, 2]).unwrap();
        let clock = ptb.input(clock_input());
        let result = ptb
            .call(Address::TWO, "tle", "seal_approve", vec![id, clock])
            .unwrap();
        assert_eq!(
            (id, clock, result),
            (Argument::Input(0), Argument::Input(1), Argument::Result(0))
        );
        assert!(
            ptb.call(Address::TWO, "not an identifier", "f", vec![])
                .is_err()
        );
        let ptb = ptb.finish();
        assert_eq!(ptb.inputs[0], Input::Pure(vec![2, 1, 2]));
        assert_eq!(ptb.commands.len(), 1);
    }
}
