//! Why a transaction failed, in the two places failures land: before execution (a gRPC error,
//! like a fullnode refusing a transaction) or during it (a failure status in the effects).

use sui_sdk_types::{Address, ExecutionError, Identifier, MoveLocation};

/// A failure while executing commands; becomes the effects' failure status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecError {
    /// A Move abort at a location with a code.
    Abort {
        /// Package (as called), module and function.
        package: Address,
        /// Module name.
        module: &'static str,
        /// Function name.
        function: &'static str,
        /// Abort code.
        code: u64,
    },
    /// No such function in the module (or no such module).
    FunctionNotFound,
    /// Wrong number of arguments.
    ArityMismatch,
    /// An argument of the wrong kind or type, by position.
    ArgumentType(u16),
    /// An argument that does not decode, by position.
    ArgumentBcs(u16),
    /// An argument index out of range.
    ArgumentIndex(u16),
    /// A value was used after being moved.
    ArgumentMoved(u16),
    /// The gas coin passed by value to a Move call, by position.
    GasCoinByValue(u16),
    /// A result with an object that was neither transferred nor consumed.
    UnusedValue(u16),
    /// An object the transaction cannot see.
    ObjectNotFound(Address),
    /// A write to an object the transaction may only read.
    ImmutableWrite(Address),
    /// Not enough balance in a coin.
    InsufficientCoinBalance,
    /// Not enough gas.
    InsufficientGas,
}

/// Result of a step of execution.
pub type ExecResult<T> = Result<T, ExecError>;

impl ExecError {
    /// The Sui execution error this failure is reported as.
    pub fn to_execution_error(&self) -> ExecutionError {
        use sui_sdk_types::CommandArgumentError as Arg;
        match self {
            ExecError::Abort {
                package,
                module,
                function,
                code,
            } => ExecutionError::MoveAbort {
                location: MoveLocation {
                    package: *package,
                    module: Identifier::new(module)
                        .unwrap_or_else(|_| Identifier::from_static("unknown")),
                    function: 0,
                    instruction: 0,
                    function_name: Identifier::new(function).ok(),
                },
                code: *code,
            },
            ExecError::FunctionNotFound => ExecutionError::FunctionNotFound,
            ExecError::ArityMismatch => ExecutionError::ArityMismatch,
            ExecError::ArgumentType(i) => ExecutionError::CommandArgumentError {
                argument: *i,
                kind: Arg::TypeMismatch,
            },
            ExecError::ArgumentBcs(i) => ExecutionError::CommandArgumentError {
                argument: *i,
                kind: Arg::InvalidBcsBytes,
            },
            ExecError::ArgumentIndex(i) => ExecutionError::CommandArgumentError {
                argument: *i,
                kind: Arg::IndexOutOfBounds { index: *i },
            },
            ExecError::ArgumentMoved(i) => ExecutionError::CommandArgumentError {
                argument: *i,
                kind: Arg::InvalidValueUsage,
            },
            ExecError::GasCoinByValue(i) => ExecutionError::CommandArgumentError {
                argument: *i,
                kind: Arg::InvalidGasCoinUsage,
            },
            ExecError::UnusedValue(result) => ExecutionError::UnusedValueWithoutDrop {
                result: *result,
                subresult: 0,
            },
            ExecError::ObjectNotFound(_) => ExecutionError::InvariantViolation,
            ExecError::ImmutableWrite(_) => ExecutionError::InvariantViolation,
            ExecError::InsufficientCoinBalance => ExecutionError::InsufficientCoinBalance,
            ExecError::InsufficientGas => ExecutionError::InsufficientGas,
        }
    }
}

/// Why a transaction was refused before execution; becomes a gRPC status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// An input object does not exist.
    #[error("Object {0} not found")]
    ObjectNotFound(Address),
    /// Anything else wrong with the transaction (owner, version, signature, gas).
    #[error("{0}")]
    Invalid(String),
}
