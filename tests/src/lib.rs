//! # seal-tests
//!
//! [`SealTestCluster`]: the whole stack for end-to-end tests — `seal-localnet`, N key servers
//! (each a real `seal-keyvault` + `seal-frontend` pair), funded users — with what a dApp does
//! on it: publish and upgrade packages, run transactions, move the clock, encrypt, and fetch
//! keys over HTTP. The processes are started by `seal_client::dev::DevStack`, the same code as
//! `seal dev`, and stopped when the cluster is dropped, including when a test panics.
//!
//! The suites live in `tests/tests/`, one file per access pattern, plus package upgrades and
//! background behaviour.

#![forbid(unsafe_code)]

mod keys;

use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use seal_client::chain::{Chain, ChainError, Executed};
use seal_client::dev::binaries::built_for_tests;
use seal_client::dev::{
    DevError, DevOptions, DevStack, ServerMode, created_objects, object_of_type,
};
use seal_client::fetch::KeyServerEndpoint;
use seal_client::ptb::PtbBuilder;
use seal_protocol::Address;
use sui_crypto::ed25519::Ed25519PrivateKey;

pub use keys::{KeyAnswer, open, refusal_kinds};

/// Why the cluster could not do something (tests unwrap these: they are set-up failures).
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// Starting or driving the processes.
    #[error(transparent)]
    Dev(#[from] DevError),
    /// A chain call.
    #[error(transparent)]
    Chain(#[from] ChainError),
    /// The admin surface answered something unexpected.
    #[error("admin: {0}")]
    Admin(String),
}

/// How to start a cluster.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Open key servers.
    pub servers: usize,
    /// A chain clock that moves only when told (default: it follows the wall clock, and
    /// [`SealTestCluster::advance_clock`] can still jump it ahead).
    pub manual_clock: bool,
    /// How often frontends re-read the reference gas price.
    pub rgp_update_interval: Duration,
    /// How far the chain clock may lag before frontends refuse (default: theirs, 2 min).
    pub allowed_staleness: Option<Duration>,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        Self {
            servers: 1,
            manual_clock: false,
            rgp_update_interval: Duration::from_secs(1),
            allowed_staleness: None,
        }
    }
}

/// A user with a key and SUI to pay gas.
#[derive(Debug)]
pub struct TestUser {
    /// Its signing key.
    pub key: Ed25519PrivateKey,
    /// Its address.
    pub address: Address,
}

/// The running stack; stopped on drop.
pub struct SealTestCluster {
    /// The processes and their addresses.
    pub stack: DevStack,
    next_user: AtomicU8,
    http: reqwest::Client,
}

/// A published package, the capability to upgrade it, and what its `init` created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The first version's id (the key-id namespace).
    pub package_id: Address,
    /// The `UpgradeCap`.
    pub upgrade_cap: Address,
    /// `(id, type)` of the objects the modules' `init` created.
    pub created: Vec<(Address, String)>,
}

impl Published {
    /// The object `init` created of type `module::Name`.
    pub fn created_of(&self, module_and_name: &str) -> Option<Address> {
        object_of_type(&self.created, self.package_id, module_and_name)
    }
}

/// The stack's binaries, fresh; panics if they cannot be built (a set-up failure).
fn binaries() -> std::path::PathBuf {
    built_for_tests().unwrap_or_else(|e| panic!("{e}"))
}

impl SealTestCluster {
    /// `servers` open key servers, defaults otherwise.
    pub async fn start(servers: usize) -> Self {
        Self::start_with(ClusterOptions {
            servers,
            ..ClusterOptions::default()
        })
        .await
    }

    /// A cluster with these options; panics if it cannot start (a test set-up failure).
    pub async fn start_with(options: ClusterOptions) -> Self {
        let dev = DevOptions {
            manual_clock: options.manual_clock,
            rgp_update_interval: options.rgp_update_interval,
            allowed_staleness: options.allowed_staleness,
            ..DevOptions::new(binaries(), options.servers)
        };
        match DevStack::start(&dev).await {
            Ok(stack) => Self {
                stack,
                next_user: AtomicU8::new(1),
                http: reqwest::Client::new(),
            },
            Err(error) => panic!("the test cluster did not start: {error}"),
        }
    }

    /// The genesis `patterns` package.
    pub fn patterns(&self) -> Address {
        self.stack.patterns_package
    }

    /// A chain client.
    pub fn chain(&self) -> Chain {
        Chain::new(&self.stack.grpc_url).unwrap_or_else(|e| panic!("chain client: {e}"))
    }

    /// The key servers, as clients see them.
    pub fn endpoints(&self) -> Vec<KeyServerEndpoint> {
        self.stack.endpoints()
    }

    /// Starts one more key server, e.g. a permissioned one; returns its index.
    pub async fn add_key_server(&mut self, mode: ServerMode) -> Result<usize, ClusterError> {
        Ok(self.stack.add_key_server(mode).await?)
    }

    /// A fresh user with 10 SUI.
    pub async fn user(&self) -> Result<TestUser, ClusterError> {
        let seed = self.next_user.fetch_add(1, Ordering::Relaxed);
        let key = Ed25519PrivateKey::new([seed; 32]);
        let address = key.public_key().derive_address();
        self.stack.fund(address, 10_000_000_000).await?;
        Ok(TestUser { key, address })
    }

    /// Signs and executes `ptb` as `user`.
    pub async fn execute(
        &self,
        user: &TestUser,
        ptb: PtbBuilder,
    ) -> Result<Executed, ClusterError> {
        Ok(self.chain().execute_ptb(&user.key, ptb.finish()).await?)
    }

    /// Like [`SealTestCluster::execute`], but the transaction must succeed.
    pub async fn execute_ok(
        &self,
        user: &TestUser,
        ptb: PtbBuilder,
    ) -> Result<Executed, ClusterError> {
        let executed = self.execute(user, ptb).await?;
        match &executed.failure {
            None => Ok(executed),
            Some(failure) => Err(ClusterError::Chain(ChainError(failure.description.clone()))),
        }
    }

    /// Moves the chain clock forward; returns the new time.
    pub async fn advance_clock(&self, delta: Duration) -> Result<u64, ClusterError> {
        let ms = u64::try_from(delta.as_millis()).unwrap_or(u64::MAX);
        let answer = self
            .admin("/admin/clock", serde_json::json!({ "advance_ms": ms }))
            .await?;
        answer["timestamp_ms"]
            .as_u64()
            .ok_or_else(|| ClusterError::Admin(answer.to_string()))
    }

    /// Sets the chain clock (it may go backwards).
    pub async fn set_clock(&self, timestamp_ms: u64) -> Result<(), ClusterError> {
        Ok(self.stack.set_clock(timestamp_ms).await?)
    }

    /// The chain's clock, ms.
    pub async fn clock_ms(&self) -> Result<u64, ClusterError> {
        let info = self.admin_get("/admin/info").await?;
        info["timestamp_ms"]
            .as_u64()
            .ok_or_else(|| ClusterError::Admin(info.to_string()))
    }

    /// Starts a new epoch with this reference gas price.
    pub async fn set_reference_gas_price(&self, price: u64) -> Result<(), ClusterError> {
        self.admin(
            "/admin/epoch",
            serde_json::json!({ "reference_gas_price": price }),
        )
        .await?;
        Ok(())
    }

    /// Publishes a native package (by name, e.g. `patterns`) with `owner` holding its
    /// `UpgradeCap`.
    pub async fn publish(&self, package: &str, owner: Address) -> Result<Published, ClusterError> {
        let answer = self
            .admin(
                "/admin/publish",
                serde_json::json!({ "package": package, "owner": owner }),
            )
            .await?;
        let field = |name: &str| {
            answer[name]
                .as_str()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| ClusterError::Admin(answer.to_string()))
        };
        let created = created_objects(&answer["created"]);
        Ok(Published {
            package_id: field("package_id")?,
            upgrade_cap: field("upgrade_cap_id")?,
            created,
        })
    }

    /// Upgrades the package of `upgrade_cap`; returns the new version's id.
    pub async fn upgrade(
        &self,
        package: &str,
        upgrade_cap: Address,
    ) -> Result<Address, ClusterError> {
        let answer = self
            .admin(
                "/admin/upgrade",
                serde_json::json!({ "package": package, "upgrade_cap_id": upgrade_cap }),
            )
            .await?;
        answer["package_id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| ClusterError::Admin(answer.to_string()))
    }

    /// A key server's Prometheus text.
    pub async fn metrics(&self, server: usize) -> Result<String, ClusterError> {
        let url = &self.stack.servers[server].metrics_url;
        let get = self.http.get(url).send().await;
        let text = match get {
            Ok(response) => response.text().await,
            Err(error) => Err(error),
        };
        text.map_err(|e| ClusterError::Admin(e.to_string()))
    }

    async fn admin(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value, ClusterError> {
        Ok(self.stack.admin(path, body).await?)
    }

    async fn admin_get(&self, path: &str) -> Result<serde_json::Value, ClusterError> {
        let url = format!("{}{path}", self.stack.grpc_url);
        let response = self.http.get(url).send().await;
        match response {
            Ok(response) => response
                .json()
                .await
                .map_err(|e| ClusterError::Admin(e.to_string())),
            Err(error) => Err(ClusterError::Admin(error.to_string())),
        }
    }
}
