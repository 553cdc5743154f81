//! The whole stack on this machine: `seal-localnet`, and N key servers each made of a
//! `seal-keyvault` and a `seal-frontend`, as separate processes on loopback. `seal dev` and the
//! end-to-end test harness both use this, so the orchestration exists once.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use seal_protocol::Address;
use seal_protocol::crypto::G2Point;
use sui_crypto::ed25519::Ed25519PrivateKey;

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
    /// Key servers to start.
    pub servers: usize,
    /// Drive the chain clock manually (tests) instead of the wall clock.
    pub manual_clock: bool,
}

/// One running key server.
#[derive(Debug)]
pub struct DevKeyServer {
    /// Its key-server object on the local chain.
    pub object_id: Address,
    /// Its HTTP URL.
    pub url: String,
    /// Its public key.
    pub public_key: G2Point,
    /// Its metrics URL.
    pub metrics_url: String,
    /// Its keyvault socket.
    pub socket: PathBuf,
    keyvault: Child,
    frontend: Child,
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
    /// The key servers.
    pub servers: Vec<DevKeyServer>,
    localnet: Child,
}

fn spawn(binary: &Path, args: &[&str], log: &Path) -> Result<Child, DevError> {
    let log = std::fs::File::create(log)
        .map_err(|e| DevError::Process(format!("{}: {e}", log.display())))?;
    Command::new(binary)
        .args(args)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| DevError::Process(format!("{}: {e}", binary.display())))
}

fn wait_until(
    what: &str,
    child: &mut Child,
    mut ready: impl FnMut() -> bool,
) -> Result<(), DevError> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(DevError::Process(format!("{what} exited: {status}")));
        }
        if Instant::now() > deadline {
            return Err(DevError::Process(format!(
                "{what} did not come up within a minute"
            )));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Ok(())
}

fn free_port() -> Result<u16, DevError> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| DevError::Process(e.to_string()))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| DevError::Process(e.to_string()))
}

impl DevStack {
    /// Starts everything and registers the key servers on the local chain.
    pub async fn start(options: &DevOptions) -> Result<Self, DevError> {
        let binary = |name: &str| {
            let path = options.bin_dir.join(name);
            if path.exists() {
                Ok(path)
            } else {
                Err(DevError::MissingBinary(path))
            }
        };
        let (localnet_bin, keyvault_bin, frontend_bin) = (
            binary("seal-localnet")?,
            binary("seal-keyvault")?,
            binary("seal-frontend")?,
        );
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
        let mut localnet = spawn(&localnet_bin, &args, &dir.path().join("localnet.log"))?;
        let state_file = state.join("localnet.json");
        wait_until("seal-localnet", &mut localnet, || state_file.exists())?;
        let info: serde_json::Value = std::fs::read(&state_file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| DevError::Process("unreadable localnet.json".into()))?;
        let field = |name: &str| {
            info[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| DevError::Process(format!("localnet.json lacks {name}")))
        };
        let grpc_url = field("grpc_url")?;
        let parse = |text: String| {
            text.parse::<Address>()
                .map_err(|e| DevError::Process(e.to_string()))
        };
        let mut stack = Self {
            dir,
            grpc_url,
            seal_package: parse(field("seal_package_id")?)?,
            patterns_package: parse(field("patterns_package_id")?)?,
            servers: Vec::new(),
            localnet,
        };
        for index in 0..options.servers.max(1) {
            let server = stack
                .start_key_server(index, &keyvault_bin, &frontend_bin)
                .await?;
            stack.servers.push(server);
        }
        Ok(stack)
    }

    async fn start_key_server(
        &mut self,
        index: usize,
        keyvault_bin: &Path,
        frontend_bin: &Path,
    ) -> Result<DevKeyServer, DevError> {
        let dir = self.dir.path().join(format!("server-{index}"));
        std::fs::create_dir_all(&dir).map_err(|e| DevError::Process(e.to_string()))?;
        let key_file = dir.join("master.key");
        let keygen = Command::new(keyvault_bin)
            .args(["keygen", "--mode", "open", "--out"])
            .arg(&key_file)
            .output()
            .map_err(|e| DevError::Process(e.to_string()))?;
        if !keygen.status.success() {
            return Err(DevError::Process(format!(
                "keygen: {}",
                String::from_utf8_lossy(&keygen.stderr)
            )));
        }
        let printed = String::from_utf8_lossy(&keygen.stdout);
        let public_key = hex::decode(printed.trim().trim_start_matches("0x"))
            .ok()
            .and_then(|b| G2Point::from_bytes(&b).ok())
            .ok_or_else(|| DevError::Process("keygen printed no key".into()))?;
        let socket = dir.join("vault.sock");
        let (socket_arg, key_arg) = (socket.display().to_string(), key_file.display().to_string());
        let mut keyvault = spawn(
            keyvault_bin,
            &["serve", "--socket", &socket_arg, "--key-file", &key_arg],
            &dir.join("keyvault.log"),
        )?;
        wait_until("seal-keyvault", &mut keyvault, || socket.exists())?;

        let port = free_port()?;
        let metrics_port = free_port()?;
        let url = format!("http://127.0.0.1:{port}");
        let object_id = self.register_key_server(index, &public_key, &url).await?;
        let config = format!(
            "network: !Custom\n  seal_package: '{}'\nnode_url: '{}'\nserver_mode: !Open\n  key_server_object_id: '{object_id}'\nkeyvault_socket: '{}'\nlisten_address: '127.0.0.1:{port}'\nmetrics_host_port: {metrics_port}\nrgp_update_interval: '5s'\n",
            self.seal_package,
            self.grpc_url,
            socket.display()
        );
        let config_path = dir.join("frontend.yaml");
        std::fs::write(&config_path, config).map_err(|e| DevError::Process(e.to_string()))?;
        let config_arg = config_path.display().to_string();
        let mut frontend = spawn(
            frontend_bin,
            &["--config", &config_arg],
            &dir.join("frontend.log"),
        )?;
        wait_until("seal-frontend", &mut frontend, || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        })?;
        Ok(DevKeyServer {
            object_id,
            url,
            public_key,
            metrics_url: format!("http://127.0.0.1:{metrics_port}/metrics"),
            socket,
            keyvault,
            frontend,
        })
    }

    /// POSTs to the local chain's admin surface.
    pub async fn admin(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value, DevError> {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.grpc_url))
            .json(&body)
            .send()
            .await
            .map_err(|e| DevError::Chain(e.to_string()))?;
        if !response.status().is_success() {
            return Err(DevError::Chain(format!(
                "{path}: HTTP {}",
                response.status()
            )));
        }
        response
            .json()
            .await
            .map_err(|e| DevError::Chain(e.to_string()))
    }

    /// A client of the local chain.
    pub fn chain(&self) -> Result<sui_rpc::Client, DevError> {
        sui_rpc::Client::new(&self.grpc_url).map_err(|e| DevError::Chain(e.to_string()))
    }

    /// Registers a V1 key server for `url` with `public_key`, from a funded operator account.
    async fn register_key_server(
        &self,
        index: usize,
        public_key: &G2Point,
        url: &str,
    ) -> Result<Address, DevError> {
        let operator = Ed25519PrivateKey::new([0x5e ^ index as u8; 32]);
        let address = operator.public_key().derive_address();
        self.admin(
            "/admin/fund",
            serde_json::json!({ "address": address, "amount": 10_000_000_000u64 }),
        )
        .await?;
        let mut chain =
            crate::chain::Chain::new(&self.grpc_url).map_err(|e| DevError::Chain(e.0))?;
        chain
            .register_key_server(
                &operator,
                self.seal_package,
                &format!("seal-dev-{index}"),
                url,
                public_key,
                false,
            )
            .await
            .map_err(|e| DevError::Chain(e.0))
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
            let _ = server.keyvault.kill();
            let _ = server.keyvault.wait();
        }
    }

    /// Stops one key server's frontend (for threshold tests).
    pub fn stop_frontend(&mut self, index: usize) {
        if let Some(server) = self.servers.get_mut(index) {
            let _ = server.frontend.kill();
            let _ = server.frontend.wait();
        }
    }
}

impl Drop for DevStack {
    fn drop(&mut self) {
        for server in &mut self.servers {
            for child in [&mut server.frontend, &mut server.keyvault] {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        let _ = self.localnet.kill();
        let _ = self.localnet.wait();
    }
}
