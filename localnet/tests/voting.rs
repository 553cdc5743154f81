//! The `voting` pattern: the §7.7 vectors against the on-chain tally, then a whole vote through
//! real transactions — ballots cast under the rules, keys refused until everyone has voted,
//! and a tally decrypted on chain with keys derived as key servers derive them.

mod common;
mod vectors;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use common::*;
use seal_client::seal::{Dem, KeyServerKey, encrypt};
use seal_localnet::natives::hmac_decryption::parse;
use seal_localnet::natives::voting::{TallyAbort, Vote, VoteResult, tally};
use seal_protocol::crypto::{G1Point, G2Point, hash_full_id};
use sui_sdk_types::{Address, Argument};

fn hex(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap()
}

fn address(text: &str) -> Address {
    text.parse().unwrap()
}

/// The §7.7 vote with all four ballots cast.
fn vector_vote() -> Vote {
    let voters: Vec<Address> = (1..=4u8)
        .map(|i| {
            let mut bytes = [0; 32];
            bytes[31] = i;
            Address::new(bytes)
        })
        .collect();
    Vote {
        id: address(vectors::VOTE_ID),
        votes: vectors::BALLOTS
            .iter()
            .map(|ballot| Some(parse(&hex(ballot)).expect("a valid HMAC object")))
            .collect(),
        voters,
        options: 3,
        is_finalized: false,
        key_servers: vectors::SERVERS.iter().map(|s| address(s)).collect(),
        public_keys: vectors::PUBLIC_KEYS.iter().map(|pk| hex(pk)).collect(),
        threshold: 2,
    }
}

fn vector_keys() -> (Vec<Vec<u8>>, Vec<Address>) {
    (
        vectors::DERIVED_KEYS.iter().map(|k| hex(k)).collect(),
        vectors::SERVERS[..2].iter().map(|s| address(s)).collect(),
    )
}

#[test]
fn the_vector_tally_leaves_the_invalid_fourth_ballot_out() {
    let vote = vector_vote();
    let (keys, servers) = vector_keys();
    // In Move tests the package address is 0x0, the ballots' namespace.
    assert_eq!(
        tally(&vote, Address::ZERO, &keys, &servers),
        Ok(vec![0, 2, 1])
    );

    // The fourth ballot alone counts for nothing: it would be a vote for option 1.
    let mut only_fourth = vote.clone();
    for slot in &mut only_fourth.votes[..3] {
        *slot = None;
    }
    assert_eq!(
        tally(&only_fourth, Address::ZERO, &keys, &servers),
        Ok(vec![0, 0, 0])
    );
}

#[test]
fn the_vector_tally_refuses_wrong_or_foreign_keys() {
    let vote = vector_vote();
    let (mut keys, servers) = vector_keys();
    // Keys for another namespace do not verify: EInvalidVerifiedKey (5) in the library.
    assert_eq!(
        tally(&vote, Address::TWO, &keys, &servers),
        Err(TallyAbort::Library(5))
    );
    // dk1 presented as s0's key.
    keys.swap(0, 1);
    assert_eq!(
        tally(&vote, Address::ZERO, &keys, &servers),
        Err(TallyAbort::Library(5))
    );
    // A server the vote does not name.
    let (keys, _) = vector_keys();
    assert_eq!(
        tally(
            &vote,
            Address::ZERO,
            &keys,
            &[address(vectors::SERVERS[0]), Address::TWO]
        ),
        Err(TallyAbort::UnknownServer)
    );
    // The same server twice.
    let twice = vec![keys[0].clone(), keys[0].clone()];
    let servers = vec![address(vectors::SERVERS[0]); 2];
    assert_eq!(
        tally(&vote, Address::ZERO, &twice, &servers),
        Err(TallyAbort::Library(0))
    );
}

/// A test key server: its object id and master key.
struct TestServer {
    object_id: Address,
    master_key: Scalar,
}

impl TestServer {
    fn new(i: u8) -> Self {
        Self {
            object_id: Address::new([i; 32]),
            master_key: Scalar::from(u64::from(i) + 1_000),
        }
    }

    fn public_key(&self) -> G2Point {
        let generator = G2Projective::from(G2Point::generator().as_affine());
        G2Point::from(G2Affine::from(generator * self.master_key))
    }

    /// What the key server releases for `full_id`.
    fn derive(&self, full_id: &[u8]) -> Vec<u8> {
        let point = G1Projective::from(hash_full_id(full_id).as_affine()) * self.master_key;
        G1Point::from(G1Affine::from(point)).to_bytes().to_vec()
    }
}

/// A ballot for `option` by `voter`, to `servers` with threshold 2.
fn ballot(vote: Address, voter: Address, servers: &[TestServer], option: u8) -> Vec<u8> {
    let keys: Vec<KeyServerKey> = servers
        .iter()
        .map(|s| KeyServerKey {
            object_id: s.object_id,
            public_key: s.public_key(),
        })
        .collect();
    let (object, _) = encrypt(
        patterns_package(),
        vote.as_bytes(),
        &keys,
        2,
        &[option],
        Some(voter.as_bytes()),
        Dem::Hmac256Ctr,
        &mut rand::thread_rng(),
    )
    .unwrap();
    object.to_bytes().unwrap()
}

#[tokio::test]
async fn a_vote_is_sealed_until_everyone_voted_then_tallied_on_chain() {
    let net = Localnet::start().await;
    let (alice, bob, outsider) = (User::new(31), User::new(32), User::new(33));
    let servers: Vec<TestServer> = (1..=3).map(TestServer::new).collect();
    let server_ids: Vec<Address> = servers.iter().map(|s| s.object_id).collect();
    let public_keys: Vec<Vec<u8>> = servers
        .iter()
        .map(|s| s.public_key().to_bytes().to_vec())
        .collect();
    let voters = vec![alice.address, bob.address];
    let create = vec![
        pure(&voters),
        pure(&3u8),
        pure(&server_ids),
        pure(&public_keys),
        pure(&2u8),
    ];
    let created = run(&net, &alice, create, "voting", "create_vote_entry", 5).await;
    assert_eq!(created.success, Some(true), "{created:?}");
    let vote = objects_named(&net, "Vote")[0].0;
    let cast = async |voter: &User, bytes: Vec<u8>| {
        let inputs = vec![shared_input(&net, vote, true), pure(&bytes)];
        run(&net, voter, inputs, "voting", "cast_vote", 2).await
    };
    // `seal_approve(id, &vote)` dry-run as someone who did not vote, as a key server does.
    let approve = async |id: Vec<u8>| {
        let inputs = vec![pure(&id), shared_input(&net, vote, false)];
        let arguments = vec![Argument::Input(0), Argument::Input(1)];
        let commands = vec![call(
            patterns_package(),
            "voting",
            "seal_approve",
            arguments,
        )];
        simulate(&net, outsider.address, inputs, commands).await
    };

    // Ballots not bound to the voter, or for another vote, are refused with EInvalidVote (1).
    let status = cast(&alice, ballot(vote, bob.address, &servers, 1)).await;
    assert_eq!(abort_of(&status).0, 1);
    let status = cast(&alice, ballot(Address::TWO, alice.address, &servers, 1)).await;
    assert_eq!(abort_of(&status).0, 1);
    // Not an encrypted object: EInvalidEncryptedObject (3) in seal::bf_hmac_encryption.
    let status = cast(&alice, vec![1, 2, 3]).await;
    assert_eq!(
        abort_of(&status),
        (3, seal_package().to_string(), "bf_hmac_encryption".into())
    );
    // Someone who is not a voter: `option::destroy_some` of none.
    let status = cast(&outsider, ballot(vote, outsider.address, &servers, 1)).await;
    assert_eq!(abort_of(&status).2, "option");

    assert_eq!(
        cast(&alice, ballot(vote, alice.address, &servers, 2))
            .await
            .success,
        Some(true)
    );
    // A second ballot: `option::fill` of some.
    let status = cast(&alice, ballot(vote, alice.address, &servers, 1)).await;
    assert_eq!(abort_of(&status).2, "option");

    // Not everyone has voted: EVoteNotDone (2), for anyone asking.
    let status = approve(vote.as_bytes().to_vec()).await;
    assert_eq!(abort_of(&status).0, 2);
    assert_eq!(
        cast(&bob, ballot(vote, bob.address, &servers, 2))
            .await
            .success,
        Some(true)
    );
    let status = approve(vote.as_bytes().to_vec()).await;
    assert_eq!(status.success, Some(true), "{status:?}");
    // Only the vote's own id: EInvalidVote (1).
    let status = approve([vote.as_bytes(), &[0]].concat()).await;
    assert_eq!(abort_of(&status).0, 1);

    // The tally, with the keys of s2 and s0 (any order, any two of three).
    let full_id = [patterns_package().as_bytes(), vote.as_bytes()].concat();
    let finalize = |keys: Vec<Vec<u8>>, from: Vec<Address>| {
        let inputs = vec![shared_input(&net, vote, true), pure(&keys), pure(&from)];
        let commands = vec![call(
            patterns_package(),
            "voting",
            "finalize_vote",
            vec![Argument::Input(0), Argument::Input(1), Argument::Input(2)],
        )];
        (inputs, commands)
    };
    let (inputs, commands) = finalize(vec![servers[0].derive(&full_id)], vec![server_ids[0]]);
    let status = simulate(&net, outsider.address, inputs, commands).await;
    assert_eq!(abort_of(&status).0, 4, "one key for a threshold of two");

    let keys = vec![servers[2].derive(&full_id), servers[0].derive(&full_id)];
    let from = vec![server_ids[2], server_ids[0]];
    let (inputs, commands) = finalize(keys.clone(), from.clone());
    let response = simulate_response(&net, outsider.address, inputs, commands).await;
    let output = &response.command_outputs[0].return_values[0];
    let result: VoteResult = bcs::from_bytes(output.value.as_ref().unwrap().value()).unwrap();
    assert_eq!(
        result,
        VoteResult {
            vote_id: vote,
            result: vec![0, 0, 2]
        }
    );

    let (inputs, commands) = finalize(keys.clone(), from.clone());
    assert_eq!(
        pay(&net, &outsider, inputs, commands).await.success,
        Some(true)
    );
    let (inputs, commands) = finalize(keys, from);
    let status = pay(&net, &outsider, inputs, commands).await;
    assert_eq!(abort_of(&status).0, 3, "EAlreadyFinalized");
}
