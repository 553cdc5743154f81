//! One key server of the local stack: a `seal-keyvault` holding a fresh key and a
//! `seal-frontend` in front of it, in open or permissioned mode.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use seal_protocol::Address;
use seal_protocol::crypto::G2Point;

use super::DevError;
use super::process::{spawn, stop, wait_until};

/// How a key server serves keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerMode {
    /// One master key, any package.
    Open,
    /// One client (derivation index 0 of a fresh seed) whose keys are served only for these
    /// packages (first-version ids).
    Permissioned {
        /// The client's packages.
        package_ids: Vec<Address>,
    },
}

/// One running key server.
#[derive(Debug)]
pub struct DevKeyServer {
    /// Its key-server object on the local chain.
    pub object_id: Address,
    /// Its URL (`http://127.0.0.1:<port>`, or `https://localhost:<port>` with TLS).
    pub url: String,
    /// Its loopback port.
    pub port: u16,
    /// Its metrics port.
    pub metrics_port: u16,
    /// Its public key.
    pub public_key: G2Point,
    /// Its metrics URL.
    pub metrics_url: String,
    /// Its keyvault socket.
    pub socket: PathBuf,
    /// How it serves keys.
    pub mode: ServerMode,
    /// Its folder (key, socket, configuration, logs).
    pub dir: PathBuf,
    pub(super) keyvault: Child,
    pub(super) frontend: Child,
}

impl DevKeyServer {
    pub(super) fn stop_all(&mut self) {
        stop(&mut self.frontend);
        stop(&mut self.keyvault);
    }
}

/// A fresh key in `dir/master.key`: a master key (open) or a seed (permissioned); returns the
/// public key (of index 0 for a seed).
pub(super) fn generate_key(
    keyvault_bin: &Path,
    dir: &Path,
    mode: &ServerMode,
) -> Result<G2Point, DevError> {
    let key_file = dir.join("master.key");
    let mode_arg = match mode {
        ServerMode::Open => "open",
        ServerMode::Permissioned { .. } => "permissioned",
    };
    let keygen = Command::new(keyvault_bin)
        .args(["keygen", "--mode", mode_arg, "--out"])
        .arg(&key_file)
        .output()
        .map_err(|e| DevError::Process(e.to_string()))?;
    if !keygen.status.success() {
        return Err(DevError::Process(format!(
            "keygen: {}",
            String::from_utf8_lossy(&keygen.stderr)
        )));
    }
    // Open: the key. Permissioned: "<index> <key>" lines, index 0 first.
    let printed = String::from_utf8_lossy(&keygen.stdout);
    let public_key = printed
        .lines()
        .next()
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|key| hex::decode(key.trim().trim_start_matches("0x")).ok())
        .and_then(|bytes| G2Point::from_bytes(&bytes).ok())
        .ok_or_else(|| DevError::Process("keygen printed no key".into()))?;
    Ok(public_key)
}

/// Starts the keyvault of `dir/master.key` on `dir/vault.sock` (a stale socket from a killed
/// keyvault is removed first) and waits for its socket.
pub(super) fn start_keyvault(
    keyvault_bin: &Path,
    dir: &Path,
    mode: &ServerMode,
    extra_args: &[String],
) -> Result<(Child, PathBuf), DevError> {
    let socket = dir.join("vault.sock");
    let _ = std::fs::remove_file(&socket);
    let key_file = dir.join("master.key");
    let (socket_arg, key_arg) = (socket.display().to_string(), key_file.display().to_string());
    let mut args = vec!["serve", "--socket", &socket_arg, "--key-file", &key_arg];
    if let ServerMode::Permissioned { .. } = mode {
        args.extend(["--mode", "permissioned", "--derivation-index", "0"]);
    }
    args.extend(extra_args.iter().map(String::as_str));
    let log = dir.join("keyvault.log");
    let mut keyvault = spawn(keyvault_bin, &args, &log)?;
    wait_until("seal-keyvault", &mut keyvault, &log, || socket.exists())?;
    Ok((keyvault, socket))
}

/// What the frontends are told besides their key server.
#[derive(Debug, Clone)]
pub struct FrontendSettings {
    /// The chain's Seal package.
    pub seal_package: Address,
    /// The chain's gRPC URL.
    pub node_url: String,
    /// How often the reference gas price is re-read.
    pub rgp_update_interval: Duration,
    /// How far the chain's clock may lag before requests are refused (`None`: the default).
    pub allowed_staleness: Option<Duration>,
    /// Serve HTTPS with this certificate and key (PEM files), for the name `localhost`.
    pub tls: Option<TlsFiles>,
}

/// A frontend's certificate chain and private key.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// PEM certificate chain.
    pub certificate: PathBuf,
    /// PEM private key.
    pub private_key: PathBuf,
}

/// The frontend's YAML.
pub fn frontend_config(
    settings: &FrontendSettings,
    mode: &ServerMode,
    object_id: Address,
    socket: &Path,
    port: u16,
    metrics_port: u16,
) -> String {
    let server_mode = match mode {
        ServerMode::Open => format!("!Open\n  key_server_object_id: '{object_id}'"),
        ServerMode::Permissioned { package_ids } => {
            let packages: Vec<String> = package_ids.iter().map(|p| format!("'{p}'")).collect();
            format!(
                "!Permissioned\n  client_configs:\n    - name: dev\n      client_master_key: !Derived\n        derivation_index: 0\n      key_server_object_id: '{object_id}'\n      package_ids: [{}]",
                packages.join(", ")
            )
        }
    };
    let mut config = format!(
        "network: !Custom\n  seal_package: '{}'\nnode_url: '{}'\nserver_mode: {server_mode}\nkeyvault_socket: '{}'\nlisten_address: '127.0.0.1:{port}'\nmetrics_host_port: {metrics_port}\nrgp_update_interval: '{}ms'\n",
        settings.seal_package,
        settings.node_url,
        socket.display(),
        settings.rgp_update_interval.as_millis(),
    );
    if let Some(staleness) = settings.allowed_staleness {
        config.push_str(&format!(
            "allowed_staleness: '{}ms'\n",
            staleness.as_millis()
        ));
    }
    if let Some(tls) = &settings.tls {
        config.push_str(&format!(
            "tls:\n  certificate: '{}'\n  private_key: '{}'\n",
            tls.certificate.display(),
            tls.private_key.display()
        ));
    }
    config
}
