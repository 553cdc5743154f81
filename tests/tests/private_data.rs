//! `private_data`: a user stores an object; the key of `[creator][nonce]` goes to whoever owns
//! that object (the chain checks ownership of owned inputs) when the id matches it.

use seal_client::ptb::{PtbBuilder, seal_approve};
use seal_protocol::Address;
use seal_tests::{SealTestCluster, TestUser};

async fn store(cluster: &SealTestCluster, owner: &TestUser, nonce: &[u8]) -> Address {
    let mut ptb = PtbBuilder::new();
    let nonce = ptb.pure(nonce).unwrap();
    let data = ptb.pure(b"sealed payload".as_slice()).unwrap();
    ptb.call(
        cluster.patterns(),
        "private_data",
        "store_entry",
        vec![nonce, data],
    )
    .unwrap();
    let created = cluster.execute_ok(owner, ptb).await.unwrap();
    created.created_of("private_data::PrivateData")[0]
}

async fn fetch(
    cluster: &SealTestCluster,
    user: &TestUser,
    object: Address,
    id: &[u8],
) -> Result<Vec<u8>, Vec<String>> {
    let object = cluster.chain().object_input(object).await.unwrap();
    let ptb = seal_approve(cluster.patterns(), "private_data", id, vec![object]).unwrap();
    cluster
        .round_trip(user, cluster.patterns(), id, ptb, b"mine")
        .await
}

#[tokio::test]
async fn the_owner_with_the_right_nonce_gets_the_key() {
    let cluster = SealTestCluster::start(2).await;
    let (alice, bob) = (cluster.user().await.unwrap(), cluster.user().await.unwrap());
    let object = store(&cluster, &alice, b"nonce-1").await;
    let id = [alice.address.as_bytes(), b"nonce-1".as_slice()].concat();
    assert_eq!(
        fetch(&cluster, &alice, object, &id).await,
        Ok(b"mine".to_vec())
    );

    // Another nonce under the same creator: ENoAccess (77).
    let other_nonce = [alice.address.as_bytes(), b"nonce-2".as_slice()].concat();
    assert_eq!(
        fetch(&cluster, &alice, object, &other_nonce).await,
        Err(vec!["NoAccess".to_owned(); 2])
    );

    // Bob names Alice's object: the dry run refuses an owned input of someone else, which
    // the key server reports as an invalid parameter of the PTB.
    assert_eq!(
        fetch(&cluster, &bob, object, &id).await,
        Err(vec!["InvalidParameter".to_owned(); 2])
    );
}
