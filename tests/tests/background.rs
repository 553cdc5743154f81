//! Background behaviour of the frontends: the reference gas price is re-read on its interval,
//! and a chain clock that stops moving makes the servers refuse (stale fullnode) until it moves
//! again.

use std::time::{Duration, Instant};

use seal_client::ptb::seal_approve;
use seal_tests::{ClusterOptions, SealTestCluster, TestUser, refusal_kinds};

/// An own-account request: approved whenever the chain answers.
async fn fetch_own(cluster: &SealTestCluster, user: &TestUser) -> Result<(), Vec<String>> {
    let id = user.address.as_bytes();
    let ptb = seal_approve(cluster.patterns(), "account_based", id, vec![]).unwrap();
    cluster
        .fetch_keys(user, cluster.patterns(), ptb, &[id], 1)
        .await
        .map(|_| ())
        .map_err(|e| refusal_kinds(&e))
}

/// The value of an unlabelled metric.
fn metric(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        line.strip_prefix(name)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

#[tokio::test]
async fn a_new_reference_gas_price_reaches_the_frontend_within_its_interval() {
    let interval = Duration::from_secs(1);
    let cluster = SealTestCluster::start_with(ClusterOptions {
        rgp_update_interval: interval,
        ..ClusterOptions::default()
    })
    .await;
    let user = cluster.user().await.unwrap();
    assert_eq!(fetch_own(&cluster, &user).await, Ok(()));

    cluster.set_reference_gas_price(2_345).await.unwrap();
    let changed_at = Instant::now();
    // A generous bound (five intervals) keeps this a liveness check, not a timing one.
    let deadline = changed_at + 5 * interval;
    loop {
        let text = cluster.metrics(0).await.unwrap();
        if metric(&text, "reference_gas_price") == Some(2_345) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the frontend still uses the old price:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Dry runs now pay the new price, which the chain accepts.
    assert_eq!(fetch_own(&cluster, &user).await, Ok(()));
}

#[tokio::test]
async fn a_stalled_chain_clock_is_a_stale_fullnode_until_it_moves() {
    // Long enough that a loaded machine answers within it right after the clock was set.
    let staleness = Duration::from_secs(4);
    let cluster = SealTestCluster::start_with(ClusterOptions {
        manual_clock: true,
        allowed_staleness: Some(staleness),
        ..ClusterOptions::default()
    })
    .await;
    let user = cluster.user().await.unwrap();
    let now = || seal_client::demo::now_ms();
    cluster.set_clock(now()).await.unwrap();
    assert_eq!(fetch_own(&cluster, &user).await, Ok(()));

    // The clock stays put while real time passes the allowed lag.
    tokio::time::sleep(staleness + Duration::from_secs(1)).await;
    assert_eq!(
        fetch_own(&cluster, &user).await,
        Err(vec!["Failure".to_owned()])
    );
    let text = cluster.metrics(0).await.unwrap();
    assert_eq!(metric(&text, "requests_failed_due_to_staleness"), Some(1));

    cluster.set_clock(now()).await.unwrap();
    assert_eq!(fetch_own(&cluster, &user).await, Ok(()));
}
