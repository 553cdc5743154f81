//! `account_based`: the key id is an address; only that address gets the key.

use seal_client::ptb::{PtbBuilder, seal_approve};
use seal_tests::{SealTestCluster, TestUser};

/// `patterns::account_based::seal_approve(id)`.
fn approve(cluster: &SealTestCluster, id: &[u8]) -> PtbBuilder {
    seal_approve(cluster.patterns(), "account_based", id, vec![]).unwrap()
}

async fn fetch(
    cluster: &SealTestCluster,
    user: &TestUser,
    id: &[u8],
) -> Result<Vec<u8>, Vec<String>> {
    let ptb = approve(cluster, id);
    cluster
        .round_trip(user, cluster.patterns(), id, ptb, b"for one account")
        .await
}

#[tokio::test]
async fn the_account_gets_its_own_key_and_no_one_else_s() {
    let cluster = SealTestCluster::start(2).await;
    let (alice, bob) = (cluster.user().await.unwrap(), cluster.user().await.unwrap());

    let own = fetch(&cluster, &alice, alice.address.as_bytes()).await;
    assert_eq!(own, Ok(b"for one account".to_vec()));

    let other = fetch(&cluster, &bob, alice.address.as_bytes()).await;
    assert_eq!(other, Err(vec!["NoAccess".to_owned(); 2]));
}
