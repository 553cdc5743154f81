//! `tle`: the key id is a time (u64 ms, BCS); the key is released once the chain clock has
//! reached it.

use std::time::Duration;

use seal_client::ptb::{PtbBuilder, clock_input, seal_approve};
use seal_tests::{SealTestCluster, open, refusal_kinds};

/// `patterns::tle::seal_approve(id, &Clock)`.
fn approve(cluster: &SealTestCluster, id: &[u8]) -> PtbBuilder {
    seal_approve(cluster.patterns(), "tle", id, vec![clock_input()]).unwrap()
}

#[tokio::test]
async fn a_time_lock_opens_when_the_chain_clock_passes_it() {
    let cluster = SealTestCluster::start(2).await;
    let user = cluster.user().await.unwrap();
    let unlock_at = cluster.clock_ms().await.unwrap() + 3_600_000;
    let id = unlock_at.to_le_bytes();
    let object = cluster.encrypt(cluster.patterns(), &id, 2, b"in an hour", None);

    // Still in the future.
    let early = cluster
        .fetch_keys(&user, cluster.patterns(), approve(&cluster, &id), &[&id], 2)
        .await
        .unwrap_err();
    assert_eq!(refusal_kinds(&early), vec!["NoAccess"; 2]);

    cluster
        .advance_clock(Duration::from_secs(3_601))
        .await
        .unwrap();
    let keys = cluster
        .fetch_keys(&user, cluster.patterns(), approve(&cluster, &id), &[&id], 2)
        .await
        .unwrap();
    assert_eq!(open(&object, &keys).unwrap(), b"in an hour");
}

#[tokio::test]
async fn a_malformed_time_is_refused() {
    let cluster = SealTestCluster::start(1).await;
    let user = cluster.user().await.unwrap();
    // Four bytes: `bcs::peel_u64` aborts; nine bytes: not exactly a time. Both in the past.
    for id in [vec![1u8, 0, 0, 0], vec![1u8, 0, 0, 0, 0, 0, 0, 0, 0]] {
        let refused = cluster
            .fetch_keys(&user, cluster.patterns(), approve(&cluster, &id), &[&id], 1)
            .await
            .unwrap_err();
        assert_eq!(refusal_kinds(&refused), vec!["NoAccess"], "id {id:?}");
    }
}
