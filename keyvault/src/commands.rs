//! The four subcommands, each a plain function of its arguments.

use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use blstrs::Scalar;
use ff::Field;
use rand::RngCore;
use rand::rngs::OsRng;
use seal_protocol::vault::KeyRef;
use zeroize::Zeroizing;

use crate::Error;
use crate::audit::AuditTrail;
use crate::budget::Budget;
use crate::cli::{Mode, ServeArgs};
use crate::keyfile::{self, KeySource, SecretBytes};
use crate::keys::{KeyRing, derive_master_key};
use crate::pool::CryptoPool;
use crate::server::{AccessPolicy, SocketGuard};
use crate::service::Shared;

/// Derivation indices whose public keys `keygen --mode permissioned` prints.
const KEYGEN_INDICES: std::ops::Range<u64> = 0..10;

fn public_key_hex(ring: &KeyRing, key: KeyRef) -> String {
    ring.public_keys()
        .iter()
        .find(|info| info.key == key)
        .map(|info| format!("0x{}", hex::encode(info.public_key.to_bytes())))
        .unwrap_or_default()
}

/// `keygen`: a new key file, and its public key(s) on standard output.
pub fn keygen(mode: Mode, out: &std::path::Path) -> Result<(), Error> {
    let secret: SecretBytes = match mode {
        Mode::Open => Zeroizing::new(Scalar::random(OsRng).to_bytes_be()),
        Mode::Permissioned => {
            let mut seed = Zeroizing::new([0u8; 32]);
            OsRng.fill_bytes(seed.as_mut_slice());
            seed
        }
    };
    keyfile::write_new_key_file(out, &secret)?;
    let mut ring = KeyRing::new()?;
    let mut text = String::new();
    match mode {
        Mode::Open => {
            ring.insert(KeyRef::Master, &secret)?;
            text = public_key_hex(&ring, KeyRef::Master) + "\n";
        }
        Mode::Permissioned => {
            for index in KEYGEN_INDICES {
                ring.insert(KeyRef::Derived(index), &derive_master_key(&secret, index))?;
                text += &format!(
                    "{index} {}\n",
                    public_key_hex(&ring, KeyRef::Derived(index))
                );
            }
        }
    }
    print_stdout(&text)
}

/// Writes to standard output; a closed pipe is an error, not a panic.
fn print_stdout(text: &str) -> Result<(), Error> {
    use std::io::Write;
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| Error::io("writing to standard output", e))
}

fn file_source(arg: &str) -> KeySource {
    let credentials = std::env::var_os("CREDENTIALS_DIRECTORY").map(std::path::PathBuf::from);
    KeySource::File(keyfile::resolve_key_path(arg, credentials.as_deref()))
}

/// Loads the keys to serve into a fresh ring; the seed (permissioned) does not outlive this.
fn load_ring(source: &KeySource, mode: Mode, indices: &[u64]) -> Result<KeyRing, Error> {
    let text = keyfile::read_key_text(source)?;
    let mut ring = KeyRing::new()?;
    match mode {
        Mode::Open => ring.insert(
            KeyRef::Master,
            &keyfile::parse_master_scalar(&text, source)?,
        )?,
        Mode::Permissioned => {
            let seed = keyfile::parse_seed(&text, source)?;
            for &index in indices {
                ring.insert(KeyRef::Derived(index), &derive_master_key(&seed, index))?;
            }
        }
    }
    Ok(ring)
}

/// `public-key`: prints `0x` + hex of the public key.
pub fn public_key(key_file: &str, derivation_index: Option<u64>) -> Result<(), Error> {
    let source = file_source(key_file);
    let (mode, indices, key) = match derivation_index {
        Some(index) => (Mode::Permissioned, vec![index], KeyRef::Derived(index)),
        None => (Mode::Open, vec![], KeyRef::Master),
    };
    let ring = load_ring(&source, mode, &indices)?;
    print_stdout(&(public_key_hex(&ring, key) + "\n"))
}

/// `verify-audit`: exit status 0 and a summary if the chain holds.
pub fn verify_audit(file: &std::path::PathBuf) -> Result<(), Error> {
    let (lines, head) = crate::audit::verify_file(file)?;
    print_stdout(&format!("ok: {lines} lines, head {head}\n"))
}

/// A uid given as a number or a user name.
fn resolve_uid(text: &str) -> Result<u32, Error> {
    if let Ok(uid) = text.parse() {
        return Ok(uid);
    }
    match nix::unistd::User::from_name(text) {
        Ok(Some(user)) => Ok(user.uid.as_raw()),
        _ => Err(Error::Config(format!("--allow-uid {text}: no such user"))),
    }
}

/// `serve`: loads keys, binds, sandboxes itself and serves until SIGTERM/SIGINT.
pub fn serve(args: &ServeArgs) -> Result<(), Error> {
    crate::memory::harden_process()?;
    let source = match (&args.key_file, &args.key_env) {
        (Some(file), _) => file_source(file),
        (None, Some(var)) if args.dev => KeySource::Env(var.clone()),
        _ => {
            return Err(Error::Config(
                "give --key-file (or --key-env with --dev)".into(),
            ));
        }
    };
    match (args.mode, args.derivation_indices.is_empty()) {
        (Mode::Open, false) => {
            return Err(Error::Config(
                "--derivation-index needs --mode permissioned".into(),
            ));
        }
        (Mode::Permissioned, true) => {
            return Err(Error::Config(
                "permissioned mode needs at least one --derivation-index".into(),
            ));
        }
        _ => {}
    }
    let ring = load_ring(&source, args.mode, &args.derivation_indices)?;
    crate::memory::scrub_stack();
    let public_keys = ring.public_keys().to_vec();

    let audit = match &args.audit_log {
        Some(path) => AuditTrail::open(path)?,
        None => AuditTrail::stderr(),
    };
    let policy = AccessPolicy {
        allow_uids: match args.allow_uids.is_empty() {
            true => vec![nix::unistd::getuid().as_raw()],
            false => args
                .allow_uids
                .iter()
                .map(|u| resolve_uid(u))
                .collect::<Result<_, _>>()?,
        },
        max_connections: args.max_connections.max(1),
    };
    let pool = CryptoPool::start(Arc::new(ring), args.crypto_threads, 64)
        .map_err(|e| Error::io("starting crypto threads", e))?;
    let shared = Arc::new(Shared {
        public_keys,
        pool,
        budget: Mutex::new(Budget::new(
            args.budget_rate,
            args.budget_burst,
            Instant::now(),
        )?),
        audit: Mutex::new(audit),
        started: Instant::now(),
        derived_ids: AtomicU64::new(0),
        throttled_calls: AtomicU64::new(0),
        audit_to_file: args.audit_log.is_some(),
    });

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting the runtime", e))?;
    runtime.block_on(async {
        use tokio::signal::unix::{SignalKind, signal};
        let listener = crate::server::bind(&args.socket)?;
        let _socket = SocketGuard(args.socket.clone());
        let mut sigterm =
            signal(SignalKind::terminate()).map_err(|e| Error::io("SIGTERM handler", e))?;
        let mut sigint =
            signal(SignalKind::interrupt()).map_err(|e| Error::io("SIGINT handler", e))?;
        crate::sandbox::install()?;
        tracing::info!(
            socket = %args.socket.display(),
            keys = ?shared.public_keys.iter().map(|k| k.key.to_string()).collect::<Vec<_>>(),
            allow_uids = ?policy.allow_uids,
            "keyvault serving (sandboxed)"
        );
        let shutdown = async {
            tokio::select! {
                _ = sigterm.recv() => {}
                _ = sigint.recv() => {}
            }
        };
        crate::server::run(listener, shared, policy, shutdown).await;
        tracing::info!("keyvault stopping");
        Ok(())
    })
}
