//! `POST /v1/fetch_key`, cheap checks first (architecture doc, "The fetch_key pipeline"):
//! PTB rules, first package id, key lookup, certificate times, address alias, user signature,
//! session signature, policy dry run, then one keyvault call for every id.

use std::time::{SystemTime, UNIX_EPOCH};

use seal_protocol::api::{ApiError, DecryptionKey, ErrorKind, FetchKeyRequest, FetchKeyResponse};
use seal_protocol::onchain::address_alias_id;

use crate::chain::ChainError;
use crate::dry_run::{Verdict, dry_run_transaction, verdict, with_staleness_check};
use crate::signatures::{UserSignatureCheck, verify_user_signature};
use crate::state::AppState;
use crate::vault_client::VaultCallError;

/// A refused request: the API error, and when to retry for throttling.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The error.
    pub error: ApiError,
    /// `Retry-After`, in seconds.
    pub retry_after_secs: Option<u64>,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self {
            error,
            retry_after_secs: None,
        }
    }
}

fn failure(detail: impl std::fmt::Display) -> Refusal {
    tracing::warn!(%detail, "request failed");
    ApiError::new(ErrorKind::Failure).into()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

/// Checks the certificate's lifetime (§2.3): TTL within the limit, created in the past, not
/// expired.
pub fn check_certificate_time(
    creation_time: u64,
    ttl_min: u16,
    ttl_max_ms: u64,
    now: u64,
) -> Result<(), ApiError> {
    let ttl_ms = u64::from(ttl_min) * 60_000;
    if ttl_ms > ttl_max_ms || creation_time > now || now - creation_time > ttl_ms {
        return Err(ApiError::new(ErrorKind::InvalidCertificate));
    }
    Ok(())
}

/// Runs the pipeline.
pub async fn fetch_key(
    state: &AppState,
    request: &FetchKeyRequest,
) -> Result<FetchKeyResponse, Refusal> {
    let ptb = request.valid_ptb().map_err(ApiError::from)?;
    let lookup_started = std::time::Instant::now();
    let first_lookup = state.chain.first_package_id(ptb.package()).await;
    state
        .metrics
        .fetch_pkg_ids_duration
        .observe(lookup_started.elapsed().as_secs_f64() * 1000.0);
    let first_package = match first_lookup {
        Ok(first) => first,
        Err(ChainError::NotFound(_) | ChainError::InvalidArgument(_)) => {
            return Err(ApiError::new(ErrorKind::InvalidPackage).into());
        }
        Err(error) => return Err(failure(error)),
    };
    let key = state
        .config
        .key_for_package(&first_package)
        .ok_or_else(|| ApiError::new(ErrorKind::UnsupportedPackageId))?;
    let certificate = &request.certificate;
    if certificate.mvr_name.is_some() {
        // MVR resolution needs the MVR registry, which custom networks do not have.
        return Err(ApiError::new(ErrorKind::InvalidMVRName).into());
    }
    let ttl_max_ms = state.config.session_key_ttl_max.as_millis() as u64;
    check_certificate_time(
        certificate.creation_time,
        certificate.ttl_min,
        ttl_max_ms,
        now_ms(),
    )?;
    match state
        .chain
        .object_exists(address_alias_id(&certificate.user))
        .await
    {
        Ok(false) => {}
        Ok(true) => return Err(ApiError::new(ErrorKind::InvalidSignature).into()),
        Err(error) => return Err(failure(error)),
    }
    let message = certificate
        .personal_message(&first_package)
        .map_err(|_| ApiError::new(ErrorKind::InvalidCertificate))?;
    match verify_user_signature(
        &state.chain,
        certificate.user,
        &message,
        &certificate.signature,
    )
    .await
    {
        Ok(UserSignatureCheck::Valid) => {}
        Ok(UserSignatureCheck::Invalid) => {
            return Err(ApiError::new(ErrorKind::InvalidSignature).into());
        }
        Err(error) => return Err(failure(error)),
    }
    request
        .verify_session_signature(&ptb)
        .map_err(|_| ApiError::new(ErrorKind::InvalidSessionSignature))?;

    let seal_package = state.config.seal_package;
    let allowed_ms = state.config.allowed_staleness.as_millis() as u64;
    let checked = with_staleness_check(ptb.ptb(), seal_package, now_ms(), allowed_ms);
    let transaction =
        dry_run_transaction(checked, certificate.user, state.chain.reference_gas_price());
    let policy_started = std::time::Instant::now();
    let simulation = state.chain.simulate(transaction).await;
    state
        .metrics
        .check_policy_duration
        .observe(policy_started.elapsed().as_secs_f64() * 1000.0);
    match verdict(simulation, seal_package)? {
        Verdict::Approved => {}
        Verdict::StaleFullnode => {
            state.metrics.stale_requests.inc();
            return Err(failure("Fullnode is stale"));
        }
    }

    let full_ids = ptb.full_ids(&first_package);
    state.metrics.ids_per_request.observe(full_ids.len() as f64);
    let envelopes = match state
        .vault
        .derive_and_encrypt(key.key, &request.enc_key, full_ids.clone())
        .await
    {
        Ok(envelopes) => envelopes,
        Err(VaultCallError::Refused(seal_protocol::vault::VaultError::Throttled {
            retry_after_ms,
        })) => {
            return Err(Refusal {
                error: ApiError::new(ErrorKind::Failure),
                retry_after_secs: Some(retry_after_ms.div_ceil(1000).max(1)),
            });
        }
        Err(error) => return Err(failure(error)),
    };
    let decryption_keys = full_ids
        .into_iter()
        .zip(envelopes)
        .map(|(id, encrypted_key)| DecryptionKey { id, encrypted_key })
        .collect();
    Ok(FetchKeyResponse { decryption_keys })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_times() {
        let max = 30 * 60_000;
        let now = 1_000_000_000;
        assert!(check_certificate_time(now - 1_000, 10, max, now).is_ok());
        assert!(check_certificate_time(now, 30, max, now).is_ok());
        // TTL too long, created in the future (by any amount), expired.
        for (created, ttl) in [(now, 31), (now + 1, 10), (now - 10 * 60_000 - 1, 10)] {
            let error = check_certificate_time(created, ttl, max, now).unwrap_err();
            assert_eq!(
                error.kind(),
                ErrorKind::InvalidCertificate,
                "{created} {ttl}"
            );
        }
    }
}
