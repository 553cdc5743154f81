//! The whole stack as real processes on loopback: `seal-localnet`, `seal-keyvault` and
//! `seal-frontend`, plus a small HTTP client and a Rust stand-in for the official SDK's
//! request building.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ed25519_dalek::{Signer, SigningKey};
use ff::Field;
use group::Group;
use seal_protocol::api::FetchKeyRequest;
use seal_protocol::certificate::{Certificate, request_signing_bytes};
use seal_protocol::crypto::{G1Point, G2Point};
use sui_crypto::SuiSigner;
use sui_crypto::ed25519::Ed25519PrivateKey;
use sui_sdk_types::{
    Address, Argument, Command as PtbCommand, Identifier, Input, MoveCall, PersonalMessage,
    ProgrammableTransaction,
};

/// A workspace binary, built on demand when this package's tests run alone.
pub fn binary(package: &str, name: &str) -> PathBuf {
    let dir = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let path = dir.join(name);
    if !path.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", package, "--bin", name])
            .status()
            .unwrap();
        assert!(status.success(), "building {name}");
    }
    path
}

/// A child process killed on drop.
pub struct Process(pub Option<Child>);

impl Process {
    pub fn spawn(command: &mut Command) -> Self {
        Self(Some(
            command
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        ))
    }
    pub fn stop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !ready() {
        assert!(Instant::now() < deadline, "{what} did not come up");
        std::thread::sleep(Duration::from_millis(25));
    }
}

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// A minimal HTTP/1.1 exchange: status, lower-cased headers, body.
pub async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response).into_owned();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The running stack.
pub struct Stack {
    pub dir: tempfile::TempDir,
    pub localnet: Process,
    pub localnet_address: SocketAddr,
    pub keyvault: Process,
    pub frontend: Process,
    pub frontend_address: SocketAddr,
    pub seal_package: Address,
    pub patterns_package: Address,
    pub key_server: Address,
    pub public_key: G2Point,
    pub metrics_address: SocketAddr,
    pub options: StackOptions,
}

/// How to start the stack.
#[derive(Debug, Clone, Default)]
pub struct StackOptions {
    /// Extra `seal-keyvault serve` arguments.
    pub keyvault_args: Vec<String>,
    /// Serve HTTPS with a fresh self-signed certificate for `localhost` (its PEM is kept).
    pub tls: bool,
    /// Permissioned mode: one client (derivation index 0) serving the genesis `patterns`.
    pub permissioned: bool,
}

/// `seal-keyvault serve` of the stack's key, on the stack's socket.
fn serve_keyvault(dir: &std::path::Path, extra: &[String]) -> Process {
    Process::spawn(
        Command::new(binary("seal-keyvault", "seal-keyvault"))
            .args(["serve", "--socket"])
            .arg(dir.join("vault.sock"))
            .arg("--key-file")
            .arg(dir.join("master.key"))
            .args(extra),
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Stack {
    pub async fn start() -> Self {
        Self::start_with(StackOptions::default()).await
    }

    pub async fn start_with(options: StackOptions) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("localnet");
        let localnet = Process::spawn(
            Command::new(binary("seal-localnet", "seal-localnet"))
                .args([
                    "start",
                    "--listen",
                    "127.0.0.1:0",
                    "--manual-clock",
                    "--state-dir",
                ])
                .arg(&state),
        );
        wait_for("seal-localnet", || state.join("localnet.json").exists());
        let info: serde_json::Value =
            serde_json::from_slice(&std::fs::read(state.join("localnet.json")).unwrap()).unwrap();
        let url = info["grpc_url"].as_str().unwrap().to_owned();
        let localnet_address: SocketAddr = url.trim_start_matches("http://").parse().unwrap();
        let seal_package: Address = info["seal_package_id"].as_str().unwrap().parse().unwrap();
        let patterns_package: Address = info["patterns_package_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();

        let key_file = dir.path().join("master.key");
        let keyvault_bin = binary("seal-keyvault", "seal-keyvault");
        let mode = if options.permissioned {
            "permissioned"
        } else {
            "open"
        };
        let keygen = Command::new(&keyvault_bin)
            .args(["keygen", "--mode", mode, "--out"])
            .arg(&key_file)
            .output()
            .unwrap();
        assert!(keygen.status.success());
        // Open: the key. Permissioned: "<index> <key>" lines; the stack serves index 0.
        let printed = String::from_utf8(keygen.stdout).unwrap();
        let first_line = printed.lines().next().unwrap();
        let pk_hex = first_line
            .rsplit(' ')
            .next()
            .unwrap()
            .trim_start_matches("0x")
            .to_owned();
        let mut options = options;
        if options.permissioned {
            options
                .keyvault_args
                .extend(["--mode", "permissioned", "--derivation-index", "0"].map(String::from));
        }
        let public_key = G2Point::from_bytes(&hex::decode(&pk_hex).unwrap()).unwrap();
        let socket = dir.path().join("vault.sock");
        let keyvault = serve_keyvault(dir.path(), &options.keyvault_args);
        wait_for("seal-keyvault", || socket.exists());

        let mut stack = Self {
            dir,
            localnet,
            localnet_address,
            keyvault,
            frontend: Process(None),
            frontend_address: SocketAddr::from(([127, 0, 0, 1], free_port())),
            seal_package,
            patterns_package,
            key_server: Address::ZERO,
            public_key,
            metrics_address: SocketAddr::from(([127, 0, 0, 1], free_port())),
            options,
        };
        stack.sync_clock().await;
        stack.key_server = stack.register_key_server(&public_key, 77).await;
        stack.start_frontend();
        stack
    }

    pub fn socket(&self) -> PathBuf {
        self.dir.path().join("vault.sock")
    }

    pub fn restart_keyvault(&mut self) {
        let socket = self.socket();
        self.keyvault = serve_keyvault(self.dir.path(), &self.options.keyvault_args);
        wait_for("seal-keyvault", || socket.exists());
    }

    /// The frontend's YAML for serving `key_server`.
    pub fn frontend_config(&self, key_server: Address) -> String {
        let mode = match self.options.permissioned {
            false => format!("!Open\n  key_server_object_id: '{key_server}'"),
            true => format!(
                "!Permissioned\n  client_configs:\n    - name: test\n      client_master_key: !Derived\n        derivation_index: 0\n      key_server_object_id: '{key_server}'\n      package_ids: ['{}']",
                self.patterns_package
            ),
        };
        format!(
            "network: !Custom\n  seal_package: '{}'\nnode_url: 'http://{}'\nserver_mode: {}\nkeyvault_socket: '{}'\nlisten_address: '{}'\nrgp_update_interval: '1s'\nmetrics_host_port: {}\n",
            self.seal_package,
            self.localnet_address,
            mode,
            self.socket().display(),
            self.frontend_address,
            self.metrics_address.port()
        )
    }

    fn start_frontend(&mut self) {
        let mut config = self.frontend_config(self.key_server);
        if self.options.tls {
            let certified =
                rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
            let (cert, key) = (
                self.dir.path().join("cert.pem"),
                self.dir.path().join("key.pem"),
            );
            std::fs::write(&cert, certified.cert.pem()).unwrap();
            std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
            config.push_str(&format!(
                "tls:\n  certificate: '{}'\n  private_key: '{}'\n",
                cert.display(),
                key.display()
            ));
        }
        let path = self.dir.path().join("frontend.yaml");
        std::fs::write(&path, config).unwrap();
        self.frontend = Process::spawn(
            Command::new(binary("seal-frontend", "seal-frontend"))
                .arg("--config")
                .arg(&path),
        );
        let address = self.frontend_address;
        wait_for("seal-frontend", || {
            std::net::TcpStream::connect(address).is_ok()
        });
    }

    pub async fn admin(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let (status, _, text) = http(
            self.localnet_address,
            "POST",
            path,
            &[("Content-Type", "application/json")],
            &body.to_string(),
        )
        .await;
        assert_eq!(status, 200, "{text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Moves the local chain's clock to the wall clock (it is manual, so tests decide).
    pub async fn sync_clock(&self) {
        self.admin("/admin/clock", serde_json::json!({ "set_ms": now_ms() }))
            .await;
    }

    /// Registers a V1 key server with `public_key`, owned by the operator of `operator_seed`.
    pub async fn register_key_server(&self, public_key: &G2Point, operator_seed: u8) -> Address {
        let operator = Ed25519PrivateKey::new([operator_seed; 32]);
        let address = operator.public_key().derive_address();
        self.admin(
            "/admin/fund",
            serde_json::json!({ "address": address, "amount": 1_000_000_000u64 }),
        )
        .await;
        let mut chain =
            seal_client::chain::Chain::new(&format!("http://{}", self.localnet_address)).unwrap();
        chain
            .register_key_server(
                &operator,
                self.seal_package,
                "test server",
                "http://127.0.0.1",
                public_key,
                false,
            )
            .await
            .unwrap()
    }
}

/// A user with a wallet key and a session, building requests as `@mysten/seal` does.
pub struct Requester {
    pub wallet: Ed25519PrivateKey,
    pub address: Address,
    pub session: SigningKey,
    pub esk: Scalar,
}

impl Requester {
    pub fn new(seed: u8) -> Self {
        let wallet = Ed25519PrivateKey::new([seed; 32]);
        let address = wallet.public_key().derive_address();
        Self {
            wallet,
            address,
            session: SigningKey::from_bytes(&[seed.wrapping_add(100); 32]),
            esk: Scalar::random(rand::rngs::OsRng),
        }
    }

    pub fn enc_key(&self) -> G1Point {
        G1Point::from(G1Affine::from(G1Projective::generator() * self.esk))
    }

    /// A PTB calling `module::seal_approve` of `package` with these ids and extra inputs.
    pub fn ptb(
        package: Address,
        module: &str,
        ids: &[Vec<u8>],
        extra: Vec<Input>,
    ) -> ProgrammableTransaction {
        let mut inputs: Vec<Input> = ids
            .iter()
            .map(|id| Input::Pure(bcs::to_bytes(id).unwrap()))
            .collect();
        let first_extra = inputs.len() as u16;
        inputs.extend(extra.iter().cloned());
        let commands = (0..ids.len())
            .map(|i| {
                let mut arguments = vec![Argument::Input(i as u16)];
                arguments.extend((0..extra.len() as u16).map(|e| Argument::Input(first_extra + e)));
                PtbCommand::MoveCall(MoveCall {
                    package,
                    module: Identifier::new(module).unwrap(),
                    function: Identifier::from_static("seal_approve"),
                    type_arguments: vec![],
                    arguments,
                })
            })
            .collect();
        ProgrammableTransaction { inputs, commands }
    }

    /// A signed request for the requester's own address under `account_based` of
    /// `package`: the request most tests start from before changing one field.
    pub fn own_account_request(
        &self,
        package: Address,
        creation_time: u64,
        ttl_min: u16,
    ) -> FetchKeyRequest {
        let own = self.address.as_bytes().to_vec();
        let ptb = Self::ptb(package, "account_based", &[own], vec![]);
        self.request(package, &ptb, creation_time, ttl_min)
    }

    /// A signed request; `creation_time` and `ttl_min` as given.
    pub fn request(
        &self,
        first_package: Address,
        ptb: &ProgrammableTransaction,
        creation_time: u64,
        ttl_min: u16,
    ) -> FetchKeyRequest {
        let enc_key = self.enc_key();
        let enc_verification_key =
            G2Point::from(G2Affine::from(G2Projective::generator() * self.esk));
        let ptb_bytes = bcs::to_bytes(ptb).unwrap();
        let request_signature = self.session.sign(&request_signing_bytes(
            &ptb_bytes,
            &enc_key,
            &enc_verification_key,
        ));
        let mut certificate = Certificate {
            user: self.address,
            session_vk: self.session.verifying_key(),
            creation_time,
            ttl_min,
            signature: vec![],
            mvr_name: None,
        };
        let message = certificate.personal_message(&first_package).unwrap();
        let signature = self
            .wallet
            .sign_personal_message(&PersonalMessage(message.as_bytes().into()))
            .unwrap();
        certificate.signature = signature.to_bytes();
        FetchKeyRequest {
            ptb: seal_protocol::encoding::to_base64(&ptb_bytes),
            enc_key,
            enc_verification_key,
            request_signature,
            certificate,
        }
    }
}

/// The SDK headers of a current Rust client.
pub const SDK_HEADERS: [(&str, &str); 3] = [
    ("Content-Type", "application/json"),
    ("Client-Sdk-Type", "rust"),
    ("Client-Sdk-Version", "0.5.0"),
];

/// POSTs a fetch-key request.
pub async fn fetch(stack: &Stack, body: &str) -> (u16, Vec<(String, String)>, String) {
    http(
        stack.frontend_address,
        "POST",
        "/v1/fetch_key",
        &SDK_HEADERS,
        body,
    )
    .await
}
