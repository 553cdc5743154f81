//! The whole stack on this machine: `seal-localnet`, and N key servers each made of a
//! `seal-keyvault` and a `seal-frontend`, as separate processes on loopback. `seal dev` and the
//! end-to-end test harness (`seal-tests`) both use this, so the orchestration exists once.

pub mod binaries;
mod chain;
mod key_server;
mod process;

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::Duration;

use seal_protocol::Address;
use seal_protocol::crypto::G2Point;

pub use chain::{created_objects, object_of_type};
pub use key_server::{DevKeyServer, FrontendSettings, ServerMode, TlsFiles, frontend_config};
use key_server::{generate_key, start_keyvault};
use process::{free_port, spawn, stop, wait_until};

/// Why the stack could not start.
#[derive(Debug, thiserror::Error)]
pub enum DevError {
    /// A binary is missing.
    #[error(
        "{0} not found next to this executable; build the workspace first (cargo build --release)"
    )]
    MissingBinary(PathBuf),
    /// A process could not start or did not come up.
    #[error("{0}")]
    Process(String),
    /// The local chain refused something.
    #[error("local chain: {0}")]
    Chain(String),
}

/// Options of the stack.
#[derive(Debug, Clone)]
pub struct DevOptions {
    /// Where `seal-localnet`, `seal-keyvault` and `seal-frontend` are.
    pub bin_dir: PathBuf,
    /// Open key servers to start (more, of any mode, can be added later).
    pub servers: usize,
    /// Drive the chain clock manually (tests) instead of the wall clock.
    pub manual_clock: bool,
    /// How often the frontends re-read the reference gas price.
    pub rgp_update_interval: Duration,
    /// How far the chain's clock may lag before the frontends refuse requests (`None`: their
    /// default).
    pub allowed_staleness: Option<Duration>,
    /// Serve HTTPS with these files.
    pub tls: Option<TlsFiles>,
    /// Extra `seal-keyvault serve` arguments for every keyvault (e.g. a budget).
    pub keyvault_args: Vec<String>,
}

impl DevOptions {
    /// `servers` open key servers, a real-time clock, the gas price re-read every 5 s.
    pub fn new(bin_dir: PathBuf, servers: usize) -> Self {
        Self {
            bin_dir,
            servers,
            manual_clock: false,
            rgp_update_interval: Duration::from_secs(5),
            allowed_staleness: None,
            tls: None,
            keyvault_args: Vec::new(),
        }
    }
}

/// The running stack; everything is stopped when it is dropped.
#[derive(Debug)]
pub struct DevStack {
    /// Private working directory (keys, sockets, configurations); removed on drop.
    pub dir: tempfile::TempDir,
    /// The chain's gRPC (and gRPC-web) URL.
    pub grpc_url: String,
    /// The genesis `seal` package.
    pub seal_package: Address,
    /// The genesis `patterns` package.
    pub patterns_package: Address,
    /// `(id, type)` of what the genesis packages' `init` created (e.g. the `patterns`
    /// package's `subscription::PackageVersion`).
    pub genesis_objects: Vec<(Address, String)>,
    /// The key servers, in start order.
    pub servers: Vec<DevKeyServer>,
    /// What every frontend is configured with besides its key server.
    pub frontend_settings: FrontendSettings,
    keyvault_args: Vec<String>,
    localnet: Child,
    keyvault_bin: PathBuf,
    frontend_bin: PathBuf,
}

fn binary(bin_dir: &Path, name: &str) -> Result<PathBuf, DevError> {
    let path = bin_dir.join(name);
    if path.exists() {
        Ok(path)
    } else {
        Err(DevError::MissingBinary(path))
    }
}

impl DevStack {
    /// Starts everything and registers the key servers on the local chain.
    pub async fn start(options: &DevOptions) -> Result<Self, DevError> {
        let localnet_bin = binary(&options.bin_dir, "seal-localnet")?;
        let keyvault_bin = binary(&options.bin_dir, "seal-keyvault")?;
        let frontend_bin = binary(&options.bin_dir, "seal-frontend")?;
        let dir = tempfile::Builder::new()
            .prefix("seal-dev-")
            .tempdir()
            .map_err(|e| DevError::Process(e.to_string()))?;
        let state = dir.path().join("localnet");
        let state_arg = state.display().to_string();
        let mut args = vec![
            "start",
            "--listen",
            "127.0.0.1:0",
            "--state-dir",
            &state_arg,
        ];
        if options.manual_clock {
            args.push("--manual-clock");
        }
        let log = dir.path().join("localnet.log");
        let mut localnet = spawn(&localnet_bin, &args, &log)?;
        let state_file = state.join("localnet.json");
        wait_until("seal-localnet", &mut localnet, &log, || state_file.exists())?;
        let info: serde_json::Value = std::fs::read(&state_file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| DevError::Process("unreadable localnet.json".into()))?;
        let field = |name: &str| {
            info[name]
                .as_str()
                .ok_or_else(|| DevError::Process(format!("localnet.json lacks {name}")))
        };
        let address = |name: &str| {
            field(name)?
                .parse::<Address>()
                .map_err(|e| DevError::Process(e.to_string()))
        };
        let seal_package = address("seal_package_id")?;
        let genesis_objects = created_objects(&info["genesis_objects"]);
        let grpc_url = field("grpc_url")?.to_owned();
        let mut stack = Self {
            frontend_settings: FrontendSettings {
                seal_package,
                node_url: grpc_url.clone(),
                rgp_update_interval: options.rgp_update_interval,
                allowed_staleness: options.allowed_staleness,
                tls: options.tls.clone(),
            },
            keyvault_args: options.keyvault_args.clone(),
            dir,
            grpc_url,
            seal_package,
            patterns_package: address("patterns_package_id")?,
            genesis_objects,
            servers: Vec::new(),
            localnet,
            keyvault_bin,
            frontend_bin,
        };
        for _ in 0..options.servers {
            stack.add_key_server(ServerMode::Open).await?;
        }
        Ok(stack)
    }

    /// Starts one more key server (keyvault + frontend), registered on chain under a fresh
    /// operator; returns its index in [`DevStack::servers`].
    pub async fn add_key_server(&mut self, mode: ServerMode) -> Result<usize, DevError> {
        let index = self.servers.len();
        let dir = self.dir.path().join(format!("server-{index}"));
        std::fs::create_dir_all(&dir).map_err(|e| DevError::Process(e.to_string()))?;
        let public_key = generate_key(&self.keyvault_bin, &dir, &mode)?;
        let (mut keyvault, socket) =
            start_keyvault(&self.keyvault_bin, &dir, &mode, &self.keyvault_args)?;
        let started = self
            .start_frontend(index, &dir, &mode, &public_key, &socket)
            .await;
        let (object_id, port, metrics_port, frontend) = match started {
            Ok(started) => started,
            Err(error) => {
                stop(&mut keyvault);
                return Err(error);
            }
        };
        let (scheme, host) = match self.frontend_settings.tls {
            Some(_) => ("https", "localhost"),
            None => ("http", "127.0.0.1"),
        };
        self.servers.push(DevKeyServer {
            object_id,
            url: format!("{scheme}://{host}:{port}"),
            port,
            metrics_port,
            public_key,
            metrics_url: format!("http://127.0.0.1:{metrics_port}/metrics"),
            socket,
            mode,
            dir,
            keyvault,
            frontend,
        });
        Ok(index)
    }

    /// Starts a stopped keyvault again, with the same key and socket.
    pub fn restart_keyvault(&mut self, index: usize) -> Result<(), DevError> {
        let server = self
            .servers
            .get_mut(index)
            .ok_or_else(|| DevError::Process(format!("no key server {index}")))?;
        stop(&mut server.keyvault);
        let (keyvault, _) = start_keyvault(
            &self.keyvault_bin,
            &server.dir,
            &server.mode,
            &self.keyvault_args,
        )?;
        server.keyvault = keyvault;
        Ok(())
    }

    /// Registers the key server on chain, then starts its frontend and waits for its port.
    async fn start_frontend(
        &self,
        index: usize,
        dir: &Path,
        mode: &ServerMode,
        public_key: &G2Point,
        socket: &Path,
    ) -> Result<(Address, u16, u16, Child), DevError> {
        let port = free_port()?;
        let metrics_port = free_port()?;
        let url = format!("http://127.0.0.1:{port}");
        let operator = u8::try_from(index).unwrap_or(u8::MAX);
        let object_id = self.register_key_server(operator, public_key, &url).await?;
        let config = frontend_config(
            &self.frontend_settings,
            mode,
            object_id,
            socket,
            port,
            metrics_port,
        );
        let config_path = dir.join("frontend.yaml");
        std::fs::write(&config_path, config).map_err(|e| DevError::Process(e.to_string()))?;
        let config_arg = config_path.display().to_string();
        let log = dir.join("frontend.log");
        let mut frontend = spawn(&self.frontend_bin, &["--config", &config_arg], &log)?;
        let ready = wait_until("seal-frontend", &mut frontend, &log, || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        if let Err(error) = ready {
            stop(&mut frontend);
            return Err(error);
        }
        Ok((object_id, port, metrics_port, frontend))
    }

    /// The key servers' public keys, to encrypt to.
    pub fn key_server_keys(&self) -> Vec<crate::seal::KeyServerKey> {
        self.servers
            .iter()
            .map(|s| crate::seal::KeyServerKey {
                object_id: s.object_id,
                public_key: s.public_key,
            })
            .collect()
    }

    /// The key servers as clients reach them.
    pub fn endpoints(&self) -> Vec<crate::fetch::KeyServerEndpoint> {
        self.servers
            .iter()
            .map(|s| crate::fetch::KeyServerEndpoint {
                object_id: s.object_id,
                url: s.url.clone(),
                public_key: s.public_key,
            })
            .collect()
    }

    /// The genesis object of type `module::Name` in the `patterns` package.
    pub fn patterns_object(&self, module_and_name: &str) -> Option<Address> {
        object_of_type(
            &self.genesis_objects,
            self.patterns_package,
            module_and_name,
        )
    }

    /// What `seal dev --info-file` writes.
    pub fn info(&self) -> serde_json::Value {
        let first = self.servers.first();
        serde_json::json!({
            "key_server_url": first.map(|s| s.url.clone()),
            "key_server_object_id": first.map(|s| s.object_id),
            "public_key": first.map(|s| format!("0x{}", hex::encode(s.public_key.to_bytes()))),
            "metrics_url": first.map(|s| s.metrics_url.clone()),
            "sui_grpc_url": self.grpc_url,
            "seal_package_id": self.seal_package,
            "patterns_package_id": self.patterns_package,
            "genesis_objects": self.genesis_objects.iter().map(|(id, type_)| serde_json::json!({
                "object_id": id,
                "object_type": type_,
            })).collect::<Vec<_>>(),
            "key_servers": self.servers.iter().map(|s| serde_json::json!({
                "url": s.url,
                "object_id": s.object_id,
                "public_key": format!("0x{}", hex::encode(s.public_key.to_bytes())),
                "metrics_url": s.metrics_url,
                "frontend_pid": s.frontend.id(),
                "keyvault_pid": s.keyvault.id(),
            })).collect::<Vec<_>>(),
        })
    }

    /// Stops one key server's keyvault (for fault tests).
    pub fn stop_keyvault(&mut self, index: usize) {
        if let Some(server) = self.servers.get_mut(index) {
            stop(&mut server.keyvault);
        }
    }

    /// Stops one key server's frontend (for threshold tests).
    pub fn stop_frontend(&mut self, index: usize) {
        if let Some(server) = self.servers.get_mut(index) {
            stop(&mut server.frontend);
        }
    }
}

impl Drop for DevStack {
    fn drop(&mut self) {
        for server in &mut self.servers {
            server.stop_all();
        }
        stop(&mut self.localnet);
    }
}
