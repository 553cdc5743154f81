//! The `Vault` RPC service: what each verb checks before a key is touched.
//!
//! Derive calls are checked in this order, cheapest first, and every outcome is audited:
//! arguments (`DeriveRequest::validate`: id count and sizes, `enc_key` a subgroup point other
//! than the identity), the key reference, the budget, then the work on the crypto pool. If the
//! audit line cannot be written, the ciphertexts are not returned: no trail, no keys.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use seal_protocol::Address;
use seal_protocol::crypto::{ElGamalCiphertext, G1Point};
use seal_protocol::vault::{DeriveRequest, KeyRef, PublicKeyInfo, Vault, VaultError, VaultStatus};
use tarpc::context::Context;

use crate::audit::{AuditEvent, AuditTrail, ids_digest};
use crate::budget::Budget;
use crate::pool::CryptoPool;

/// State shared by every connection.
pub struct Shared {
    /// The keys served (public part).
    pub public_keys: Vec<PublicKeyInfo>,
    /// Where the key work runs.
    pub pool: CryptoPool,
    /// The extraction budget.
    pub budget: Mutex<Budget>,
    /// The audit trail.
    pub audit: Mutex<AuditTrail>,
    /// Start time, for uptime.
    pub started: Instant,
    /// Ids derived since start.
    pub derived_ids: AtomicU64,
    /// Derive calls refused for the budget since start.
    pub throttled_calls: AtomicU64,
    /// Whether the audit trail goes to a file (its head is then reported).
    pub audit_to_file: bool,
}

/// Who is calling, from `SO_PEERCRED` at accept time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    /// User id.
    pub uid: u32,
    /// Process id.
    pub pid: Option<i32>,
}

/// One connection's server.
#[derive(Clone)]
pub struct VaultServer {
    shared: Arc<Shared>,
    peer: Peer,
}

impl VaultServer {
    /// A server for a connection from `peer`.
    pub fn new(shared: Arc<Shared>, peer: Peer) -> Self {
        Self { shared, peer }
    }

    fn audit(&self, request: &DeriveRequest, outcome: &str) -> Result<(), VaultError> {
        let event = AuditEvent {
            key: request.key.to_string(),
            ids_count: request.full_ids.len(),
            ids_sha256: ids_digest(&request.full_ids),
            peer_uid: self.peer.uid,
            peer_pid: self.peer.pid,
            outcome: outcome.to_owned(),
        };
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default();
        let mut trail = self.shared.audit.lock().map_err(|_| VaultError::Internal)?;
        trail.record(event, now_ms).map_err(|err| {
            tracing::error!(%err, "audit trail write failed; refusing the call");
            VaultError::Internal
        })
    }

    /// Audits a refusal and returns it. A failure to audit a refusal is logged only: the call
    /// is refused either way.
    fn refuse<T>(&self, request: &DeriveRequest, error: VaultError) -> Result<T, VaultError> {
        let outcome = match &error {
            VaultError::Throttled { .. } => "throttled".to_owned(),
            VaultError::UnknownKey(_) => "unknown key".to_owned(),
            VaultError::Internal => "failed".to_owned(),
            other => format!("invalid: {other}"),
        };
        let _ = self.audit(request, &outcome);
        tracing::warn!(uid = self.peer.uid, pid = ?self.peer.pid, %error, "derive call refused");
        Err(error)
    }

    fn check_key(&self, key: KeyRef) -> Result<(), VaultError> {
        match self.shared.public_keys.iter().any(|info| info.key == key) {
            true => Ok(()),
            false => Err(VaultError::UnknownKey(key)),
        }
    }
}

impl Vault for VaultServer {
    async fn public_keys(self, _: Context) -> Vec<PublicKeyInfo> {
        self.shared.public_keys.clone()
    }

    async fn proof_of_possession(
        self,
        _: Context,
        key: KeyRef,
        key_server_object_id: Address,
    ) -> Result<G1Point, VaultError> {
        self.check_key(key)?;
        self.shared
            .pool
            .run(move |ring| ring.proof_of_possession(key, &key_server_object_id))
            .await
    }

    async fn derive_and_encrypt(
        self,
        _: Context,
        request: DeriveRequest,
    ) -> Result<Vec<ElGamalCiphertext>, VaultError> {
        let enc_key = match request.validate() {
            Ok(point) => point,
            Err(error) => return self.refuse(&request, error),
        };
        if let Err(error) = self.check_key(request.key) {
            return self.refuse(&request, error);
        }
        let count = request.full_ids.len() as u64;
        let taken = match self.shared.budget.lock() {
            Ok(mut budget) => budget.try_take(count, Instant::now()),
            Err(_) => return self.refuse(&request, VaultError::Internal),
        };
        if let Err(retry_after_ms) = taken {
            self.shared.throttled_calls.fetch_add(1, Ordering::Relaxed);
            return self.refuse(&request, VaultError::Throttled { retry_after_ms });
        }
        let key = request.key;
        let ids = request.full_ids.clone();
        let result = self
            .shared
            .pool
            .run(move |ring| ring.derive_and_encrypt(key, &enc_key, &ids))
            .await;
        let envelopes = match result {
            Ok(envelopes) => envelopes,
            Err(error) => return self.refuse(&request, error),
        };
        self.audit(&request, "ok")?;
        self.shared.derived_ids.fetch_add(count, Ordering::Relaxed);
        tracing::info!(uid = self.peer.uid, pid = ?self.peer.pid, key = %key, ids = count, "derived");
        Ok(envelopes)
    }

    async fn status(self, _: Context) -> VaultStatus {
        let budget_available = self
            .shared
            .budget
            .lock()
            .map(|mut budget| budget.available(Instant::now()))
            .unwrap_or(0);
        let audit_head = match self.shared.audit_to_file {
            true => self.shared.audit.lock().ok().map(|trail| trail.head()),
            false => None,
        };
        VaultStatus {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            keys: self
                .shared
                .public_keys
                .iter()
                .map(|info| info.key)
                .collect(),
            derived_ids: self.shared.derived_ids.load(Ordering::Relaxed),
            throttled_calls: self.shared.throttled_calls.load(Ordering::Relaxed),
            budget_available,
            uptime_secs: self.shared.started.elapsed().as_secs(),
            audit_head,
        }
    }
}
