//! What every request handler shares, and how it is put together at start-up.
//!
//! Start-up refuses to serve a key-server object whose on-chain public key differs from the
//! keyvault's key for it (both keys in the message), and waits for the first reference gas
//! price, as the official server does.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use seal_protocol::crypto::G1Point;
use seal_protocol::onchain::{
    DynamicField, KeyServer, KeyServerV1, KeyServerV2, from_bcs, key_server_field_id,
};
use sui_sdk_types::Address;

use crate::chain::Chain;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::vault_client::Vault;

/// Shared state of the HTTP handlers.
pub struct AppState {
    /// The configuration.
    pub config: Config,
    /// The fullnode.
    pub chain: Chain,
    /// The keyvault.
    pub vault: Vault,
    /// Proofs of possession, per served key-server object.
    pub pops: BTreeMap<Address, G1Point>,
    /// `X-KeyServer-GitVersion`.
    pub git_version: String,
    /// Metrics.
    pub metrics: Arc<Metrics>,
}

/// Why the frontend cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The fullnode could not be used.
    #[error("fullnode: {0}")]
    Chain(String),
    /// The keyvault could not be used.
    #[error("keyvault: {0}")]
    Vault(String),
    /// A configured key does not match the chain or the keyvault.
    #[error("{0}")]
    Mismatch(String),
}

/// The public key an on-chain KeyServer object carries (newest record it has).
async fn on_chain_public_key(chain: &Chain, object_id: Address) -> Result<Vec<u8>, StartupError> {
    let chain_error =
        |e: crate::chain::ChainError| StartupError::Chain(format!("key server {object_id}: {e}"));
    let server: KeyServer = from_bcs(
        &chain
            .object_contents(object_id)
            .await
            .map_err(chain_error)?,
        "KeyServer",
    )
    .map_err(|e| StartupError::Mismatch(format!("{object_id} is not a KeyServer: {e}")))?;
    let version = server.preferred_version().ok_or_else(|| {
        StartupError::Mismatch(format!(
            "key server {object_id} has no version 1 or 2 record"
        ))
    })?;
    let field = chain
        .object_contents(key_server_field_id(&object_id, version))
        .await
        .map_err(chain_error)?;
    let decoded = match version {
        2 => from_bcs::<DynamicField<u64, KeyServerV2>>(&field, "KeyServerV2").map(|f| f.value.pk),
        _ => from_bcs::<DynamicField<u64, KeyServerV1>>(&field, "KeyServerV1").map(|f| f.value.pk),
    };
    decoded.map_err(|e| StartupError::Mismatch(format!("key server {object_id}: {e}")))
}

impl AppState {
    /// Connects to the fullnode and the keyvault and checks every served key.
    pub async fn start(
        config: Config,
        git_version: String,
        api_key: Option<(String, String)>,
        metrics: Arc<Metrics>,
    ) -> Result<Self, StartupError> {
        let chain = Chain::new(
            &config.node_url,
            config.rpc.clone(),
            api_key,
            Arc::clone(&metrics),
        )
        .map_err(|e| StartupError::Chain(e.to_string()))?;
        // Start-up waits for the first gas price.
        let mut delay = Duration::from_millis(100);
        loop {
            match chain.refresh_reference_gas_price().await {
                Ok(_) => break,
                Err(err) => {
                    tracing::warn!(%err, "waiting for the reference gas price");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
            }
        }
        let vault = Vault::new(
            config.keyvault_socket.clone(),
            Duration::from_secs(10),
            Arc::clone(&metrics),
        );
        let served = vault
            .public_keys()
            .await
            .map_err(|e| StartupError::Vault(e.to_string()))?;
        let mut pops = BTreeMap::new();
        for key in &config.keys {
            let vault_key = served
                .iter()
                .find(|info| info.key == key.key)
                .ok_or_else(|| {
                    StartupError::Mismatch(format!(
                        "the keyvault does not serve key {} (for {})",
                        key.key, key.object_id
                    ))
                })?;
            let chain_key = on_chain_public_key(&chain, key.object_id).await?;
            let vault_bytes = vault_key.public_key.to_bytes();
            if chain_key != vault_bytes {
                return Err(StartupError::Mismatch(format!(
                    "key server {} carries public key 0x{} on chain, but the keyvault's key {} is 0x{}",
                    key.object_id,
                    hex::encode(&chain_key),
                    key.key,
                    hex::encode(vault_bytes)
                )));
            }
            let pop = vault
                .proof_of_possession(key.key, key.object_id)
                .await
                .map_err(|e| StartupError::Vault(e.to_string()))?;
            pops.insert(key.object_id, pop);
        }
        Ok(Self {
            config,
            chain,
            vault,
            pops,
            git_version,
            metrics,
        })
    }
}
