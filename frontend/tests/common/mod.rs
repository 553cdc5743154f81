//! The whole stack as real processes on loopback (`seal-localnet`, `seal-keyvault` and
//! `seal-frontend`, started by `seal_client::dev` as `seal dev` starts them), plus a small
//! HTTP client and a Rust stand-in for the official SDK's request building.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ed25519_dalek::{Signer, SigningKey};
use ff::Field;
use group::Group;
use seal_client::dev::{DevOptions, DevStack, ServerMode, TlsFiles, frontend_config};
use seal_protocol::api::FetchKeyRequest;
use seal_protocol::certificate::{Certificate, request_signing_bytes};
use seal_protocol::crypto::{G1Point, G2Point};
use sui_crypto::SuiSigner;
use sui_crypto::ed25519::Ed25519PrivateKey;
use sui_sdk_types::{
    Address, Argument, Command as PtbCommand, Identifier, Input, MoveCall, PersonalMessage,
    ProgrammableTransaction,
};

/// The folder of the workspace's binaries (`target/<profile>`), freshly built.
pub fn bin_dir() -> PathBuf {
    seal_client::dev::binaries::built_for_tests().unwrap()
}

pub use seal_client::demo::now_ms;

/// A minimal HTTP/1.1 exchange over TCP: status, lower-cased headers, body.
pub async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let host = address.to_string();
    exchange(stream, &host, method, path, headers, body).await
}

/// A minimal HTTP/1.1 exchange on `stream` (plain or TLS), the connection closed after it.
pub async fn exchange(
    mut stream: impl tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
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

/// One key server on a local chain, started by `seal_client::dev` (as `seal dev` starts
/// them), with a manual clock.
pub struct Stack {
    /// The processes.
    pub dev: DevStack,
    /// A folder of the test's own (certificates, extra configurations).
    pub dir: tempfile::TempDir,
    pub frontend_address: SocketAddr,
    pub metrics_address: SocketAddr,
    pub seal_package: Address,
    pub patterns_package: Address,
    pub key_server: Address,
    pub public_key: G2Point,
}

/// How to start the stack.
#[derive(Debug, Clone, Default)]
pub struct StackOptions {
    /// Extra `seal-keyvault serve` arguments.
    pub keyvault_args: Vec<String>,
    /// Serve HTTPS with a fresh self-signed certificate for `localhost` (`dir/cert.pem`).
    pub tls: bool,
    /// Permissioned mode: one client (derivation index 0) serving the genesis `patterns`.
    pub permissioned: bool,
}

impl Stack {
    pub async fn start() -> Self {
        Self::start_with(StackOptions::default()).await
    }

    pub async fn start_with(options: StackOptions) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let tls = options.tls.then(|| {
            let certified =
                rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
            let files = TlsFiles {
                certificate: dir.path().join("cert.pem"),
                private_key: dir.path().join("key.pem"),
            };
            std::fs::write(&files.certificate, certified.cert.pem()).unwrap();
            std::fs::write(&files.private_key, certified.signing_key.serialize_pem()).unwrap();
            files
        });
        let mut dev = DevStack::start(&DevOptions {
            servers: 0,
            manual_clock: true,
            rgp_update_interval: Duration::from_secs(1),
            tls,
            keyvault_args: options.keyvault_args,
            ..DevOptions::new(bin_dir(), 0)
        })
        .await
        .unwrap();
        let mode = match options.permissioned {
            true => ServerMode::Permissioned {
                package_ids: vec![dev.patterns_package],
            },
            false => ServerMode::Open,
        };
        dev.add_key_server(mode).await.unwrap();
        let server = &dev.servers[0];
        let loopback = |port| SocketAddr::from(([127, 0, 0, 1], port));
        Self {
            frontend_address: loopback(server.port),
            metrics_address: loopback(server.metrics_port),
            seal_package: dev.seal_package,
            patterns_package: dev.patterns_package,
            key_server: server.object_id,
            public_key: server.public_key,
            dir,
            dev,
        }
    }

    /// Stops the keyvault (its socket stays behind, as after a crash).
    pub fn stop_keyvault(&mut self) {
        self.dev.stop_keyvault(0);
    }

    pub fn restart_keyvault(&mut self) {
        self.dev.restart_keyvault(0).unwrap();
    }

    /// The frontend's YAML for serving `key_server` with this stack's keyvault.
    pub fn frontend_config(&self, key_server: Address) -> String {
        let server = &self.dev.servers[0];
        frontend_config(
            &self.dev.frontend_settings,
            &server.mode,
            key_server,
            &server.socket,
            server.port,
            server.metrics_port,
        )
    }

    pub async fn admin(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        self.dev.admin(path, body).await.unwrap()
    }

    /// Sets the local chain's clock (it is manual, so tests decide).
    pub async fn set_clock(&self, timestamp_ms: u64) {
        self.dev.set_clock(timestamp_ms).await.unwrap();
    }

    /// Moves the local chain's clock to the wall clock.
    pub async fn sync_clock(&self) {
        self.set_clock(now_ms()).await;
    }

    /// Registers a V1 key server with `public_key`, owned by the operator of `operator_seed`.
    pub async fn register_key_server(&self, public_key: &G2Point, operator_seed: u8) -> Address {
        self.dev
            .register_key_server(operator_seed, public_key, "http://127.0.0.1")
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

/// A request as the JSON body the SDK posts.
pub fn body(request: &FetchKeyRequest) -> String {
    serde_json::to_string(request).unwrap()
}

/// Asserts an error answer: status, kind, and the key-server headers every `/v1` answer has.
pub fn assert_error(answer: &(u16, Vec<(String, String)>, String), status: u16, kind: &str) {
    assert_eq!(answer.0, status, "{}", answer.2);
    let error: seal_protocol::api::ErrorResponse = serde_json::from_str(&answer.2)
        .unwrap_or_else(|_| panic!("not an error body: {}", answer.2));
    assert_eq!(error.error, kind, "{}", answer.2);
    assert_eq!(
        header(&answer.1, "x-keyserver-version"),
        Some(env!("CARGO_PKG_VERSION"))
    );
}

/// Asserts that a `fetch_key` answer's first key, decrypted with `user`'s ElGamal key, is the
/// derived key of `full_id` under `public_key`.
pub fn assert_first_key(json: &str, user: &Requester, full_id: &[u8], public_key: &G2Point) {
    let keys: seal_protocol::api::FetchKeyResponse =
        serde_json::from_str(json.trim()).unwrap_or_else(|e| panic!("{e}: {json}"));
    let key =
        seal_protocol::crypto::elgamal_decrypt(&user.esk, &keys.decryption_keys[0].encrypted_key);
    seal_protocol::crypto::verify_derived_key(&key, full_id, public_key).unwrap();
}
