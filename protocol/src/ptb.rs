//! The `ptb` field of a fetch-key request: validity rules (§3.1) and key ids (§3.2).
//!
//! A request names its keys only through the `seal_approve*` calls of a programmable transaction:
//! the first argument of each call is the inner id. [`ValidPtb`] can only be obtained through the
//! rules below, in the official order, so that the first broken rule decides the message.

use sui_sdk_types::{Argument, Command, Input, ProgrammableTransaction};

use crate::Address;

/// The most commands a PTB may have.
pub const MAX_COMMANDS: usize = 100;

/// The longest inner id we accept, in bytes.
///
/// The official server has no limit of its own besides the request body limit. Real policies use
/// ids of a few dozen bytes; 1 KiB leaves ample room while keeping every keyvault call small
/// (see [`crate::vault`]). Longer ids are refused as `InvalidPTB`.
pub const MAX_INNER_ID_LEN: usize = 1024;

/// Why a PTB was refused. `Display` gives the official detail text, which the server puts after
/// `Invalid PTB: ` in the error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PtbError {
    /// The field is not standard padded base64.
    #[error("Invalid Base64")]
    InvalidBase64,
    /// The bytes are not a BCS `ProgrammableTransaction` (or have trailing bytes).
    #[error("Invalid BCS")]
    InvalidBcs,
    /// More than [`MAX_COMMANDS`] commands.
    #[error("Too many commands in PTB (more than 100)")]
    TooManyCommands,
    /// No inputs or no commands.
    #[error("Empty PTB input or command")]
    Empty,
    /// Command 0 is not a Move call.
    #[error("Invalid first command")]
    InvalidFirstCommand,
    /// A later command is not a Move call.
    #[error("Non MoveCall command")]
    NonMoveCall,
    /// An argument is the gas coin or a result of another command.
    #[error("Only pure inputs are allowed")]
    NonInputArgument,
    /// A call without arguments.
    #[error("Empty args")]
    EmptyArgs,
    /// The first argument is not an existing pure input.
    #[error("Invalid first parameter for seal_approve")]
    InvalidFirstParameter,
    /// The first argument does not decode as `vector<u8>` exactly.
    #[error("Invalid BCS for first parameter for seal_approve")]
    InvalidFirstParameterBcs,
    /// A function not named `seal_approve*`, or a package other than command 0's.
    #[error("Invalid function or package id")]
    InvalidFunctionOrPackage,
    /// An inner id longer than [`MAX_INNER_ID_LEN`] (our limit, not the official server's).
    #[error("Inner id too long ({0} bytes, at most {max})", max = MAX_INNER_ID_LEN)]
    InnerIdTooLong(usize),
    /// The dry run found no such function (§3.7).
    #[error("The seal_approve function was not found on the module")]
    FunctionNotFound,
}

/// A PTB that passed every rule of §3.1, with the facts the key server needs from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPtb {
    ptb: ProgrammableTransaction,
    bcs_bytes: Vec<u8>,
    package: Address,
    inner_ids: Vec<Vec<u8>>,
}

impl ValidPtb {
    /// Decodes the base64 `ptb` field of a fetch-key request and checks it.
    pub fn from_base64(text: &str) -> Result<Self, PtbError> {
        let bytes =
            crate::encoding::from_base64(text, "ptb").map_err(|_| PtbError::InvalidBase64)?;
        Self::from_bcs(&bytes)
    }

    /// Decodes BCS bytes of a `ProgrammableTransaction` (all bytes must be used) and checks them.
    pub fn from_bcs(bytes: &[u8]) -> Result<Self, PtbError> {
        let ptb: ProgrammableTransaction =
            bcs::from_bytes(bytes).map_err(|_| PtbError::InvalidBcs)?;
        let (package, inner_ids) = check(&ptb)?;
        Ok(Self {
            ptb,
            bcs_bytes: bytes.to_vec(),
            package,
            inner_ids,
        })
    }

    /// Checks an already decoded transaction.
    pub fn new(ptb: ProgrammableTransaction) -> Result<Self, PtbError> {
        let bytes = bcs::to_bytes(&ptb).map_err(|_| PtbError::InvalidBcs)?;
        Self::from_bcs(&bytes)
    }

    /// The decoded transaction.
    pub fn ptb(&self) -> &ProgrammableTransaction {
        &self.ptb
    }

    /// Its BCS encoding, as signed in the session key's request (§2.4). BCS is canonical, so
    /// these are exactly the bytes received.
    pub fn bcs_bytes(&self) -> &[u8] {
        &self.bcs_bytes
    }

    /// The package every call targets (possibly an upgraded version of the policy package).
    pub fn package(&self) -> Address {
        self.package
    }

    /// The inner id of each call, in command order, duplicates kept.
    pub fn inner_ids(&self) -> &[Vec<u8>] {
        &self.inner_ids
    }

    /// The full ids (§3.2) under the first (original) package id, in command order.
    pub fn full_ids(&self, first_package: &Address) -> Vec<Vec<u8>> {
        self.inner_ids
            .iter()
            .map(|inner| full_id(first_package, inner))
            .collect()
    }
}

/// `full_id = first package id (32 bytes) ‖ inner id`, no separator (§3.2).
pub fn full_id(first_package: &Address, inner_id: &[u8]) -> Vec<u8> {
    [first_package.as_bytes(), inner_id].concat()
}

/// Applies the rules of §3.1 in order; returns the package and the inner ids.
fn check(ptb: &ProgrammableTransaction) -> Result<(Address, Vec<Vec<u8>>), PtbError> {
    if ptb.commands.len() > MAX_COMMANDS {
        return Err(PtbError::TooManyCommands);
    }
    if ptb.inputs.is_empty() || ptb.commands.is_empty() {
        return Err(PtbError::Empty);
    }
    let package = match &ptb.commands[0] {
        Command::MoveCall(call) => call.package,
        _ => return Err(PtbError::InvalidFirstCommand),
    };
    let inner_ids = ptb
        .commands
        .iter()
        .map(|command| {
            let Command::MoveCall(call) = command else {
                return Err(PtbError::NonMoveCall);
            };
            if !call
                .arguments
                .iter()
                .all(|a| matches!(a, Argument::Input(_)))
            {
                return Err(PtbError::NonInputArgument);
            }
            let inner_id = match call.arguments.first() {
                None => return Err(PtbError::EmptyArgs),
                Some(Argument::Input(index)) => match ptb.inputs.get(usize::from(*index)) {
                    Some(Input::Pure(value)) => bcs::from_bytes::<Vec<u8>>(value)
                        .map_err(|_| PtbError::InvalidFirstParameterBcs)?,
                    _ => return Err(PtbError::InvalidFirstParameter),
                },
                Some(_) => return Err(PtbError::NonInputArgument),
            };
            if !call.function.as_str().starts_with("seal_approve") || call.package != package {
                return Err(PtbError::InvalidFunctionOrPackage);
            }
            if inner_id.len() > MAX_INNER_ID_LEN {
                return Err(PtbError::InnerIdTooLong(inner_id.len()));
            }
            Ok(inner_id)
        })
        .collect::<Result<_, _>>()?;
    Ok((package, inner_ids))
}

#[cfg(test)]
mod tests;
