//! The `whitelist` and `private_data` patterns through real transactions: created, changed and
//! then asked for keys the way the key server asks (a dry run as the user).

mod common;

use common::*;
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::{Address, Argument, Input, Owner};

#[tokio::test]
async fn whitelist_members_get_keys_for_ids_under_the_list() {
    let net = Localnet::start().await;
    let (admin, member, outsider) = (User::new(21), User::new(22), User::new(23));
    assert_eq!(
        run(
            &net,
            &admin,
            vec![],
            "whitelist",
            "create_whitelist_entry",
            0
        )
        .await
        .success,
        Some(true)
    );
    let lists = objects_named(&net, "Whitelist");
    let (list, owner) = lists[0];
    assert!(
        matches!(owner, Owner::Shared(v) if v > 0),
        "shared at the creating transaction's version: {owner:?}"
    );
    let cap = objects_named(&net, "Cap")[0].0;
    let shared = |net: &Localnet| shared_input(net, list, true);
    // A read-only input of the list, for `seal_approve`.
    let list_input = shared_input(&net, list, false);

    // The admin adds the member; adding twice aborts with EDuplicate (3).
    let wl = shared(&net);
    // `add` and `remove` both take (whitelist, cap, address).
    let member_args = |wl: Input| {
        vec![
            wl,
            Input::ImmutableOrOwned(reference(&net.ledger, cap)),
            pure(&member.address),
        ]
    };
    assert_eq!(
        run(&net, &admin, member_args(wl.clone()), "whitelist", "add", 3)
            .await
            .success,
        Some(true)
    );
    let wl = shared(&net);
    assert_eq!(
        abort_of(&run(&net, &admin, member_args(wl), "whitelist", "add", 3).await).0,
        3
    );

    let approve = |id: Vec<u8>| vec![pure(&id), list_input.clone()];
    let under_list = [list.as_bytes(), b"nonce-1".as_slice()].concat();
    let ok = simulate(
        &net,
        member.address,
        approve(under_list.clone()),
        vec![call(
            patterns_package(),
            "whitelist",
            "seal_approve",
            vec![Argument::Input(0), Argument::Input(1)],
        )],
    )
    .await;
    assert_eq!(ok.success, Some(true), "{ok:?}");
    let approve_call = || {
        vec![call(
            patterns_package(),
            "whitelist",
            "seal_approve",
            vec![Argument::Input(0), Argument::Input(1)],
        )]
    };
    // Not a member; an id outside the list's prefix.
    let denied = simulate(
        &net,
        outsider.address,
        approve(under_list.clone()),
        approve_call(),
    )
    .await;
    assert_eq!(abort_of(&denied).0, 1);
    let elsewhere = [Address::TWO.as_bytes(), b"nonce-1".as_slice()].concat();
    assert_eq!(
        abort_of(&simulate(&net, member.address, approve(elsewhere), approve_call()).await).0,
        1
    );

    // Removed: refused again. Removing a non-member aborts with ENotInWhitelist (4).
    let wl = shared(&net);
    assert_eq!(
        run(&net, &admin, member_args(wl), "whitelist", "remove", 3)
            .await
            .success,
        Some(true)
    );
    assert_eq!(
        abort_of(&simulate(&net, member.address, approve(under_list), approve_call()).await).0,
        1
    );
    let wl = shared(&net);
    assert_eq!(
        abort_of(&run(&net, &admin, member_args(wl), "whitelist", "remove", 3).await).0,
        4
    );

    // Another list's cap is refused with EInvalidCap (2).
    assert_eq!(
        run(
            &net,
            &outsider,
            vec![],
            "whitelist",
            "create_whitelist_entry",
            0
        )
        .await
        .success,
        Some(true)
    );
    let other_cap = objects_named(&net, "Cap")
        .into_iter()
        .find(|(_, o)| *o == Owner::Address(outsider.address))
        .unwrap()
        .0;
    let wl = shared(&net);
    let foreign = vec![
        wl,
        Input::ImmutableOrOwned(reference(&net.ledger, other_cap)),
        pure(&outsider.address),
    ];
    assert_eq!(
        abort_of(&run(&net, &outsider, foreign, "whitelist", "add", 3).await).0,
        2
    );
}

#[tokio::test]
async fn private_data_is_for_its_owner_with_the_right_nonce() {
    let net = Localnet::start().await;
    let (owner, other) = (User::new(31), User::new(32));
    let stored = run(
        &net,
        &owner,
        vec![pure(&b"n1".to_vec()), pure(&b"ciphertext".to_vec())],
        "private_data",
        "store_entry",
        2,
    )
    .await;
    assert_eq!(stored.success, Some(true));
    let object = objects_named(&net, "PrivateData")[0].0;
    let approve = || {
        vec![call(
            patterns_package(),
            "private_data",
            "seal_approve",
            vec![Argument::Input(0), Argument::Input(1)],
        )]
    };
    let id = |nonce: &[u8]| [owner.address.as_bytes(), nonce].concat();
    let input = |net: &Localnet| Input::ImmutableOrOwned(reference(&net.ledger, object));

    let ok = simulate(
        &net,
        owner.address,
        vec![pure(&id(b"n1")), input(&net)],
        approve(),
    )
    .await;
    assert_eq!(ok.success, Some(true), "{ok:?}");
    assert_eq!(
        abort_of(
            &simulate(
                &net,
                owner.address,
                vec![pure(&id(b"n2")), input(&net)],
                approve()
            )
            .await
        )
        .0,
        77
    );
    // Someone else cannot use the owner's object as an input at all.
    let mut request = proto::SimulateTransactionRequest::default();
    request.transaction = Some(
        transaction(
            other.address,
            vec![pure(&id(b"n1")), input(&net)],
            approve(),
            vec![],
            1,
        )
        .into(),
    );
    let refused = net
        .client()
        .execution_client()
        .simulate_transaction(request)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
}

#[tokio::test]
async fn key_requests_admit_listed_users_for_a_minute() {
    let net = Localnet::start().await;
    let (admin, user, outsider) = (User::new(41), User::new(42), User::new(43));
    let created = run(
        &net,
        &admin,
        vec![pure(&vec![user.address])],
        "key_request",
        "create_list_entry",
        1,
    )
    .await;
    assert_eq!(created.success, Some(true), "{created:?}");
    let list = objects_named(&net, "RequestList")[0];
    let list_input = shared_input(&net, list.0, false);

    // Only listed users get a request.
    assert_eq!(
        run(
            &net,
            &user,
            vec![list_input.clone(), clock_input()],
            "key_request",
            "request_key",
            2
        )
        .await
        .success,
        Some(true)
    );
    assert_eq!(
        abort_of(
            &run(
                &net,
                &outsider,
                vec![list_input, clock_input()],
                "key_request",
                "request_key",
                2
            )
            .await
        )
        .0,
        1
    );
    let request = objects_named(&net, "KeyRequest")[0].0;

    let approve = |id: Vec<u8>| {
        let inputs = vec![
            pure(&id),
            Input::ImmutableOrOwned(reference(&net.ledger, request)),
            clock_input(),
        ];
        (
            inputs,
            vec![call(
                patterns_package(),
                "key_request",
                "seal_approve",
                vec![Argument::Input(0), Argument::Input(1), Argument::Input(2)],
            )],
        )
    };
    let (inputs, commands) = approve(list.0.as_bytes().to_vec());
    assert_eq!(
        simulate(&net, user.address, inputs, commands).await.success,
        Some(true)
    );
    // Another id than the request names.
    let (inputs, commands) = approve(Address::TWO.as_bytes().to_vec());
    assert_eq!(
        abort_of(&simulate(&net, user.address, inputs, commands).await).0,
        1
    );
    // Another user cannot even present the request (it is owned).
    let (inputs, commands) = approve(list.0.as_bytes().to_vec());
    let mut simulation = proto::SimulateTransactionRequest::default();
    simulation.transaction =
        Some(transaction(outsider.address, inputs, commands, vec![], 1).into());
    assert_eq!(
        net.client()
            .execution_client()
            .simulate_transaction(simulation)
            .await
            .unwrap_err()
            .code(),
        tonic::Code::InvalidArgument
    );
    // Expired after a minute.
    net.ledger.lock().advance_clock(60_001);
    let (inputs, commands) = approve(list.0.as_bytes().to_vec());
    assert_eq!(
        abort_of(&simulate(&net, user.address, inputs, commands).await).0,
        1
    );
}
