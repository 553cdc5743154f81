//! Mirrors `move/patterns/sources/voting.move`: sealed-ballot voting with on-chain decryption.
//! Voters cast votes encrypted (HMAC DEM) under the id `[package][vote id]`; once every voter
//! has voted, `seal_approve` lets anyone fetch the keys, and `finalize_vote` verifies them and
//! decrypts the ballots on chain. A ballot that does not decrypt, or names no option, is left
//! out of the tally.
//!
//! The upstream example checks the ballots' package against `@0x0`, which equals the package
//! address only in Move unit tests; ours uses the package's own (original) address, so keys
//! fetched from real key servers for the published package decrypt the ballots. In Move tests
//! (`patterns = "0x0"`) both are the same, which is how the §7.7 vectors apply unchanged.

use seal_protocol::crypto::{G1Point, G2Point};
use serde::{Deserialize, Serialize};
use sui_sdk_types::{Address, Owner};

use super::framework::share;
use super::hmac_decryption::{self as hmac, MoveEncryptedObject};
use super::{Call, NativeFunction, NativeModule, Param};
use crate::exec::{ExecError, ExecResult, Value};
use crate::ledger::genesis_package_id;

/// `EInvalidVote`: a ballot for another vote, servers or threshold, or not bound to its voter;
/// or (in `seal_approve`) an id that is not the vote's.
pub const E_INVALID_VOTE: u64 = 1;
/// `EVoteNotDone`: not every voter has voted.
pub const E_VOTE_NOT_DONE: u64 = 2;
/// `EAlreadyFinalized`.
pub const E_ALREADY_FINALIZED: u64 = 3;
/// `ENotEnoughKeys`: fewer keys than the threshold, or keys and servers of different counts.
pub const E_NOT_ENOUGH_KEYS: u64 = 4;
/// `0x1::option` codes: `destroy_some` of none (a sender who is not a voter, a server not in
/// the vote) and `fill` of some (a second ballot).
const E_OPTION_NOT_SET: u64 = 0x40001;
const E_OPTION_IS_SET: u64 = 0x40000;

/// The module.
pub static VOTING: NativeModule = NativeModule {
    name: "voting",
    source: "move/patterns/sources/voting.move",
    functions: &[
        NativeFunction {
            name: "create_vote_entry",
            params: &[Param::Pure; 5],
            run: create_vote_entry,
        },
        NativeFunction {
            name: "cast_vote",
            params: &[Param::Mut, Param::Pure],
            run: cast_vote,
        },
        NativeFunction {
            name: "seal_approve",
            params: &[Param::Pure, Param::Ref],
            run: seal_approve,
        },
        NativeFunction {
            name: "finalize_vote",
            params: &[Param::Mut, Param::Pure, Param::Pure],
            run: finalize_vote,
        },
    ],
    structs: &["Vote", "VoteResult"],
    key_only_structs: &["Vote"],
    init_objects: &[],
};

/// `Vote { id, voters, options, votes, is_finalized, key_servers, public_keys, threshold }`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vote {
    /// Its id; also the inner key id of every ballot.
    pub id: Address,
    /// Who may vote, in ballot order.
    pub voters: Vec<Address>,
    /// Options are `0..options`.
    pub options: u8,
    /// One slot per voter.
    pub votes: Vec<Option<MoveEncryptedObject>>,
    /// Whether the tally has been taken.
    pub is_finalized: bool,
    /// The key servers ballots must be encrypted to, in order.
    pub key_servers: Vec<Address>,
    /// Their public keys (compressed G2), in the same order.
    pub public_keys: Vec<Vec<u8>>,
    /// The ballots' threshold.
    pub threshold: u8,
}

/// `VoteResult { vote_id, result }`: what `finalize_vote` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteResult {
    /// The vote.
    pub vote_id: Address,
    /// Ballots per option.
    pub result: Vec<u64>,
}

fn vote_type(call: &Call<'_, '_>) -> sui_sdk_types::StructTag {
    call.type_("voting", "Vote", vec![])
}

/// Creates a vote and shares it (a `Vote` has no `store`, so only this module can share it).
fn create_vote_entry(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let voters = call.pure::<Vec<Address>>(0)?;
    let options = call.pure::<u8>(1)?;
    let key_servers = call.pure::<Vec<Address>>(2)?;
    let public_keys = call.pure::<Vec<Vec<u8>>>(3)?;
    let threshold = call.pure::<u8>(4)?;
    if threshold == 0
        || usize::from(threshold) > key_servers.len()
        || key_servers.len() != public_keys.len()
    {
        return Err(call.abort(E_INVALID_VOTE));
    }
    let id = call.ctx.fresh_id();
    let vote = Vote {
        id,
        votes: vec![None; voters.len()],
        voters,
        options,
        is_finalized: false,
        key_servers,
        public_keys,
        threshold,
    };
    let sender = call.ctx.sender();
    call.create(id, vote_type(call), &vote, Owner::Address(sender))?;
    share(call, id)?;
    Ok(vec![])
}

/// Records the sender's ballot, after checking it is bound to this vote, its servers and
/// threshold, and to the sender (as associated data, so a ballot cannot be replayed by
/// another voter).
fn cast_vote(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (vote_id, mut vote) = call.read::<Vote>(0, &vote_type(call))?;
    let bytes = call.pure::<Vec<u8>>(1)?;
    let Some(ballot) = hmac::parse(&bytes) else {
        return Err(in_library(
            call,
            "parse_encrypted_object",
            hmac::E_INVALID_ENCRYPTED_OBJECT,
        ));
    };
    let sender = call.ctx.sender();
    // Move borrows the associated data: a ballot without any aborts in `option`.
    let Some(aad) = ballot.aad.as_deref() else {
        return Err(option_abort(call, "borrow", E_OPTION_NOT_SET));
    };
    let valid = aad == sender.as_bytes()
        && ballot.services == vote.key_servers
        && ballot.threshold == vote.threshold
        && ballot.id == vote_id.as_bytes()
        && ballot.package_id == call.origin;
    if !valid {
        return Err(call.abort(E_INVALID_VOTE));
    }
    let Some(index) = vote.voters.iter().position(|v| *v == sender) else {
        return Err(option_abort(call, "destroy_some", E_OPTION_NOT_SET));
    };
    let slot = &mut vote.votes[index];
    if slot.is_some() {
        return Err(option_abort(call, "fill", E_OPTION_IS_SET));
    }
    *slot = Some(ballot);
    call.write(vote_id, &vote)?;
    Ok(vec![])
}

/// Releases the vote's key once every voter has voted.
fn seal_approve(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let key_id = call.pure::<Vec<u8>>(0)?;
    let (vote_id, vote) = call.read::<Vote>(1, &vote_type(call))?;
    if key_id != vote_id.as_bytes() {
        return Err(call.abort(E_INVALID_VOTE));
    }
    if vote.votes.iter().any(Option::is_none) {
        return Err(call.abort(E_VOTE_NOT_DONE));
    }
    Ok(vec![])
}

/// Verifies the derived keys (`derived_keys[i]` from `key_servers[i]`), decrypts every ballot
/// and returns the tally; the vote is then final.
fn finalize_vote(call: &mut Call<'_, '_>) -> ExecResult<Vec<Value>> {
    let (vote_id, mut vote) = call.read::<Vote>(0, &vote_type(call))?;
    let derived_keys = call.pure::<Vec<Vec<u8>>>(1)?;
    let key_servers = call.pure::<Vec<Address>>(2)?;
    if vote.is_finalized {
        return Err(call.abort(E_ALREADY_FINALIZED));
    }
    if key_servers.len() != derived_keys.len() || derived_keys.len() < usize::from(vote.threshold) {
        return Err(call.abort(E_NOT_ENOUGH_KEYS));
    }
    let result =
        tally(&vote, call.origin, &derived_keys, &key_servers).map_err(|abort| match abort {
            TallyAbort::Library(code) => in_library(call, "decrypt", code),
            TallyAbort::BadPoint => call.abort_in(Address::TWO, "group_ops", "from_bytes", 1),
            TallyAbort::UnknownServer => option_abort(call, "destroy_some", E_OPTION_NOT_SET),
        })?;
    vote.is_finalized = true;
    call.write(vote_id, &vote)?;
    Ok(vec![Value::pure(&VoteResult { vote_id, result })])
}

/// Why a tally aborts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TallyAbort {
    /// An abort of `seal::bf_hmac_encryption`, with its code.
    Library(u64),
    /// A derived key or public key that is not a group element.
    BadPoint,
    /// A key from a server the vote does not name.
    UnknownServer,
}

/// Counts the ballots that decrypt to one byte naming an option, with keys derived for
/// `package ‖ vote id` (`package` is the ballots' namespace).
pub fn tally(
    vote: &Vote,
    package: Address,
    derived_keys: &[Vec<u8>],
    key_servers: &[Address],
) -> Result<Vec<u64>, TallyAbort> {
    let point = |bytes: &[u8]| G1Point::from_bytes(bytes).map_err(|_| TallyAbort::BadPoint);
    let derived: Vec<G1Point> = derived_keys
        .iter()
        .map(|k| point(k))
        .collect::<Result<_, _>>()?;
    let all_public_keys: Vec<(Address, G2Point)> = vote
        .key_servers
        .iter()
        .zip(&vote.public_keys)
        .map(|(server, pk)| {
            Ok((
                *server,
                G2Point::from_bytes(pk).map_err(|_| TallyAbort::BadPoint)?,
            ))
        })
        .collect::<Result<_, _>>()?;
    let public_keys_of_keys: Vec<(Address, G2Point)> = key_servers
        .iter()
        .map(|server| {
            all_public_keys
                .iter()
                .find(|(s, _)| s == server)
                .copied()
                .ok_or(TallyAbort::UnknownServer)
        })
        .collect::<Result<_, _>>()?;
    let id = vote.id.as_bytes();
    let verified = hmac::verify_derived_keys(&derived, package, id, &public_keys_of_keys)
        .map_err(TallyAbort::Library)?;
    let mut result = vec![0u64; usize::from(vote.options)];
    for ballot in vote.votes.iter().flatten() {
        let plaintext = hmac::decrypt(ballot, &verified, (package, id), &all_public_keys)
            .map_err(TallyAbort::Library)?;
        if let Some([option]) = plaintext.as_deref()
            && let Some(count) = result.get_mut(usize::from(*option))
        {
            *count += 1;
        }
    }
    Ok(result)
}

fn in_library(call: &Call<'_, '_>, function: &'static str, code: u64) -> ExecError {
    call.abort_in(
        genesis_package_id("seal"),
        "bf_hmac_encryption",
        function,
        code,
    )
}

fn option_abort(call: &Call<'_, '_>, function: &'static str, code: u64) -> ExecError {
    call.abort_in(Address::from_static("0x1"), "option", function, code)
}
