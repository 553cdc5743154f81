//! Fetching derived keys from key servers over HTTP(S), several at once, stopping once enough
//! servers answered with keys that verify against their public keys.

use std::collections::BTreeMap;

use futures::stream::{FuturesUnordered, StreamExt};
use seal_protocol::Address;
use seal_protocol::api::{ErrorResponse, FetchKeyRequest, FetchKeyResponse};
use seal_protocol::crypto::{G1Point, G2Point, elgamal_decrypt, verify_derived_key};

use crate::session::ElGamalSecret;

/// A key server to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyServerEndpoint {
    /// Its key-server object id.
    pub object_id: Address,
    /// Its base URL (`/v1/...` is appended).
    pub url: String,
    /// Its public key, to verify what it returns.
    pub public_key: G2Point,
}

/// Why a server gave no keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The server answered with a Seal error.
    #[error("{object_id}: {error} ({message})")]
    Refused {
        /// The server.
        object_id: Address,
        /// The error kind.
        error: String,
        /// Its message.
        message: String,
    },
    /// The server could not be reached or answered something else.
    #[error("{object_id}: {detail}")]
    Unreachable {
        /// The server.
        object_id: Address,
        /// What happened.
        detail: String,
    },
    /// Not enough servers answered.
    #[error("{succeeded} of the {threshold} key servers needed answered: {errors:?}")]
    Threshold {
        /// Servers that answered.
        succeeded: usize,
        /// Servers needed.
        threshold: usize,
        /// The failures.
        errors: Vec<FetchError>,
    },
}

/// Checks a key server's proof of possession (`GET /v1/service`), as the SDK does with
/// `verifyKeyServers`: the echoed id must be the object id and the proof must verify.
pub async fn verify_key_server(
    client: &reqwest::Client,
    server: &KeyServerEndpoint,
) -> Result<(), FetchError> {
    let unreachable = |detail: String| FetchError::Unreachable {
        object_id: server.object_id,
        detail,
    };
    let response = client
        .get(format!("{}/v1/service", server.url))
        .query(&[("service_id", server.object_id.to_string())])
        .header("Client-Sdk-Type", "rust")
        .header("Client-Sdk-Version", env!("CARGO_PKG_VERSION"))
        .send()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(unreachable(format!("HTTP {}", response.status())));
    }
    let service: seal_protocol::api::ServiceResponse = response
        .json()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    if service.service_id != server.object_id {
        return Err(unreachable("the server answered for another object".into()));
    }
    seal_protocol::crypto::verify_pop(&service.pop, &server.public_key, &server.object_id)
        .map_err(|_| unreachable("invalid proof of possession".into()))
}

/// The derived keys one server returned, by full id, all verified.
pub type ServerKeys = BTreeMap<Vec<u8>, G1Point>;

/// Asks one server.
pub async fn fetch_from(
    client: &reqwest::Client,
    server: &KeyServerEndpoint,
    request: &FetchKeyRequest,
    secret: &ElGamalSecret,
) -> Result<ServerKeys, FetchError> {
    let unreachable = |detail: String| FetchError::Unreachable {
        object_id: server.object_id,
        detail,
    };
    let response = client
        .post(format!("{}/v1/fetch_key", server.url))
        .header("Client-Sdk-Type", "rust")
        .header("Client-Sdk-Version", env!("CARGO_PKG_VERSION"))
        .json(request)
        .send()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    if !status.is_success() {
        return Err(match serde_json::from_slice::<ErrorResponse>(&body) {
            Ok(error) => FetchError::Refused {
                object_id: server.object_id,
                error: error.error,
                message: error.message,
            },
            Err(_) => unreachable(format!("HTTP {status}")),
        });
    }
    let answer: FetchKeyResponse =
        serde_json::from_slice(&body).map_err(|e| unreachable(format!("malformed answer: {e}")))?;
    let mut keys = ServerKeys::new();
    for entry in answer.decryption_keys {
        let key = elgamal_decrypt(&secret.0, &entry.encrypted_key);
        // A key that does not verify is dropped, as the SDK does.
        if verify_derived_key(&key, &entry.id, &server.public_key).is_ok() {
            keys.insert(entry.id, key);
        }
    }
    Ok(keys)
}

/// Asks every server at once and returns once `threshold` of them gave a verified key for each
/// of `full_ids`; the other requests are dropped.
pub async fn fetch_keys(
    client: &reqwest::Client,
    servers: &[KeyServerEndpoint],
    request: &FetchKeyRequest,
    secret: &ElGamalSecret,
    full_ids: &[Vec<u8>],
    threshold: usize,
) -> Result<BTreeMap<Address, ServerKeys>, FetchError> {
    let mut pending: FuturesUnordered<_> = servers
        .iter()
        .map(|server| async move {
            (
                server.object_id,
                fetch_from(client, server, request, secret).await,
            )
        })
        .collect();
    let mut succeeded = BTreeMap::new();
    let mut errors = Vec::new();
    while let Some((object_id, result)) = pending.next().await {
        match result {
            Ok(keys) if full_ids.iter().all(|id| keys.contains_key(id)) => {
                succeeded.insert(object_id, keys);
                if succeeded.len() >= threshold {
                    return Ok(succeeded);
                }
            }
            Ok(_) => errors.push(FetchError::Unreachable {
                object_id,
                detail: "some keys did not verify".into(),
            }),
            Err(error) => errors.push(error),
        }
    }
    Err(FetchError::Threshold {
        succeeded: succeeded.len(),
        threshold,
        errors,
    })
}
