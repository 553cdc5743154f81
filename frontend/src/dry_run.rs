//! The policy dry run (§3.5–§3.7): the staleness check put in front of the user's PTB, the
//! transaction simulated as the user, and the mapping of its outcome to API errors.

use seal_protocol::api::{ApiError, ErrorKind};
use seal_protocol::ptb::PtbError;
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::{
    Address, Argument, Command, GasPayment, Identifier, Input, MoveCall, ProgrammableTransaction,
    SharedInput, Transaction, TransactionExpiration, TransactionKind,
};

use crate::chain::ChainError;

/// The clock object.
const CLOCK: Address = Address::from_static("0x6");

/// `seal::time::EStaleFullnode`.
pub const E_STALE_FULLNODE: u64 = 93492;

/// Gas budget of every dry run.
pub const DRY_RUN_GAS_BUDGET: u64 = 500_000_000;

/// Inserts `seal::time::check_staleness(now, allowed, clock)` as command 0 (§3.5). The user's
/// commands shift by one, which is safe because they never use results.
pub fn with_staleness_check(
    ptb: &ProgrammableTransaction,
    seal_package: Address,
    now_ms: u64,
    allowed_ms: u64,
) -> ProgrammableTransaction {
    let mut ptb = ptb.clone();
    let index = |i: usize| Argument::Input(i as u16);
    let now = ptb.inputs.len();
    ptb.inputs.push(Input::Pure(now_ms.to_le_bytes().to_vec()));
    ptb.inputs
        .push(Input::Pure(allowed_ms.to_le_bytes().to_vec()));
    let clock = match ptb
        .inputs
        .iter()
        .position(|i| matches!(i, Input::Shared(s) if s.object_id() == CLOCK))
    {
        Some(existing) => existing,
        None => {
            ptb.inputs
                .push(Input::Shared(SharedInput::new(CLOCK, 1, false)));
            ptb.inputs.len() - 1
        }
    };
    let check = Command::MoveCall(MoveCall {
        package: seal_package,
        module: Identifier::from_static("time"),
        function: Identifier::from_static("check_staleness"),
        type_arguments: vec![],
        arguments: vec![index(now), index(now + 1), index(clock)],
    });
    ptb.commands.insert(0, check);
    ptb
}

/// The dry-run transaction: the user as sender, no gas coins, the current gas price (§3.6).
pub fn dry_run_transaction(
    ptb: ProgrammableTransaction,
    user: Address,
    gas_price: u64,
) -> Transaction {
    Transaction {
        kind: TransactionKind::ProgrammableTransaction(ptb),
        sender: user,
        gas_payment: GasPayment {
            objects: vec![],
            owner: user,
            price: gas_price,
            budget: DRY_RUN_GAS_BUDGET,
        },
        expiration: TransactionExpiration::None,
    }
}

/// What a dry run decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every `seal_approve*` call passed.
    Approved,
    /// The fullnode's clock lags too far behind ours.
    StaleFullnode,
}

/// Maps a simulation result to a verdict or an API error (§3.7).
pub fn verdict(
    result: Result<proto::ExecutionStatus, ChainError>,
    seal_package: Address,
) -> Result<Verdict, ApiError> {
    let status = match result {
        Ok(status) => status,
        Err(ChainError::InvalidArgument(message) | ChainError::NotFound(message)) => {
            return Err(ApiError::with_detail(ErrorKind::InvalidParameter, message));
        }
        Err(ChainError::Unavailable(detail)) => {
            tracing::warn!(%detail, "dry run failed");
            return Err(ApiError::new(ErrorKind::Failure));
        }
    };
    if status.success == Some(true) {
        return Ok(Verdict::Approved);
    }
    let error = status.error.unwrap_or_default();
    if let Some(proto::execution_error::ErrorDetails::Abort(abort)) = &error.error_details {
        let location = abort.location.clone().unwrap_or_default();
        if abort.abort_code == Some(E_STALE_FULLNODE)
            && location.package.as_deref() == Some(seal_package.to_string().as_str())
            && location.module.as_deref() == Some("time")
        {
            return Ok(Verdict::StaleFullnode);
        }
    }
    if error.kind == Some(proto::execution_error::ExecutionErrorKind::FunctionNotFound as i32) {
        return Err(PtbError::FunctionNotFound.into());
    }
    let description = error.description.clone().unwrap_or_else(|| {
        error
            .kind
            .and_then(|k| proto::execution_error::ExecutionErrorKind::try_from(k).ok())
            .map(|k| k.as_str_name().to_owned())
            .unwrap_or_else(|| "execution failed".into())
    });
    Err(ApiError::with_detail(ErrorKind::NoAccess, description))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approve_ptb(with_clock: bool) -> ProgrammableTransaction {
        let mut inputs = vec![Input::Pure(vec![1, 7])];
        let mut arguments = vec![Argument::Input(0)];
        if with_clock {
            inputs.push(Input::Shared(SharedInput::new(CLOCK, 1, false)));
            arguments.push(Argument::Input(1));
        }
        let call = Command::MoveCall(MoveCall {
            package: Address::from_static("0xabc"),
            module: Identifier::from_static("tle"),
            function: Identifier::from_static("seal_approve"),
            type_arguments: vec![],
            arguments,
        });
        ProgrammableTransaction {
            inputs,
            commands: vec![call],
        }
    }

    #[test]
    fn the_check_goes_first_and_reuses_an_existing_clock() {
        let seal = Address::from_static("0x5ea1");
        for with_clock in [false, true] {
            let original = approve_ptb(with_clock);
            let checked = with_staleness_check(&original, seal, 1_000, 120_000);
            assert_eq!(checked.commands.len(), 2);
            assert_eq!(checked.commands[1], original.commands[0]);
            let Command::MoveCall(check) = &checked.commands[0] else {
                panic!()
            };
            assert_eq!(
                (
                    check.package,
                    check.module.as_str(),
                    check.function.as_str()
                ),
                (seal, "time", "check_staleness")
            );
            let n = original.inputs.len();
            assert_eq!(
                checked.inputs[n],
                Input::Pure(1_000u64.to_le_bytes().to_vec())
            );
            assert_eq!(
                checked.inputs[n + 1],
                Input::Pure(120_000u64.to_le_bytes().to_vec())
            );
            let clock_index = if with_clock { 1 } else { n + 2 };
            assert_eq!(check.arguments[2], Argument::Input(clock_index as u16));
            assert_eq!(checked.inputs.len(), if with_clock { n + 2 } else { n + 3 });
        }
    }

    fn failure(
        kind: proto::execution_error::ExecutionErrorKind,
        abort: Option<(u64, &str, &str)>,
    ) -> proto::ExecutionStatus {
        let mut error = proto::ExecutionError::default();
        error.kind = Some(kind as i32);
        if let Some((code, package, module)) = abort {
            let mut location = proto::MoveLocation::default();
            location.package = Some(package.to_owned());
            location.module = Some(module.to_owned());
            let mut move_abort = proto::MoveAbort::default();
            move_abort.abort_code = Some(code);
            move_abort.location = Some(location);
            error.error_details = Some(proto::execution_error::ErrorDetails::Abort(move_abort));
        }
        let mut status = proto::ExecutionStatus::default();
        status.success = Some(false);
        status.error = Some(error);
        status
    }

    #[test]
    fn outcomes_map_to_the_official_errors() {
        use proto::execution_error::ExecutionErrorKind as Kind;
        let seal = Address::from_static("0x5ea1");
        let seal_hex = seal.to_string();
        let mut ok = proto::ExecutionStatus::default();
        ok.success = Some(true);
        assert_eq!(verdict(Ok(ok), seal), Ok(Verdict::Approved));
        assert_eq!(
            verdict(
                Ok(failure(Kind::MoveAbort, Some((93492, &seal_hex, "time")))),
                seal
            ),
            Ok(Verdict::StaleFullnode)
        );
        // The same code elsewhere is an ordinary refusal.
        let elsewhere = verdict(
            Ok(failure(
                Kind::MoveAbort,
                Some((
                    93492,
                    "0x0000000000000000000000000000000000000000000000000000000000000abc",
                    "time",
                )),
            )),
            seal,
        );
        assert_eq!(elsewhere.unwrap_err().kind(), ErrorKind::NoAccess);
        let abort = verdict(
            Ok(failure(Kind::MoveAbort, Some((77, &seal_hex, "tle")))),
            seal,
        )
        .unwrap_err();
        assert_eq!(abort.kind(), ErrorKind::NoAccess);
        assert!(abort.message().starts_with("Access denied: "));
        let missing = verdict(Ok(failure(Kind::FunctionNotFound, None)), seal).unwrap_err();
        assert_eq!(
            (missing.kind(), missing.message()),
            (
                ErrorKind::InvalidPTB,
                "Invalid PTB: The seal_approve function was not found on the module"
            )
        );
        let parameter = verdict(
            Err(ChainError::NotFound("Object 0x1 not found".into())),
            seal,
        )
        .unwrap_err();
        assert_eq!(
            (parameter.kind(), parameter.message()),
            (
                ErrorKind::InvalidParameter,
                "Invalid parameter to PTB: Object 0x1 not found"
            )
        );
        assert_eq!(
            verdict(Err(ChainError::Unavailable("down".into())), seal)
                .unwrap_err()
                .kind(),
            ErrorKind::Failure
        );
    }
}
