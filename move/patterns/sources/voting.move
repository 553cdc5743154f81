// Sealed-ballot voting with on-chain decryption. Voters cast ballots encrypted (HMAC DEM) under
// the id `[package][vote id]`, bound to themselves by the associated data. Once every voter has
// voted, `seal_approve` lets anyone fetch the keys; `finalize_vote` verifies them against the
// vote's key servers and decrypts the ballots on chain. A ballot that does not decrypt, or does
// not name an option, counts for nothing.
//
// Ballots must name this package (`@patterns`) as their namespace, so keys fetched from key
// servers for the published package decrypt them; in unit tests `@patterns` is 0x0, the
// namespace of the reference vectors. seal-localnet runs this module natively
// (localnet/src/natives/voting.rs).
module patterns::voting;

use seal::bf_hmac_encryption::{
    EncryptedObject,
    PublicKey,
    decrypt,
    new_public_key,
    parse_encrypted_object,
    verify_derived_keys
};
use sui::bls12381::g1_from_bytes;

const EInvalidVote: u64 = 1;
const EVoteNotDone: u64 = 2;
const EAlreadyFinalized: u64 = 3;
const ENotEnoughKeys: u64 = 4;

public struct Vote has key {
    id: UID,
    voters: vector<address>,
    options: u8,
    // One slot per voter, in the order of `voters`.
    votes: vector<Option<EncryptedObject>>,
    is_finalized: bool,
    key_servers: vector<address>,
    // Compressed G2 public keys, in the order of `key_servers`.
    public_keys: vector<vector<u8>>,
    threshold: u8,
}

public struct VoteResult has drop, store {
    vote_id: address,
    result: vector<u64>,
}

public fun id(vote: &Vote): vector<u8> {
    object::id(vote).to_bytes()
}

public fun votes_for_option(result: &VoteResult, option: u8): u64 {
    result.result[option as u64]
}

/// Creates a vote and shares it (a `Vote` has no `store`: only this module can share it).
entry fun create_vote_entry(
    voters: vector<address>,
    options: u8,
    key_servers: vector<address>,
    public_keys: vector<vector<u8>>,
    threshold: u8,
    ctx: &mut TxContext,
) {
    assert!(threshold > 0 && (threshold as u64) <= key_servers.length(), EInvalidVote);
    assert!(key_servers.length() == public_keys.length(), EInvalidVote);
    let n = voters.length();
    transfer::share_object(Vote {
        id: object::new(ctx),
        voters,
        options,
        votes: vector::tabulate!(n, |_| option::none()),
        is_finalized: false,
        key_servers,
        public_keys,
        threshold,
    });
}

/// Records the sender's ballot. The ballot's associated data must be the sender's address, so
/// that a ballot copied from the chain cannot be cast again by another voter.
public fun cast_vote(vote: &mut Vote, encrypted_vote: vector<u8>, ctx: &TxContext) {
    let ballot = parse_encrypted_object(encrypted_vote);
    let sender = ctx.sender();
    assert!(ballot.aad().borrow() == sender.to_bytes(), EInvalidVote);
    assert!(ballot.services() == vote.key_servers, EInvalidVote);
    assert!(ballot.threshold() == vote.threshold, EInvalidVote);
    assert!(ballot.id() == vote.id(), EInvalidVote);
    assert!(ballot.package_id() == @patterns, EInvalidVote);
    // Aborts in `option` for a sender who is not a voter, and for a second ballot.
    let index = vote.voters.find_index!(|voter| voter == sender).destroy_some();
    vote.votes[index].fill(ballot);
}

entry fun seal_approve(id: vector<u8>, vote: &Vote) {
    assert!(id == vote.id(), EInvalidVote);
    assert!(vote.votes.all!(|ballot| ballot.is_some()), EVoteNotDone);
}

/// Verifies `derived_keys[i]` as the key of `key_servers[i]` for this vote, decrypts every
/// ballot and returns the tally. The vote is final afterwards.
public fun finalize_vote(
    vote: &mut Vote,
    derived_keys: &vector<vector<u8>>,
    key_servers: &vector<address>,
): VoteResult {
    assert!(!vote.is_finalized, EAlreadyFinalized);
    assert!(key_servers.length() == derived_keys.length(), ENotEnoughKeys);
    assert!(derived_keys.length() >= (vote.threshold as u64), ENotEnoughKeys);

    let key_public_keys = key_servers.map_ref!(|server| {
        let i = vote.key_servers.find_index!(|known| known == server).destroy_some();
        new_public_key(vote.key_servers[i].to_id(), vote.public_keys[i])
    });
    let verified = verify_derived_keys(
        &derived_keys.map_ref!(|key| g1_from_bytes(key)),
        @patterns,
        vote.id(),
        &key_public_keys,
    );
    let all_public_keys: vector<PublicKey> = vote
        .key_servers
        .zip_map!(vote.public_keys, |server, pk| new_public_key(server.to_id(), pk));

    let mut result = vector::tabulate!(vote.options as u64, |_| 0);
    vote.votes.do_ref!(|slot| {
        if (slot.is_some()) {
            let plaintext = decrypt(slot.borrow(), &verified, &all_public_keys);
            if (plaintext.is_some()) {
                let bytes = plaintext.destroy_some();
                if (bytes.length() == 1 && bytes[0] < vote.options) {
                    let option = bytes[0] as u64;
                    *&mut result[option] = result[option] + 1;
                }
            }
        }
    });
    vote.is_finalized = true;
    VoteResult { vote_id: vote.id.to_address(), result }
}
