//! Simulation and execution over gRPC with the `sui-rpc` client: the `account_based` and `tle`
//! policies, the staleness check the key server prepends, coin transfers, package upgrades, and
//! the refusals a fullnode gives.

mod common;

use common::*;
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::{Address, Argument, Command, Input, SharedInput, SplitCoins, TransferObjects};

#[tokio::test]
async fn account_based_approves_only_the_own_address() {
    let net = Localnet::start().await;
    let user = User::new(1);
    let approve = || {
        vec![call(
            patterns_package(),
            "account_based",
            "seal_approve",
            vec![Argument::Input(0)],
        )]
    };
    let allowed = simulate(
        &net,
        user.address,
        vec![pure(&user.address.as_bytes().to_vec())],
        approve(),
    )
    .await;
    assert_eq!(allowed.success, Some(true), "{allowed:?}");
    let other = User::new(2).address;
    let denied = simulate(
        &net,
        user.address,
        vec![pure(&other.as_bytes().to_vec())],
        approve(),
    )
    .await;
    assert_eq!(denied.success, Some(false));
    assert_eq!(
        abort_of(&denied),
        (1, patterns_package().to_string(), "account_based".into())
    );
}

#[tokio::test]
async fn tle_approves_once_the_clock_has_passed() {
    let net = Localnet::start().await;
    let user = User::new(1);
    let approve = || {
        vec![call(
            patterns_package(),
            "tle",
            "seal_approve",
            vec![Argument::Input(0), Argument::Input(1)],
        )]
    };
    let passed = simulate(
        &net,
        user.address,
        vec![pure(&START_MS.to_le_bytes().to_vec()), clock_input()],
        approve(),
    )
    .await;
    assert_eq!(passed.success, Some(true), "{passed:?}");
    let future = (START_MS + 60_000).to_le_bytes().to_vec();
    let denied = simulate(
        &net,
        user.address,
        vec![pure(&future), clock_input()],
        approve(),
    )
    .await;
    assert_eq!(abort_of(&denied).0, 77);
    net.ledger.lock().advance_clock(60_000);
    let later = simulate(
        &net,
        user.address,
        vec![pure(&future), clock_input()],
        approve(),
    )
    .await;
    assert_eq!(later.success, Some(true));
    // Seven bytes: the abort comes from `0x1::bcs::peel_u64`.
    let short = simulate(
        &net,
        user.address,
        vec![pure(&vec![0u8; 7]), clock_input()],
        approve(),
    )
    .await;
    assert_eq!(
        abort_of(&short),
        (0, Address::from_static("0x1").to_string(), "bcs".into())
    );
}

#[tokio::test]
async fn the_staleness_check_fails_a_lagging_clock() {
    let net = Localnet::start().await;
    let user = User::new(1);
    let with_check = |now: u64| {
        let inputs = vec![
            pure(&user.address.as_bytes().to_vec()),
            pure(&now),
            pure(&120_000u64),
            clock_input(),
        ];
        let commands = vec![
            call(
                seal_package(),
                "time",
                "check_staleness",
                vec![Argument::Input(1), Argument::Input(2), Argument::Input(3)],
            ),
            call(
                patterns_package(),
                "account_based",
                "seal_approve",
                vec![Argument::Input(0)],
            ),
        ];
        (inputs, commands)
    };
    let (inputs, commands) = with_check(START_MS + 1_000);
    assert_eq!(
        simulate(&net, user.address, inputs, commands).await.success,
        Some(true)
    );
    let (inputs, commands) = with_check(START_MS - 5_000);
    assert_eq!(
        simulate(&net, user.address, inputs, commands).await.success,
        Some(true),
        "a clock ahead of now passes"
    );
    let (inputs, commands) = with_check(START_MS + 120_001);
    let stale = simulate(&net, user.address, inputs, commands).await;
    assert_eq!(
        abort_of(&stale),
        (93492, seal_package().to_string(), "time".into())
    );
    assert_eq!(stale.error.unwrap().command, Some(0));
}

#[tokio::test]
async fn a_missing_function_is_function_not_found() {
    let net = Localnet::start().await;
    let user = User::new(1);
    for (module, function) in [
        ("account_based", "seal_approve_nope"),
        ("no_module", "seal_approve"),
    ] {
        let status = simulate(
            &net,
            user.address,
            vec![pure(&vec![1u8])],
            vec![call(
                patterns_package(),
                module,
                function,
                vec![Argument::Input(0)],
            )],
        )
        .await;
        let kind = status.error.unwrap().kind;
        assert_eq!(
            kind,
            Some(proto::execution_error::ExecutionErrorKind::FunctionNotFound as i32),
            "{module}::{function}"
        );
    }
}

#[tokio::test]
async fn unknown_objects_are_not_found_and_malformed_transactions_invalid() {
    let net = Localnet::start().await;
    let user = User::new(1);
    let mut request = proto::SimulateTransactionRequest::default();
    let mut message: proto::Transaction = transaction(
        user.address,
        vec![Input::Shared(SharedInput::new(
            Address::from_static("0xabc"),
            1,
            false,
        ))],
        vec![],
        vec![],
        1,
    )
    .into();
    message.bcs = None;
    request.transaction = Some(message);
    let missing = net
        .client()
        .execution_client()
        .simulate_transaction(request)
        .await
        .unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound);

    let mut request = proto::SimulateTransactionRequest::default();
    let mut garbage = proto::Transaction::default();
    garbage.bcs = Some(proto::Bcs::default());
    request.transaction = Some(garbage);
    let invalid = net
        .client()
        .execution_client()
        .simulate_transaction(request)
        .await
        .unwrap_err();
    assert_eq!(invalid.code(), tonic::Code::InvalidArgument);
}

#[tokio::test]
async fn coins_move_and_signatures_and_owners_are_checked() {
    let net = Localnet::start().await;
    let (alice, bob) = (User::new(5), User::new(6));
    let coin = net.ledger.lock().fund(alice.address, 5_000_000_000);
    let pay = |gas| {
        transaction(
            alice.address,
            vec![pure(&1_000u64), pure(&bob.address)],
            vec![
                Command::SplitCoins(SplitCoins {
                    coin: Argument::Gas,
                    amounts: vec![Argument::Input(0)],
                }),
                Command::TransferObjects(TransferObjects {
                    objects: vec![Argument::Result(0)],
                    address: Argument::Input(1),
                }),
            ],
            vec![gas],
            10_000_000,
        )
    };
    // Signed by the wrong key: refused before execution.
    let tx = pay(reference(&net.ledger, coin));
    let refused = execute(&net, &tx, vec![bob.sign(&tx)]).await.unwrap_err();
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    // Properly signed: bob receives a coin of 1000.
    let executed = execute(&net, &tx, vec![alice.sign(&tx)]).await.unwrap();
    assert_eq!(status(&executed).success, Some(true), "{executed:?}");
    let received = net
        .ledger
        .lock()
        .objects()
        .filter(|o| o.owner() == &sui_sdk_types::Owner::Address(bob.address))
        .count();
    assert_eq!(received, 1);
    // Replaying the same transaction: the gas coin's version moved on.
    assert_eq!(
        execute(&net, &tx, vec![alice.sign(&tx)])
            .await
            .unwrap_err()
            .code(),
        tonic::Code::InvalidArgument
    );
    // Bob cannot spend alice's coin as his own input.
    let bob_gas = net.ledger.lock().fund(bob.address, 1_000_000_000);
    let steal = transaction(
        bob.address,
        vec![
            Input::ImmutableOrOwned(reference(&net.ledger, coin)),
            pure(&bob.address),
        ],
        vec![Command::TransferObjects(TransferObjects {
            objects: vec![Argument::Input(0)],
            address: Argument::Input(1),
        })],
        vec![reference(&net.ledger, bob_gas)],
        10_000_000,
    );
    let refused = execute(&net, &steal, vec![bob.sign(&steal)])
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    assert!(
        refused.message().contains("not owned by the sender"),
        "{}",
        refused.message()
    );
}

#[tokio::test]
async fn an_upgraded_package_runs_under_its_new_id() {
    let net = Localnet::start().await;
    let user = User::new(7);
    let (v1, v2) = {
        let mut ledger = net.ledger.lock();
        let published = ledger.publish(&seal_localnet::natives::patterns::PATTERNS, user.address);
        let v2 = ledger
            .upgrade(
                published.upgrade_cap_id,
                &seal_localnet::natives::patterns::PATTERNS,
            )
            .unwrap();
        (published.package_id, v2)
    };
    assert_ne!(v1, v2);
    let approve = |package| {
        vec![call(
            package,
            "account_based",
            "seal_approve",
            vec![Argument::Input(0)],
        )]
    };
    let allowed = simulate(
        &net,
        user.address,
        vec![pure(&user.address.as_bytes().to_vec())],
        approve(v2),
    )
    .await;
    assert_eq!(allowed.success, Some(true));
    let denied = simulate(&net, user.address, vec![pure(&vec![0u8; 32])], approve(v2)).await;
    assert_eq!(
        abort_of(&denied),
        (1, v2.to_string(), "account_based".into())
    );
}

#[tokio::test]
async fn checks_disabled_lets_a_simulation_use_someone_elses_object() {
    let net = Localnet::start().await;
    let (alice, bob) = (User::new(10), User::new(11));
    let coin = net.ledger.lock().fund(alice.address, 1_000);
    let inputs = || {
        vec![
            Input::ImmutableOrOwned(reference(&net.ledger, coin)),
            pure(&bob.address),
        ]
    };
    let commands = || {
        vec![Command::TransferObjects(TransferObjects {
            objects: vec![Argument::Input(0)],
            address: Argument::Input(1),
        })]
    };
    for (checks, expected) in [
        (
            proto::simulate_transaction_request::TransactionChecks::Enabled,
            false,
        ),
        (
            proto::simulate_transaction_request::TransactionChecks::Disabled,
            true,
        ),
    ] {
        let mut request = proto::SimulateTransactionRequest::default();
        request.transaction =
            Some(transaction(bob.address, inputs(), commands(), vec![], 1).into());
        request.checks = Some(checks as i32);
        let answer = net
            .client()
            .execution_client()
            .simulate_transaction(request)
            .await;
        match answer {
            Ok(response) => {
                assert!(expected, "{checks:?} should refuse");
                assert_eq!(
                    status(&response.into_inner().transaction.unwrap()).success,
                    Some(true)
                );
            }
            Err(status) => {
                assert!(!expected, "{checks:?} should allow: {status}");
                assert_eq!(status.code(), tonic::Code::InvalidArgument);
            }
        }
    }
}
