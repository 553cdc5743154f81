//! `subscription`: a service sells time-limited access for an exact fee in SUI; a subscription
//! opens ids `[service id][nonce]` until `created_at + ttl`. The package is published by the
//! service's operator, whose `init` shares the `PackageVersion` that `seal_approve` checks.

use std::time::Duration;

use seal_client::ptb::{PtbBuilder, clock_input, seal_approve};
use seal_protocol::Address;
use seal_tests::{Published, SealTestCluster, TestUser};
use sui_sdk_types::{Argument, Command, SplitCoins};

const FEE: u64 = 5_000;
const TTL: Duration = Duration::from_secs(600);

async fn create_service(cluster: &SealTestCluster, package: Address, owner: &TestUser) -> Address {
    let mut ptb = PtbBuilder::new();
    let fee = ptb.pure(&FEE).unwrap();
    let ttl = ptb.pure(&(TTL.as_millis() as u64)).unwrap();
    ptb.call(
        package,
        "subscription",
        "create_service_entry",
        vec![fee, ttl],
    )
    .unwrap();
    let created = cluster.execute_ok(owner, ptb).await.unwrap();
    created.created_of("subscription::Service")[0]
}

/// Pays `amount` (split off the gas coin) for a subscription to `service`, kept by the buyer.
async fn subscribe(
    cluster: &SealTestCluster,
    package: Address,
    buyer: &TestUser,
    service: Address,
    amount: u64,
) -> Result<Address, Option<(u64, String)>> {
    let mut ptb = PtbBuilder::new();
    let amount = ptb.pure(&amount).unwrap();
    let coin = ptb.command(Command::SplitCoins(SplitCoins {
        coin: Argument::Gas,
        amounts: vec![amount],
    }));
    let service = ptb.input(cluster.chain().shared_input(service, false).await.unwrap());
    let clock = ptb.input(clock_input());
    let subscription = ptb
        .call(
            package,
            "subscription",
            "subscribe",
            vec![coin, service, clock],
        )
        .unwrap();
    let to = ptb.pure(&buyer.address).unwrap();
    ptb.call(package, "subscription", "transfer", vec![subscription, to])
        .unwrap();
    let executed = cluster.execute(buyer, ptb).await.unwrap();
    match executed.failure {
        None => Ok(executed.created_of("subscription::Subscription")[0]),
        Some(failure) => Err(failure.abort),
    }
}

async fn fetch(
    cluster: &SealTestCluster,
    published: &Published,
    user: &TestUser,
    subscription: Address,
    service: Address,
    id: &[u8],
) -> Result<Vec<u8>, Vec<String>> {
    let package = published.package_id;
    let mut chain = cluster.chain();
    let version = published
        .created_of("subscription::PackageVersion")
        .unwrap();
    let objects = vec![
        chain.shared_input(version, false).await.unwrap(),
        chain.object_input(subscription).await.unwrap(),
        chain.shared_input(service, false).await.unwrap(),
        clock_input(),
    ];
    let ptb = seal_approve(package, "subscription", id, objects).unwrap();
    cluster.round_trip(user, package, id, ptb, b"premium").await
}

#[tokio::test]
async fn subscribers_read_until_their_subscription_expires() {
    let cluster = SealTestCluster::start(2).await;
    let (operator, reader) = (cluster.user().await.unwrap(), cluster.user().await.unwrap());
    let published = cluster.publish("patterns", operator.address).await.unwrap();
    let package = published.package_id;
    let service = create_service(&cluster, package, &operator).await;
    let other_service = create_service(&cluster, package, &operator).await;
    let id = [service.as_bytes(), b"episode-1".as_slice()].concat();
    let refused = Err(vec!["NoAccess".to_owned(); 2]);

    // The fee must be exact: EInvalidFee (12), and nothing is bought.
    assert_eq!(
        subscribe(&cluster, package, &reader, service, FEE - 1).await,
        Err(Some((12, "subscription".into())))
    );
    let subscription = subscribe(&cluster, package, &reader, service, FEE)
        .await
        .unwrap();
    assert_eq!(
        fetch(&cluster, &published, &reader, subscription, service, &id).await,
        Ok(b"premium".to_vec())
    );

    // A subscription to this service does not open another service's ids.
    let other_id = [other_service.as_bytes(), b"episode-1".as_slice()].concat();
    assert_eq!(
        fetch(
            &cluster,
            &published,
            &reader,
            subscription,
            other_service,
            &other_id
        )
        .await,
        refused
    );

    cluster
        .advance_clock(TTL + Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(
        fetch(&cluster, &published, &reader, subscription, service, &id).await,
        refused
    );
}
