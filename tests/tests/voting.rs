//! `voting`: ballots encrypted to three key servers (threshold 2) are sealed until every voter
//! has voted; then anyone fetches the vote's key from any two servers and the chain decrypts
//! and counts the ballots.

use seal_client::ptb::{PtbBuilder, seal_approve};
use seal_protocol::Address;
use seal_tests::{KeyAnswer, SealTestCluster, TestUser, refusal_kinds};
use serde::Deserialize;

/// `voting::VoteResult`.
#[derive(Debug, PartialEq, Eq, Deserialize)]
struct VoteResult {
    vote_id: Address,
    result: Vec<u64>,
}

async fn create_vote(cluster: &SealTestCluster, creator: &TestUser, voters: &[Address]) -> Address {
    let servers: Vec<Address> = cluster.endpoints().iter().map(|s| s.object_id).collect();
    let public_keys: Vec<Vec<u8>> = cluster
        .endpoints()
        .iter()
        .map(|s| s.public_key.to_bytes().to_vec())
        .collect();
    let mut ptb = PtbBuilder::new();
    let args = vec![
        ptb.pure(voters).unwrap(),
        ptb.pure(&3u8).unwrap(),
        ptb.pure(&servers).unwrap(),
        ptb.pure(&public_keys).unwrap(),
        ptb.pure(&2u8).unwrap(),
    ];
    ptb.call(cluster.patterns(), "voting", "create_vote_entry", args)
        .unwrap();
    let created = cluster.execute_ok(creator, ptb).await.unwrap();
    created.created_of("voting::Vote")[0]
}

async fn cast(cluster: &SealTestCluster, vote: Address, voter: &TestUser, option: u8) {
    let ballot = cluster.encrypt(
        cluster.patterns(),
        vote.as_bytes(),
        2,
        &[option],
        Some(voter.address.as_bytes()),
    );
    let mut ptb = PtbBuilder::new();
    let vote = ptb.input(cluster.chain().shared_input(vote, true).await.unwrap());
    let ballot = ptb.pure(&ballot.to_bytes().unwrap()).unwrap();
    ptb.call(
        cluster.patterns(),
        "voting",
        "cast_vote",
        vec![vote, ballot],
    )
    .unwrap();
    cluster.execute_ok(voter, ptb).await.unwrap();
}

async fn fetch(
    cluster: &SealTestCluster,
    user: &TestUser,
    vote: Address,
) -> Result<KeyAnswer, Vec<String>> {
    let shared = cluster.chain().shared_input(vote, false).await.unwrap();
    let ptb = seal_approve(cluster.patterns(), "voting", vote.as_bytes(), vec![shared]).unwrap();
    cluster
        .fetch_keys(user, cluster.patterns(), ptb, &[vote.as_bytes()], 2)
        .await
        .map_err(|e| refusal_kinds(&e))
}

/// `finalize_vote(vote, keys, servers)` with the keys of a fetch.
async fn finalize(cluster: &SealTestCluster, vote: Address, keys: &KeyAnswer) -> PtbBuilder {
    let full_id = seal_protocol::ptb::full_id(&cluster.patterns(), vote.as_bytes());
    let servers: Vec<Address> = keys.keys().copied().collect();
    let derived: Vec<Vec<u8>> = keys
        .values()
        .map(|k| k[&full_id].to_bytes().to_vec())
        .collect();
    let mut ptb = PtbBuilder::new();
    let args = vec![
        ptb.input(cluster.chain().shared_input(vote, true).await.unwrap()),
        ptb.pure(&derived).unwrap(),
        ptb.pure(&servers).unwrap(),
    ];
    ptb.call(cluster.patterns(), "voting", "finalize_vote", args)
        .unwrap();
    ptb
}

#[tokio::test]
async fn ballots_stay_sealed_until_all_voted_then_are_counted_on_chain() {
    let mut cluster = SealTestCluster::start(3).await;
    let (creator, alice, bob, carol) = (
        cluster.user().await.unwrap(),
        cluster.user().await.unwrap(),
        cluster.user().await.unwrap(),
        cluster.user().await.unwrap(),
    );
    let vote = create_vote(
        &cluster,
        &creator,
        &[alice.address, bob.address, carol.address],
    )
    .await;
    cast(&cluster, vote, &alice, 2).await;
    cast(&cluster, vote, &bob, 1).await;

    // Carol has not voted: EVoteNotDone (2) from every server.
    assert_eq!(
        fetch(&cluster, &creator, vote).await.unwrap_err(),
        vec!["NoAccess"; 3]
    );
    cast(&cluster, vote, &carol, 2).await;

    // One server down: two of three still release the key.
    cluster.stack.stop_frontend(1);
    let keys = fetch(&cluster, &creator, vote).await.unwrap();
    assert_eq!(keys.len(), 2);

    let tally = cluster
        .chain()
        .simulate_outputs(
            creator.address,
            finalize(&cluster, vote, &keys).await.finish(),
        )
        .await
        .unwrap();
    let result: VoteResult = bcs::from_bytes(&tally[0][0]).unwrap();
    assert_eq!(
        result,
        VoteResult {
            vote_id: vote,
            result: vec![0, 1, 2]
        }
    );

    cluster
        .execute_ok(&creator, finalize(&cluster, vote, &keys).await)
        .await
        .unwrap();
    let again = cluster
        .execute(&creator, finalize(&cluster, vote, &keys).await)
        .await
        .unwrap();
    assert_eq!(
        again.failure.unwrap().abort,
        Some((3, "voting".into())),
        "EAlreadyFinalized"
    );
}
