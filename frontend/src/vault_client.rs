//! The connection to the keyvault: one multiplexed tarpc connection over its Unix socket.
//!
//! If the keyvault goes away, calls fail at once with an error the API reports as `Failure`
//! (503), and the next call reconnects; attempts are spaced by a backoff that doubles up to a
//! second, so a missing keyvault is not hammered.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use seal_protocol::Address;
use seal_protocol::crypto::{ElGamalCiphertext, G1Point};
use seal_protocol::vault::{
    DeriveRequest, KeyRef, PublicKeyInfo, VaultClient, VaultError, frame_codec,
};
use tarpc::tokio_serde::formats::Bincode;
use tarpc::tokio_util::codec::Framed;
use tokio::sync::Mutex;

use crate::metrics::Metrics;

/// Why a keyvault call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum VaultCallError {
    /// The keyvault could not be reached or dropped the call.
    #[error("keyvault unavailable: {0}")]
    Unavailable(String),
    /// The keyvault refused the call.
    #[error("keyvault refused: {0}")]
    Refused(VaultError),
}

struct State {
    client: Option<VaultClient>,
    next_attempt: Instant,
    backoff: Duration,
}

/// A reconnecting keyvault client.
pub struct Vault {
    metrics: std::sync::Arc<crate::metrics::Metrics>,
    socket: PathBuf,
    deadline: Duration,
    state: Mutex<State>,
}

const MIN_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(1);

impl Vault {
    /// A client of the keyvault at `socket`; calls time out after `deadline`.
    pub fn new(socket: PathBuf, deadline: Duration, metrics: Arc<Metrics>) -> Self {
        Self {
            metrics,
            socket,
            deadline,
            state: Mutex::new(State {
                client: None,
                next_attempt: Instant::now(),
                backoff: MIN_BACKOFF,
            }),
        }
    }

    async fn client(&self) -> Result<VaultClient, VaultCallError> {
        let mut state = self.state.lock().await;
        if let Some(client) = &state.client {
            return Ok(client.clone());
        }
        let now = Instant::now();
        if now < state.next_attempt {
            return Err(VaultCallError::Unavailable("reconnecting".into()));
        }
        match tokio::net::UnixStream::connect(&self.socket).await {
            Ok(stream) => {
                let transport = tarpc::serde_transport::new(
                    Framed::new(stream, frame_codec()),
                    Bincode::default(),
                );
                let client = VaultClient::new(tarpc::client::Config::default(), transport).spawn();
                state.client = Some(client.clone());
                state.backoff = MIN_BACKOFF;
                tracing::info!(socket = %self.socket.display(), "connected to the keyvault");
                Ok(client)
            }
            Err(err) => {
                state.next_attempt = now + state.backoff;
                state.backoff = (state.backoff * 2).min(MAX_BACKOFF);
                Err(VaultCallError::Unavailable(err.to_string()))
            }
        }
    }

    /// Forgets a broken connection so that the next call reconnects.
    async fn reset(&self) {
        self.state.lock().await.client = None;
    }

    fn context(&self) -> tarpc::context::Context {
        let mut context = tarpc::context::current();
        context.deadline = Instant::now() + self.deadline;
        context
    }

    async fn outcome<T>(
        &self,
        method: &str,
        started: Instant,
        result: Result<T, tarpc::client::RpcError>,
    ) -> Result<T, VaultCallError> {
        let status = if result.is_ok() { "success" } else { "error" };
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        self.metrics
            .keyvault_duration
            .with_label_values(&[method, status])
            .observe(elapsed);
        match result {
            Ok(value) => Ok(value),
            Err(err) => {
                self.reset().await;
                Err(VaultCallError::Unavailable(err.to_string()))
            }
        }
    }

    /// The keys the keyvault serves.
    pub async fn public_keys(&self) -> Result<Vec<PublicKeyInfo>, VaultCallError> {
        let client = self.client().await?;
        let started = Instant::now();
        self.outcome(
            "public_keys",
            started,
            client.public_keys(self.context()).await,
        )
        .await
    }

    /// The proof of possession of `key` for a key-server object.
    pub async fn proof_of_possession(
        &self,
        key: KeyRef,
        object_id: Address,
    ) -> Result<G1Point, VaultCallError> {
        let client = self.client().await?;
        let started = Instant::now();
        let result = client
            .proof_of_possession(self.context(), key, object_id)
            .await;
        self.outcome("proof_of_possession", started, result)
            .await?
            .map_err(VaultCallError::Refused)
    }

    /// ElGamal-encrypted derived keys for `full_ids`.
    pub async fn derive_and_encrypt(
        &self,
        key: KeyRef,
        enc_key: &G1Point,
        full_ids: Vec<Vec<u8>>,
    ) -> Result<Vec<ElGamalCiphertext>, VaultCallError> {
        let client = self.client().await?;
        let request = DeriveRequest {
            key,
            enc_key: enc_key.to_bytes().to_vec(),
            full_ids,
        };
        let started = Instant::now();
        let result = client.derive_and_encrypt(self.context(), request).await;
        self.outcome("derive_and_encrypt", started, result)
            .await?
            .map_err(VaultCallError::Refused)
    }
}
