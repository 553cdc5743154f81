//! `seal dev --demo`: a round trip through the running stack, the way an application uses it.
//!
//! Encrypts under a time-lock that has passed and under the user's own account, fetches the
//! keys from the key servers (threshold 2 when there are two or more), decrypts; then checks
//! that a time-lock in the future and another user's account are refused.

use seal_protocol::Address;
use sui_crypto::ed25519::Ed25519PrivateKey;
use sui_sdk_types::ProgrammableTransaction;

use crate::dev::DevStack;
use crate::fetch::{FetchError, fetch_keys, verify_key_server};
use crate::ptb::clock_input;
use crate::seal::{Dem, decrypt, encrypt};
use crate::session::SessionKey;

/// `patterns::<module>::seal_approve(id[, clock])`.
fn policy(
    patterns: Address,
    module: &str,
    id: &[u8],
    with_clock: bool,
) -> Result<ProgrammableTransaction, String> {
    let objects = if with_clock {
        vec![clock_input()]
    } else {
        vec![]
    };
    crate::ptb::seal_approve(patterns, module, id, objects)
        .map(crate::ptb::PtbBuilder::finish)
        .map_err(|e| e.to_string())
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// Runs the demo; `Err` says which step failed.
pub async fn run(stack: &DevStack) -> Result<(), String> {
    let user = Ed25519PrivateKey::generate(rand::rngs::OsRng);
    let address = user.public_key().derive_address();
    let patterns = stack.patterns_package;
    let keys = stack.key_server_keys();
    let endpoints = stack.endpoints();
    let threshold = keys.len().min(2);
    let http = reqwest::Client::new();
    for endpoint in &endpoints {
        verify_key_server(&http, endpoint)
            .await
            .map_err(|e| e.to_string())?;
    }
    println!("  ok  every key server proves possession of its key");
    let mut session =
        SessionKey::new(address, patterns, 10, now_ms()).map_err(|e| e.to_string())?;
    session.sign_with(&user).map_err(|e| e.to_string())?;

    let past = (now_ms() - 60_000).to_le_bytes().to_vec();
    let future = (now_ms() + 3_600_000).to_le_bytes().to_vec();
    let other = Ed25519PrivateKey::generate(rand::rngs::OsRng)
        .public_key()
        .derive_address();
    let cases: [(&str, &'static str, Vec<u8>, bool, bool); 4] = [
        ("time-lock that has passed", "tle", past, true, true),
        (
            "the user's own account",
            "account_based",
            address.as_bytes().to_vec(),
            false,
            true,
        ),
        ("time-lock in the future", "tle", future, true, false),
        (
            "another user's account",
            "account_based",
            other.as_bytes().to_vec(),
            false,
            false,
        ),
    ];
    for (label, module, id, with_clock, allowed) in cases {
        let plaintext = format!("a secret under the {label}");
        let (object, _) = encrypt(
            patterns,
            &id,
            &keys,
            threshold as u8,
            plaintext.as_bytes(),
            None,
            Dem::Aes256Gcm,
            &mut rand::rngs::OsRng,
        )
        .map_err(|e| e.to_string())?;
        let (request, secret) = session
            .request(&policy(patterns, module, &id, with_clock)?)
            .map_err(|e| e.to_string())?;
        let full_id = object.full_id();
        match (
            fetch_keys(
                &http,
                &endpoints,
                &request,
                &secret,
                std::slice::from_ref(&full_id),
                threshold,
            )
            .await,
            allowed,
        ) {
            (Ok(fetched), true) => {
                let derived: Vec<(Address, seal_protocol::crypto::G1Point)> = fetched
                    .iter()
                    .filter_map(|(server, keys)| Some((*server, *keys.get(&full_id)?)))
                    .collect();
                let public_keys: Vec<_> =
                    keys.iter().map(|k| (k.object_id, k.public_key)).collect();
                let decrypted = decrypt(&object, &derived, Some(&public_keys))
                    .map_err(|e| format!("{label}: {e}"))?;
                if decrypted != plaintext.as_bytes() {
                    return Err(format!("{label}: decrypted something else"));
                }
                println!(
                    "  ok  {label}: keys released by {} servers, decrypted",
                    derived.len()
                );
            }
            (Err(FetchError::Threshold { errors, .. }), false) => {
                let refused = errors
                    .iter()
                    .all(|e| matches!(e, FetchError::Refused { error, .. } if error == "NoAccess"));
                if !refused {
                    return Err(format!("{label}: refused for the wrong reason: {errors:?}"));
                }
                println!("  ok  {label}: refused (NoAccess) by every server");
            }
            (Ok(_), false) => {
                return Err(format!(
                    "{label}: keys were released but should not have been"
                ));
            }
            (Err(error), _) => return Err(format!("{label}: {error}")),
        }
    }
    Ok(())
}
