//! The YAML file as operators write it: the official `key-server-config.yaml` field names and
//! externally tagged enums (`!Open`, `!Custom`, …), with their defaults. Nothing here is
//! checked beyond its type; `super::Config::from_yaml` validates.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// The Sui network.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub enum Network {
    /// Sui testnet.
    Testnet,
    /// Sui mainnet.
    Mainnet,
    /// Sui devnet, with its Seal package.
    Devnet {
        /// The Seal package id.
        seal_package: String,
    },
    /// Any other chain (e.g. `seal-localnet`), with its Seal package.
    Custom {
        /// The Seal package id.
        seal_package: String,
    },
}

/// How a client's key is obtained, as in the official configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub enum ClientKey {
    /// Derived from the keyvault's seed at this index.
    Derived {
        /// The index.
        derivation_index: u64,
    },
    /// An imported scalar: not supported (the keyvault derives from its seed only).
    Imported {
        /// The environment variable of the official server.
        env_var: String,
    },
    /// Exported and no longer served.
    Exported {
        /// The index it had.
        deprecated_derivation_index: u64,
    },
}

/// One permissioned client.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ClientConfig {
    /// Unique name.
    pub name: String,
    /// Its key.
    pub client_master_key: ClientKey,
    /// Its key-server object.
    pub key_server_object_id: String,
    /// First-version ids of the packages it serves.
    pub package_ids: Vec<String>,
}

/// The server mode.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub enum ServerMode {
    /// One master key for every package.
    Open {
        /// The key-server object.
        key_server_object_id: String,
    },
    /// One key per client, for its packages only.
    Permissioned {
        /// The clients.
        client_configs: Vec<ClientConfig>,
    },
}

/// `rpc_config.retry_config`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryConfig {
    /// Attempts in all.
    pub max_retries: u32,
    /// First delay.
    #[serde(with = "humantime_serde")]
    pub min_delay: Duration,
    /// Longest delay.
    #[serde(with = "humantime_serde")]
    pub max_delay: Duration,
}

/// `rpc_config`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RpcConfig {
    /// Per-call timeout.
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
    /// Retries on retriable codes.
    pub retry_config: RetryConfig,
}

impl Default for RpcConfig {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            retry_config: RetryConfig {
                max_retries: 3,
                min_delay: Duration::from_millis(100),
                max_delay: Duration::from_secs(10),
            },
        }
    }
}

/// TLS certificate and key (PEM).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// Certificate chain.
    pub certificate: PathBuf,
    /// Private key.
    pub private_key: PathBuf,
}

/// The YAML file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) network: Network,
    pub(super) node_url: Option<String>,
    pub(super) server_mode: ServerMode,
    #[serde(default = "defaults::ts")]
    pub(super) ts_sdk_version_requirement: String,
    #[serde(default = "defaults::any")]
    pub(super) rust_sdk_version_requirement: String,
    #[serde(default = "defaults::any")]
    pub(super) python_sdk_version_requirement: String,
    #[serde(default = "defaults::aggregator")]
    pub(super) aggregator_version_requirement: String,
    #[serde(default = "defaults::metrics_port")]
    pub(super) metrics_host_port: u16,
    #[serde(default = "defaults::rgp_interval", with = "humantime_serde")]
    pub(super) rgp_update_interval: Duration,
    #[serde(default = "defaults::staleness", with = "humantime_serde")]
    pub(super) allowed_staleness: Duration,
    #[serde(default = "defaults::ttl_max", with = "humantime_serde")]
    pub(super) session_key_ttl_max: Duration,
    #[serde(default)]
    pub(super) rpc_config: RpcConfig,
    /// Accepted for compatibility; committee monitoring does not apply here.
    #[serde(default)]
    #[allow(dead_code)]
    pub(super) enable_event_monitoring: Option<bool>,
    /// Accepted for compatibility; metrics pushing is not supported.
    #[serde(default)]
    #[allow(dead_code)]
    pub(super) metrics_push_config: Option<serde_yaml::Value>,
    pub(super) keyvault_socket: PathBuf,
    #[serde(default = "defaults::listen")]
    pub(super) listen_address: SocketAddr,
    #[serde(default)]
    pub(super) tls: Option<TlsConfig>,
    #[serde(default = "defaults::max_concurrent")]
    pub(super) max_concurrent_requests: usize,
}

mod defaults {
    use std::time::Duration;
    pub fn ts() -> String {
        ">=0.4.5".into()
    }
    pub fn any() -> String {
        ">=0.0.0".into()
    }
    pub fn aggregator() -> String {
        ">=0.6.2".into()
    }
    pub fn metrics_port() -> u16 {
        9184
    }
    pub fn rgp_interval() -> Duration {
        Duration::from_secs(60)
    }
    pub fn staleness() -> Duration {
        Duration::from_secs(120)
    }
    pub fn ttl_max() -> Duration {
        Duration::from_secs(30 * 60)
    }
    pub fn max_concurrent() -> usize {
        1024
    }
    pub fn listen() -> std::net::SocketAddr {
        std::net::SocketAddr::from(([0, 0, 0, 0], 2024))
    }
}

/// Durations as humantime strings (`60s`, `2m`).
mod humantime_serde {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(deserializer)?;
        humantime::parse_duration(&text).map_err(serde::de::Error::custom)
    }
}
