//! Known-answer tests of the personal message and the signed request (§7.1).

use ed25519_dalek::{Signer, SigningKey};

use super::*;
use crate::encoding::from_base64;

/// Session key of the official Rust tests (Sui `deterministic_random_account_key()`).
fn official_session_key() -> VerifyingKey {
    session_key_from_base64("DX2rNYyNrapO+gBJp1sHQ2VVsQo2ghm7aA9wVxNJ13U=").unwrap()
}

fn certificate(mvr_name: Option<&str>) -> Certificate {
    Certificate {
        user: Address::ZERO,
        session_vk: official_session_key(),
        creation_time: 1622548800,
        ttl_min: 30,
        signature: vec![],
        mvr_name: mvr_name.map(str::to_owned),
    }
}

#[test]
fn signed_message_regression() {
    // crates/key-server/src/signed_message.rs::test_signed_message_regression: the short package
    // id is shown normalized to 64 hex digits; creation time is in milliseconds.
    let package: Address = "0xc457b42d48924087ea3f22d35fd2fe9afdf5bdfe38cc51c0f14f3282f6d5"
        .parse()
        .unwrap();
    assert_eq!(
        certificate(None).personal_message(&package).unwrap(),
        "Accessing keys of package 0x0000c457b42d48924087ea3f22d35fd2fe9afdf5bdfe38cc51c0f14f3282f6d5 for 30 mins from 1970-01-19 18:42:28 UTC, session key DX2rNYyNrapO+gBJp1sHQ2VVsQo2ghm7aA9wVxNJ13U="
    );
}

#[test]
fn signed_message_mvr_regression() {
    // …::test_signed_message_mvr_regression: the MVR name replaces the package id.
    assert_eq!(
        certificate(Some("@my/package"))
            .personal_message(&Address::TWO)
            .unwrap(),
        "Accessing keys of package @my/package for 30 mins from 1970-01-19 18:42:28 UTC, session key DX2rNYyNrapO+gBJp1sHQ2VVsQo2ghm7aA9wVxNJ13U="
    );
}

#[test]
fn creation_time_is_floored_to_seconds() {
    // The SDK's toISOString().slice(0, 19) formatting, computed with the SDK (§7.1).
    assert_eq!(
        format_creation_time(1751271540123).unwrap(),
        "2025-06-30 08:19:00 UTC"
    );
    assert_eq!(
        format_creation_time(1751271540999).unwrap(),
        "2025-06-30 08:19:00 UTC"
    );
    assert_eq!(format_creation_time(0).unwrap(), "1970-01-01 00:00:00 UTC");
    // Beyond the calendar: an error, not a panic.
    assert_eq!(
        format_creation_time(u64::MAX),
        Err(Error::TimeOutOfRange(u64::MAX))
    );
}

const ENC_KEY: &str = "85946cd4134ecb8f7739bbd3522d1c8fab793c6c431a8b0b77b4f1885d4c096aafab755e7b8bce8688410cee9908fb29";
const ENC_VK: &str = "8faaf686c0dcbe3f65f1130e8be538d7ea009347d397f517188dfa14417618887a0412e404fff56efbafb63d1fc4970a1187b4ccb6e767a91822312e533fa53dee69f77ef5130be095e147ff3d40e96e8ddc4bf554dae3bcc34048fe9330cccf";
const PTB: &str = "000100d92bc457b42d48924087ea3f22d35fd2fe9afdf5bdfe38cc51c0f14f3282f6d503626c610e7365616c5f617070726f76655f780000";

fn vector_keys() -> (G1Point, G2Point) {
    (
        G1Point::from_bytes(&hex::decode(ENC_KEY).unwrap()).unwrap(),
        G2Point::from_bytes(&hex::decode(ENC_VK).unwrap()).unwrap(),
    )
}

#[test]
fn signed_request_regression() {
    // crates/key-server/src/signed_message.rs::test_signed_request_regression.
    let (enc_key, enc_vk) = vector_keys();
    let ptb = hex::decode(PTB).unwrap();
    let bytes = request_signing_bytes(&ptb, &enc_key, &enc_vk);
    assert_eq!(hex::encode(&bytes), format!("38{PTB}30{ENC_KEY}60{ENC_VK}"));
    // The hand-written encoding is the BCS of RequestFormat.
    let bcs_bytes = bcs::to_bytes(&RequestFormat {
        ptb: ptb.clone(),
        enc_key: enc_key.to_bytes().to_vec(),
        enc_verification_key: enc_vk.to_bytes().to_vec(),
    })
    .unwrap();
    assert_eq!(bytes, bcs_bytes);
    // Two-byte ULEB128 lengths too.
    let long = vec![5u8; 300];
    let bcs_long = bcs::to_bytes(&RequestFormat {
        ptb: long.clone(),
        enc_key: enc_key.to_bytes().to_vec(),
        enc_verification_key: enc_vk.to_bytes().to_vec(),
    })
    .unwrap();
    assert_eq!(request_signing_bytes(&long, &enc_key, &enc_vk), bcs_long);
}

#[test]
fn session_signature_verifies_and_tampering_fails() {
    let signing = SigningKey::from_bytes(&[9u8; 32]);
    let (enc_key, enc_vk) = vector_keys();
    let ptb = hex::decode(PTB).unwrap();
    let signature = signing.sign(&request_signing_bytes(&ptb, &enc_key, &enc_vk));
    let vk = signing.verifying_key();
    verify_session_signature(&vk, &ptb, &enc_key, &enc_vk, &signature).unwrap();

    let mut other_ptb = ptb.clone();
    other_ptb[5] ^= 1;
    assert_eq!(
        verify_session_signature(&vk, &other_ptb, &enc_key, &enc_vk, &signature),
        Err(Error::SessionSignature)
    );
    assert_eq!(
        verify_session_signature(&vk, &ptb, &G1Point::generator(), &enc_vk, &signature),
        Err(Error::SessionSignature)
    );
    assert_eq!(
        verify_session_signature(&official_session_key(), &ptb, &enc_key, &enc_vk, &signature),
        Err(Error::SessionSignature)
    );
}

#[test]
fn session_key_parsing() {
    assert_eq!(
        official_session_key().as_bytes().to_vec(),
        from_base64("DX2rNYyNrapO+gBJp1sHQ2VVsQo2ghm7aA9wVxNJ13U=", "k").unwrap()
    );
    assert!(matches!(
        session_key_from_base64("AAAA"),
        Err(Error::Length {
            expected: 32,
            actual: 3,
            ..
        })
    ));
}
