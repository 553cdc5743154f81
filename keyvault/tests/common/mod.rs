//! Starting a real `seal-keyvault serve` process and talking to it, for the end-to-end tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use seal_protocol::vault::{VaultClient, frame_codec};
use tarpc::tokio_serde::formats::Bincode;
use tarpc::tokio_util::codec::Framed;
use tokio::net::UnixStream;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_seal-keyvault");

/// Runs the binary to completion.
pub fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("seal-keyvault runs")
}

/// A running keyvault in its own temporary directory, killed when dropped.
pub struct Keyvault {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
    pub key_file: PathBuf,
    pub audit_log: PathBuf,
    pub public_key: String,
}

impl Keyvault {
    /// Generates an open-mode key and serves it with `extra` options.
    pub fn start(extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("master.key");
        let keygen = run(&[
            "keygen",
            "--mode",
            "open",
            "--out",
            key_file.to_str().unwrap(),
        ]);
        assert!(keygen.status.success(), "{keygen:?}");
        let public_key = String::from_utf8(keygen.stdout).unwrap().trim().to_owned();
        Self::serve(dir, key_file, public_key, extra)
    }

    /// Serves an existing key file.
    pub fn serve(
        dir: tempfile::TempDir,
        key_file: PathBuf,
        public_key: String,
        extra: &[&str],
    ) -> Self {
        let socket = dir.path().join("vault.sock");
        let audit_log = dir.path().join("audit.log");
        let mut args = vec![
            "serve".to_owned(),
            "--socket".into(),
            socket.display().to_string(),
            "--key-file".into(),
            key_file.display().to_string(),
            "--audit-log".into(),
            audit_log.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let child = Command::new(BIN)
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("serve starts");
        let mut vault = Self {
            child: Some(child),
            dir,
            socket,
            key_file,
            audit_log,
            public_key,
        };
        vault.wait_for_socket();
        vault
    }

    fn wait_for_socket(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.socket.exists() {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                panic!("keyvault exited early: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "keyvault did not bind its socket"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // The socket exists once bound; give the process a moment to enter its sandbox.
        std::thread::sleep(Duration::from_millis(100));
    }

    pub fn pid(&self) -> i32 {
        self.child.as_ref().unwrap().id() as i32
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.as_mut().unwrap().try_wait().unwrap().is_none()
    }

    /// Sends SIGTERM and waits for the exit.
    pub fn stop(&mut self) -> ExitStatus {
        let mut child = self.child.take().unwrap();
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(child.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        )
        .unwrap();
        child.wait().unwrap()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for Keyvault {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A tarpc client on the keyvault's socket.
pub async fn connect(socket: &Path) -> VaultClient {
    let stream = UnixStream::connect(socket)
        .await
        .expect("connect to the keyvault");
    let transport =
        tarpc::serde_transport::new(Framed::new(stream, frame_codec()), Bincode::default());
    VaultClient::new(tarpc::client::Config::default(), transport).spawn()
}

/// A context with a 10-second deadline.
pub fn ctx() -> tarpc::context::Context {
    let mut context = tarpc::context::current();
    context.deadline = Instant::now() + Duration::from_secs(10);
    context
}

/// Runs one `#[ignore]`d test of the current test binary as user `nobody` (uid 65534), from a
/// copy of the binary that user can execute; returns the exit code.
pub fn run_as_nobody(vault: &Keyvault, test: &str, env: &[(&str, &str)]) -> Option<i32> {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let copy = vault.path("probe");
    std::fs::copy(std::env::current_exe().unwrap(), &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    Command::new(&copy)
        .args(["--ignored", "--exact", test, "--test-threads=1"])
        .envs(env.iter().copied())
        .uid(65534)
        .gid(65534)
        .stdout(Stdio::null())
        .status()
        .unwrap()
        .code()
}

/// A fresh ElGamal key pair of the kind a frontend makes per request: the secret scalar and
/// the compressed G1 public key.
pub fn ephemeral() -> (blstrs::Scalar, Vec<u8>) {
    use ff::Field;
    use group::Group;
    let esk = blstrs::Scalar::random(rand::rngs::OsRng);
    let enc_key = blstrs::G1Affine::from(blstrs::G1Projective::generator() * esk)
        .to_compressed()
        .to_vec();
    (esk, enc_key)
}

/// A derive request for `ids` under `key`, encrypted to `enc_key`.
pub fn derive(
    key: seal_protocol::vault::KeyRef,
    enc_key: &[u8],
    ids: Vec<Vec<u8>>,
) -> seal_protocol::vault::DeriveRequest {
    seal_protocol::vault::DeriveRequest {
        key,
        enc_key: enc_key.to_vec(),
        full_ids: ids,
    }
}
