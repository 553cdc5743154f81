//! The frontend's configuration: the official `key-server-config.yaml` fields that apply to an
//! independent server (protocol doc §6.3), plus where the keyvault is and how each key-server
//! object maps to a keyvault key.
//!
//! Every problem is reported at start-up with the offending field.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use sui_sdk_types::Address;

use seal_protocol::vault::KeyRef;

mod file;

use file::RawConfig;
pub use file::{ClientConfig, ClientKey, Network, RetryConfig, RpcConfig, ServerMode, TlsConfig};

/// A configuration error, naming the field.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {field}: {problem}")]
pub struct ConfigError {
    /// The field (YAML path).
    pub field: String,
    /// What is wrong.
    pub problem: String,
}

fn bad(field: impl Into<String>, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        field: field.into(),
        problem: problem.into(),
    }
}

/// Official Seal package ids (latest `published-at`) used for the staleness check (§3.5).
const TESTNET_SEAL_PACKAGE: &str =
    "0xdccbeb87767be2b2346af5575eb139807205e4c23ec53dc616f951fe1d814112";
const MAINNET_SEAL_PACKAGE: &str =
    "0x931739224160073d8e391c9aa6e7ade9818e9814b4907066b7efa058636c4e45";

/// A key-server object this frontend serves and the keyvault key behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedKey {
    /// The key-server object id.
    pub object_id: Address,
    /// The keyvault key.
    pub key: KeyRef,
    /// Packages served with it (`None`: every package, open mode).
    pub packages: Option<BTreeSet<Address>>,
}

/// SemVer requirements per SDK type.
#[derive(Debug, Clone)]
pub struct SdkRequirements {
    /// `typescript`.
    pub typescript: semver::VersionReq,
    /// `rust`.
    pub rust: semver::VersionReq,
    /// `python`.
    pub python: semver::VersionReq,
    /// `aggregator`.
    pub aggregator: semver::VersionReq,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Fullnode gRPC URL.
    pub node_url: String,
    /// The network's Seal package (for the staleness check).
    pub seal_package: Address,
    /// Served keys.
    pub keys: Vec<ServedKey>,
    /// SDK version requirements.
    pub sdk: SdkRequirements,
    /// Metrics port (loopback and all interfaces alike: `0.0.0.0:<port>`).
    pub metrics_port: u16,
    /// Gas-price refresh interval.
    pub rgp_update_interval: Duration,
    /// Allowed fullnode staleness.
    pub allowed_staleness: Duration,
    /// Longest certificate TTL.
    pub session_key_ttl_max: Duration,
    /// RPC behaviour.
    pub rpc: RpcConfig,
    /// The keyvault socket.
    pub keyvault_socket: PathBuf,
    /// Where to listen.
    pub listen_address: SocketAddr,
    /// Optional TLS.
    pub tls: Option<TlsConfig>,
    /// Requests served at once; more are shed with 503 and `Retry-After`.
    pub max_concurrent_requests: usize,
}

fn address(field: &str, text: &str) -> Result<Address, ConfigError> {
    if !text.starts_with("0x") {
        return Err(bad(field, format!("{text:?} is not a 0x-hex id")));
    }
    text.parse()
        .map_err(|_| bad(field, format!("{text:?} is not a 0x-hex id")))
}

fn requirement(field: &str, text: &str) -> Result<semver::VersionReq, ConfigError> {
    semver::VersionReq::parse(text).map_err(|e| bad(field, e.to_string()))
}

impl Config {
    /// Parses and validates YAML. `node_url_override` is the `NODE_URL` environment variable.
    pub fn from_yaml(text: &str, node_url_override: Option<String>) -> Result<Self, ConfigError> {
        let raw: RawConfig = serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(
            text,
        ))
        .map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." { "file".to_owned() } else { path };
            bad(field, e.into_inner().to_string())
        })?;
        let (seal_package, default_url) = match &raw.network {
            Network::Testnet => (
                TESTNET_SEAL_PACKAGE.to_owned(),
                Some("https://fullnode.testnet.sui.io:443"),
            ),
            Network::Mainnet => (
                MAINNET_SEAL_PACKAGE.to_owned(),
                Some("https://fullnode.mainnet.sui.io:443"),
            ),
            Network::Devnet { seal_package } => (
                seal_package.clone(),
                Some("https://fullnode.devnet.sui.io:443"),
            ),
            Network::Custom { seal_package } => (seal_package.clone(), None),
        };
        let seal_package = address("network.seal_package", &seal_package)?;
        let node_url = match (node_url_override, raw.node_url) {
            (Some(_), Some(_)) => {
                return Err(bad(
                    "node_url",
                    "set both in the file and in NODE_URL; keep one",
                ));
            }
            (Some(url), None) | (None, Some(url)) => url,
            (None, None) => default_url
                .ok_or_else(|| bad("node_url", "required for a custom network"))?
                .to_owned(),
        };
        let keys = served_keys(&raw.server_mode)?;
        if raw.session_key_ttl_max.is_zero() {
            return Err(bad("session_key_ttl_max", "must be positive"));
        }
        Ok(Self {
            node_url,
            seal_package,
            keys,
            sdk: SdkRequirements {
                typescript: requirement(
                    "ts_sdk_version_requirement",
                    &raw.ts_sdk_version_requirement,
                )?,
                rust: requirement(
                    "rust_sdk_version_requirement",
                    &raw.rust_sdk_version_requirement,
                )?,
                python: requirement(
                    "python_sdk_version_requirement",
                    &raw.python_sdk_version_requirement,
                )?,
                aggregator: requirement(
                    "aggregator_version_requirement",
                    &raw.aggregator_version_requirement,
                )?,
            },
            metrics_port: raw.metrics_host_port,
            rgp_update_interval: raw.rgp_update_interval,
            allowed_staleness: raw.allowed_staleness,
            session_key_ttl_max: raw.session_key_ttl_max,
            rpc: raw.rpc_config,
            keyvault_socket: raw.keyvault_socket,
            listen_address: raw.listen_address,
            tls: raw.tls,
            max_concurrent_requests: raw.max_concurrent_requests.max(1),
        })
    }

    /// The served key for a first package id, if any (open mode: the one key).
    pub fn key_for_package(&self, package: &Address) -> Option<&ServedKey> {
        self.keys
            .iter()
            .find(|k| k.packages.as_ref().is_none_or(|p| p.contains(package)))
    }

    /// The served key of a key-server object.
    pub fn key_for_object(&self, object: &Address) -> Option<&ServedKey> {
        self.keys.iter().find(|k| &k.object_id == object)
    }
}

/// The keys of a server mode, with the official uniqueness and ordering rules.
fn served_keys(mode: &ServerMode) -> Result<Vec<ServedKey>, ConfigError> {
    match mode {
        ServerMode::Open {
            key_server_object_id,
        } => Ok(vec![ServedKey {
            object_id: address("server_mode.key_server_object_id", key_server_object_id)?,
            key: KeyRef::Master,
            packages: None,
        }]),
        ServerMode::Permissioned { client_configs } => {
            let mut keys = Vec::new();
            let (mut names, mut ids, mut indices) =
                (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
            for (i, client) in client_configs.iter().enumerate() {
                let field = |name: &str| format!("server_mode.client_configs[{i}].{name}");
                if !names.insert(client.name.clone()) {
                    return Err(bad(
                        field("name"),
                        format!("Duplicate client name: {}", client.name),
                    ));
                }
                if client.package_ids.is_empty() {
                    return Err(bad(
                        field("package_ids"),
                        format!(
                            "Client configuration must have at least one package ID: {}",
                            client.name
                        ),
                    ));
                }
                let object_id =
                    address(&field("key_server_object_id"), &client.key_server_object_id)?;
                if !ids.insert(object_id) {
                    return Err(bad(
                        field("key_server_object_id"),
                        format!("Duplicate key server object ID: {object_id}"),
                    ));
                }
                let mut packages = BTreeSet::new();
                for package in &client.package_ids {
                    let package = address(&field("package_ids"), package)?;
                    if !ids.insert(package) {
                        return Err(bad(
                            field("package_ids"),
                            format!("Duplicate package ID: {package}"),
                        ));
                    }
                    packages.insert(package);
                }
                let index = match &client.client_master_key {
                    ClientKey::Derived { derivation_index } => *derivation_index,
                    ClientKey::Exported {
                        deprecated_derivation_index,
                    } => *deprecated_derivation_index,
                    ClientKey::Imported { .. } => {
                        return Err(bad(
                            field("client_master_key"),
                            "!Imported keys are not supported: the keyvault derives every key from its seed",
                        ));
                    }
                };
                if !indices.insert(index) {
                    return Err(bad(
                        field("client_master_key"),
                        format!("Duplicate derivation index: {index}"),
                    ));
                }
                if let ClientKey::Derived { derivation_index } = client.client_master_key {
                    keys.push(ServedKey {
                        object_id,
                        key: KeyRef::Derived(derivation_index),
                        packages: Some(packages),
                    });
                }
            }
            if indices.iter().copied().ne(0..indices.len() as u64) {
                return Err(bad(
                    "server_mode.client_configs",
                    "Derivation indexes must be incremental, starting from 0",
                ));
            }
            if keys.is_empty() {
                return Err(bad(
                    "server_mode.client_configs",
                    "No clients found in the configuration",
                ));
            }
            Ok(keys)
        }
    }
}

#[cfg(test)]
mod tests;
