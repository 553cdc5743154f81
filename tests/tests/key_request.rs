//! `key_request`: users on a shared list request a `KeyRequest` (valid one minute) and present
//! it; the key of `[list id]` goes to the request's user while it is valid.

use std::time::Duration;

use seal_client::ptb::{PtbBuilder, clock_input, seal_approve};
use seal_protocol::Address;
use seal_tests::{SealTestCluster, TestUser};

async fn create_list(cluster: &SealTestCluster, admin: &TestUser, users: &[Address]) -> Address {
    let mut ptb = PtbBuilder::new();
    let users = ptb.pure(users).unwrap();
    ptb.call(
        cluster.patterns(),
        "key_request",
        "create_list_entry",
        vec![users],
    )
    .unwrap();
    let created = cluster.execute_ok(admin, ptb).await.unwrap();
    created.created_of("key_request::RequestList")[0]
}

async fn request_key(cluster: &SealTestCluster, user: &TestUser, list: Address) -> Address {
    let mut ptb = PtbBuilder::new();
    let list = ptb.input(cluster.chain().shared_input(list, false).await.unwrap());
    let clock = ptb.input(clock_input());
    ptb.call(
        cluster.patterns(),
        "key_request",
        "request_key",
        vec![list, clock],
    )
    .unwrap();
    let created = cluster.execute_ok(user, ptb).await.unwrap();
    created.created_of("key_request::KeyRequest")[0]
}

async fn fetch(
    cluster: &SealTestCluster,
    user: &TestUser,
    request: Address,
    id: &[u8],
) -> Result<Vec<u8>, Vec<String>> {
    let request = cluster.chain().object_input(request).await.unwrap();
    let objects = vec![request, clock_input()];
    let ptb = seal_approve(cluster.patterns(), "key_request", id, objects).unwrap();
    cluster
        .round_trip(user, cluster.patterns(), id, ptb, b"on request")
        .await
}

#[tokio::test]
async fn a_valid_request_opens_the_key_for_its_user_for_a_minute() {
    let cluster = SealTestCluster::start(2).await;
    let (admin, alice, bob) = (
        cluster.user().await.unwrap(),
        cluster.user().await.unwrap(),
        cluster.user().await.unwrap(),
    );
    let list = create_list(&cluster, &admin, &[alice.address]).await;
    let id = list.as_bytes().to_vec();
    let request = request_key(&cluster, &alice, list).await;
    assert_eq!(
        fetch(&cluster, &alice, request, &id).await,
        Ok(b"on request".to_vec())
    );

    // Someone not on the list cannot even obtain a request: ENoAccess (1).
    let mut ptb = PtbBuilder::new();
    let shared = ptb.input(cluster.chain().shared_input(list, false).await.unwrap());
    let clock = ptb.input(clock_input());
    ptb.call(
        cluster.patterns(),
        "key_request",
        "request_key",
        vec![shared, clock],
    )
    .unwrap();
    let refused = cluster.execute(&bob, ptb).await.unwrap();
    assert_eq!(
        refused.failure.unwrap().abort,
        Some((1, "key_request".into()))
    );

    // Alice hands her request to Bob: it names Alice, so it is no use to him.
    let mut ptb = PtbBuilder::new();
    let object = ptb.input(cluster.chain().object_input(request).await.unwrap());
    let to = ptb.pure(&bob.address).unwrap();
    ptb.command(sui_sdk_types::Command::TransferObjects(
        sui_sdk_types::TransferObjects {
            objects: vec![object],
            address: to,
        },
    ));
    cluster.execute_ok(&alice, ptb).await.unwrap();
    assert_eq!(
        fetch(&cluster, &bob, request, &id).await,
        Err(vec!["NoAccess".to_owned(); 2])
    );

    // A fresh request of Alice's expires after a minute.
    let request = request_key(&cluster, &alice, list).await;
    cluster
        .advance_clock(Duration::from_secs(61))
        .await
        .unwrap();
    assert_eq!(
        fetch(&cluster, &alice, request, &id).await,
        Err(vec!["NoAccess".to_owned(); 2])
    );
}
