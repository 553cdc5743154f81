//! The `subscription` pattern through real transactions: a service is created, subscribers pay
//! the exact fee to its owner, and keys are asked for the way the key server asks (a dry run as
//! the subscriber) while the subscription lasts.

mod common;

use common::*;
use seal_localnet::exec::commands::CoinContents;
use seal_localnet::natives::subscription::PackageVersion;
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::{Address, Argument, Command, Input, ObjectData, Owner, SplitCoins};

const FEE: u64 = 1_000;
const TTL_MS: u64 = 60_000;

/// `[fee, service, clock, recipient]` and the commands: split `amount` off the gas coin,
/// subscribe with it, then place the subscription with `placement`.
fn subscribe_ptb(
    service: Input,
    amount: u64,
    recipient: Address,
    placement: Command,
) -> (Vec<Input>, Vec<Command>) {
    let inputs = vec![pure(&amount), service, clock_input(), pure(&recipient)];
    let commands = vec![
        Command::SplitCoins(SplitCoins {
            coin: Argument::Gas,
            amounts: vec![Argument::Input(0)],
        }),
        call(
            patterns_package(),
            "subscription",
            "subscribe",
            vec![Argument::Result(0), Argument::Input(1), Argument::Input(2)],
        ),
        placement,
    ];
    (inputs, commands)
}

/// `transfer(<the subscription>, recipient)`, the subscription being the result of command
/// `subscribe_at`.
fn transfer_to_recipient_of(subscribe_at: u16) -> Command {
    call(
        patterns_package(),
        "subscription",
        "transfer",
        vec![Argument::Result(subscribe_at), Argument::Input(3)],
    )
}

fn transfer_to_recipient() -> Command {
    transfer_to_recipient_of(1)
}

/// Creates a service owned by `owner`; returns its id and its shared input.
async fn create_service(net: &Localnet, owner: &User) -> (Address, Input) {
    let before = objects_named(net, "Service");
    let created = run(
        net,
        owner,
        vec![pure(&FEE), pure(&TTL_MS)],
        "subscription",
        "create_service_entry",
        2,
    )
    .await;
    assert_eq!(created.success, Some(true), "{created:?}");
    let (id, owner) = objects_named(net, "Service")
        .into_iter()
        .find(|service| !before.contains(service))
        .unwrap();
    assert!(matches!(owner, Owner::Shared(_)), "a service is shared");
    (id, shared_input(net, id, false))
}

/// Rewrites the `PackageVersion` object's version in place.
fn set_version(net: &Localnet, id: Address, version: u64) {
    let mut ledger = net.ledger.lock();
    let object = ledger.object(&id).unwrap().clone();
    let ObjectData::Struct(data) = object.data() else {
        panic!("{id} is not a Move object")
    };
    let contents = bcs::to_bytes(&PackageVersion { id, version }).unwrap();
    let data = sui_sdk_types::MoveStruct::new(
        data.object_type().clone(),
        false,
        object.version(),
        contents,
    )
    .unwrap();
    ledger.put_object(sui_sdk_types::Object::new(
        ObjectData::Struct(data),
        *object.owner(),
        object.previous_transaction(),
        0,
    ));
}

#[tokio::test]
async fn publishing_creates_the_version_object_and_upgrades_do_not() {
    use seal_localnet::natives::patterns::PATTERNS;
    let net = Localnet::start().await;
    let publisher = User::new(55).address;
    // Genesis: one shared version object; its cap went to 0x0, which no one controls.
    assert_eq!(objects_named(&net, "PackageVersion").len(), 1);
    assert_eq!(
        objects_named(&net, "PackageVersionCap"),
        vec![(
            objects_named(&net, "PackageVersionCap")[0].0,
            Owner::Address(Address::ZERO)
        )]
    );
    let published = net.ledger.lock().publish(&PATTERNS, publisher);
    let versions = objects_named(&net, "PackageVersion");
    assert_eq!(versions.len(), 2);
    assert!(versions.iter().all(|(_, owner)| *owner == Owner::Shared(1)));
    let caps = objects_named(&net, "PackageVersionCap");
    assert!(
        caps.iter()
            .any(|(_, owner)| *owner == Owner::Address(publisher))
    );
    // The new version object's type is under the new package.
    let ledger = net.ledger.lock();
    let under_new_package = versions.iter().filter(|(id, _)| {
        matches!(ledger.object(id).unwrap().data(),
            ObjectData::Struct(s) if *s.object_type().address() == published.package_id)
    });
    assert_eq!(under_new_package.count(), 1);
    drop(ledger);
    net.ledger
        .lock()
        .upgrade(published.upgrade_cap_id, &PATTERNS)
        .unwrap();
    assert_eq!(objects_named(&net, "PackageVersion").len(), 2);
}

/// The balances of the SUI coins `owner` holds.
fn coin_values(net: &Localnet, owner: Address) -> Vec<u64> {
    let ledger = net.ledger.lock();
    let mut values: Vec<u64> = ledger
        .objects()
        .filter(|o| *o.owner() == Owner::Address(owner))
        .filter_map(|o| match o.data() {
            ObjectData::Struct(s) if s.object_type().name().as_str() == "Coin" => {
                Some(bcs::from_bytes::<CoinContents>(s.contents()).unwrap().value)
            }
            _ => None,
        })
        .collect();
    values.sort();
    values
}

#[tokio::test]
async fn subscribers_pay_the_owner_and_get_keys_until_the_subscription_ends() {
    let net = Localnet::start().await;
    let (owner, subscriber) = (User::new(51), User::new(52));
    let (service, service_input) = create_service(&net, &owner).await;
    let (package_version, _) = objects_named(&net, "PackageVersion")[0];
    let version_input = shared_input(&net, package_version, false);

    // A wrong fee aborts with `EInvalidFee`.
    let (inputs, commands) = subscribe_ptb(
        service_input.clone(),
        FEE - 1,
        subscriber.address,
        transfer_to_recipient(),
    );
    assert_eq!(
        abort_of(&pay(&net, &subscriber, inputs, commands).await).0,
        12
    );
    // The exact fee buys a subscription; the coin goes to the service's owner.
    let owner_coins = coin_values(&net, owner.address);
    let (inputs, commands) = subscribe_ptb(
        service_input.clone(),
        FEE,
        subscriber.address,
        transfer_to_recipient(),
    );
    let paid = pay(&net, &subscriber, inputs, commands).await;
    assert_eq!(paid.success, Some(true), "{paid:?}");
    let mut expected = owner_coins.clone();
    expected.push(FEE);
    expected.sort();
    assert_eq!(coin_values(&net, owner.address), expected);
    let subscriptions = objects_named(&net, "Subscription");
    assert_eq!(subscriptions.len(), 1);
    let (subscription, holder) = subscriptions[0];
    assert_eq!(holder, Owner::Address(subscriber.address));

    let approve = |id: Vec<u8>, service_input: Input| {
        let inputs = vec![
            pure(&id),
            version_input.clone(),
            Input::ImmutableOrOwned(reference(&net.ledger, subscription)),
            service_input,
            clock_input(),
        ];
        let commands = vec![call(
            patterns_package(),
            "subscription",
            "seal_approve",
            (0..5).map(Argument::Input).collect(),
        )];
        (inputs, commands)
    };
    let under_service = [service.as_bytes(), b"episode 1".as_slice()].concat();
    let (inputs, commands) = approve(under_service.clone(), service_input.clone());
    let approved = simulate(&net, subscriber.address, inputs, commands).await;
    assert_eq!(approved.success, Some(true), "{approved:?}");
    // Once the version object moves on (an upgrade retiring this code), `EWrongVersion`.
    set_version(&net, package_version, 2);
    let (inputs, commands) = approve(under_service.clone(), service_input.clone());
    assert_eq!(
        abort_of(&simulate(&net, subscriber.address, inputs, commands).await).0,
        5
    );
    set_version(&net, package_version, 1);
    // An id outside the service's prefix.
    let (inputs, commands) = approve(b"episode 1".to_vec(), service_input.clone());
    assert_eq!(
        abort_of(&simulate(&net, subscriber.address, inputs, commands).await).0,
        77
    );
    // The subscription presented with another service.
    let (other, other_input) = create_service(&net, &owner).await;
    let (inputs, commands) = approve(other.as_bytes().to_vec(), other_input);
    assert_eq!(
        abort_of(&simulate(&net, subscriber.address, inputs, commands).await).0,
        77
    );
    // Still valid at exactly `created_at + ttl`, refused a millisecond later.
    net.ledger.lock().advance_clock(TTL_MS);
    let (inputs, commands) = approve(under_service.clone(), service_input.clone());
    assert_eq!(
        simulate(&net, subscriber.address, inputs, commands)
            .await
            .success,
        Some(true)
    );
    net.ledger.lock().advance_clock(1);
    let (inputs, commands) = approve(under_service, service_input);
    assert_eq!(
        abort_of(&simulate(&net, subscriber.address, inputs, commands).await).0,
        77
    );
}

#[tokio::test]
async fn a_subscription_moves_only_through_its_module() {
    let net = Localnet::start().await;
    let (owner, subscriber) = (User::new(53), User::new(54));
    let (_, service_input) = create_service(&net, &owner).await;
    use proto::command_argument_error::CommandArgumentErrorKind as ArgumentKind;
    use proto::execution_error::{ErrorDetails, ExecutionErrorKind};
    // The failure's kind, and for an argument error its kind; nothing was created.
    let failed = |status: proto::ExecutionStatus| {
        assert_eq!(status.success, Some(false), "{status:?}");
        assert!(objects_named(&net, "Subscription").is_empty());
        let error = status.error.unwrap();
        let argument = match &error.error_details {
            Some(ErrorDetails::CommandArgumentError(e)) => Some(e.kind()),
            _ => None,
        };
        (error.kind(), argument)
    };

    // Left unplaced: the PTB fails (a `key`-only value cannot be dropped).
    let (inputs, mut commands) = subscribe_ptb(
        service_input.clone(),
        FEE,
        subscriber.address,
        transfer_to_recipient(),
    );
    commands.pop();
    assert_eq!(
        failed(pay(&net, &subscriber, inputs, commands).await),
        (ExecutionErrorKind::UnusedValueWithoutDrop, None)
    );
    // `TransferObjects` needs `store`, which a subscription lacks.
    let placement = Command::TransferObjects(sui_sdk_types::TransferObjects {
        objects: vec![Argument::Result(1)],
        address: Argument::Input(3),
    });
    let (inputs, commands) =
        subscribe_ptb(service_input.clone(), FEE, subscriber.address, placement);
    assert_eq!(
        failed(pay(&net, &subscriber, inputs, commands).await),
        (
            ExecutionErrorKind::CommandArgumentError,
            Some(ArgumentKind::TypeMismatch)
        )
    );
    // The gas coin itself cannot be taken by value.
    let inputs = vec![
        pure(&FEE),
        service_input,
        clock_input(),
        pure(&subscriber.address),
    ];
    let subscribe = call(
        patterns_package(),
        "subscription",
        "subscribe",
        vec![Argument::Gas, Argument::Input(1), Argument::Input(2)],
    );
    let commands = vec![subscribe, transfer_to_recipient_of(0)];
    assert_eq!(
        failed(pay(&net, &subscriber, inputs, commands).await),
        (
            ExecutionErrorKind::CommandArgumentError,
            Some(ArgumentKind::InvalidGasCoinUsage)
        )
    );
}
