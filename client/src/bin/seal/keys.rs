//! User keys, key ids of the patterns, and key-server registration.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use seal_client::chain::Chain;
use seal_protocol::Address;
use sui_crypto::ed25519::Ed25519PrivateKey;

/// Writes a new user key (hex of the 32-byte Ed25519 secret) and prints its address.
pub fn keygen(out: &Path) -> Result<(), String> {
    let mut secret = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
    let key = Ed25519PrivateKey::new(secret);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(out)
        .map_err(|e| format!("{}: {e}", out.display()))?;
    file.write_all(format!("0x{}\n", hex::encode(secret)).as_bytes())
        .map_err(|e| e.to_string())?;
    secret.fill(0);
    println!("{}", key.public_key().derive_address());
    Ok(())
}

/// Reads a user key written by `keygen`.
pub fn read_key(path: &Path) -> Result<Ed25519PrivateKey, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let bytes = hex::decode(text.trim().trim_start_matches("0x"))
        .map_err(|_| format!("{}: not a hex key", path.display()))?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| format!("{}: not a 32-byte key", path.display()))?;
    Ok(Ed25519PrivateKey::new(bytes))
}

/// Key ids.
#[derive(Debug, clap::Subcommand)]
pub enum IdCommand {
    /// Time-lock: the BCS of a time in milliseconds since the epoch.
    Tle {
        /// The time, in ms since the Unix epoch.
        #[arg(long, conflicts_with = "in_secs")]
        at_ms: Option<u64>,
        /// Or: this many seconds from now (negative: in the past).
        #[arg(long, allow_hyphen_values = true)]
        in_secs: Option<i64>,
    },
    /// Account-based: the BCS of an address (32 bytes).
    Account {
        /// The address.
        #[arg(long)]
        address: Address,
    },
    /// An id under an object (whitelist, subscription service, private data creator): the
    /// object id followed by a nonce.
    Under {
        /// The object (or address) whose ids these are.
        #[arg(long)]
        object: Address,
        /// Any bytes, hex, that tell the ids under it apart.
        #[arg(long, default_value = "")]
        nonce: String,
    },
}

/// Prints a key id as hex.
pub fn id(command: IdCommand) -> Result<(), String> {
    let bytes = match command {
        IdCommand::Tle { at_ms, in_secs } => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| e.to_string())?
                .as_millis() as i64;
            let time = match (at_ms, in_secs) {
                (Some(ms), None) => ms,
                (None, Some(secs)) => {
                    u64::try_from(now + secs * 1000).map_err(|_| "that time is before 1970")?
                }
                _ => return Err("give --at-ms or --in-secs".into()),
            };
            time.to_le_bytes().to_vec()
        }
        IdCommand::Account { address } => address.as_bytes().to_vec(),
        IdCommand::Under { object, nonce } => {
            let nonce =
                hex::decode(nonce.trim_start_matches("0x")).map_err(|_| "--nonce is not hex")?;
            [object.as_bytes(), nonce.as_slice()].concat()
        }
    };
    println!("{}", hex::encode(bytes));
    Ok(())
}

/// Key-server commands.
#[derive(Debug, clap::Subcommand)]
pub enum KeyServerCommand {
    /// Register a key server (a `KeyServer` object with a V1 or V2 record) owned by the key's address.
    Register {
        /// Fullnode gRPC URL.
        #[arg(long)]
        node: String,
        /// The `seal` package id on that chain.
        #[arg(long)]
        seal_package: Address,
        /// The operator's user key (pays gas, owns the object).
        #[arg(long)]
        key: std::path::PathBuf,
        /// Display name.
        #[arg(long)]
        name: String,
        /// The server's base URL.
        #[arg(long)]
        url: String,
        /// Its public key, `0x` + 96-byte hex (`seal-keyvault public-key`).
        #[arg(long)]
        public_key: String,
        /// Register with a V2 (independent server) record instead of V1.
        #[arg(long)]
        v2: bool,
    },
    /// Show a key server's URL and public key as clients read them.
    Show {
        /// Fullnode gRPC URL.
        #[arg(long)]
        node: String,
        /// The key-server object id.
        id: Address,
    },
}

/// Runs a key-server command.
pub async fn key_server(command: KeyServerCommand) -> Result<(), String> {
    match command {
        KeyServerCommand::Register {
            node,
            seal_package,
            key,
            name,
            url,
            public_key,
            v2,
        } => {
            let signer = read_key(&key)?;
            let pk = hex::decode(public_key.trim_start_matches("0x"))
                .map_err(|_| "--public-key is not hex")?;
            let pk = seal_protocol::crypto::G2Point::from_bytes(&pk)
                .map_err(|e| format!("--public-key: {e}"))?;
            let mut chain = Chain::new(&node).map_err(|e| e.to_string())?;
            let id = chain
                .register_key_server(&signer, seal_package, &name, &url, &pk, v2)
                .await
                .map_err(|e| e.to_string())?;
            println!("{id}");
            Ok(())
        }
        KeyServerCommand::Show { node, id } => {
            let mut chain = Chain::new(&node).map_err(|e| e.to_string())?;
            let server = chain.key_server(id).await.map_err(|e| e.to_string())?;
            println!(
                "url {}\npublic key 0x{}",
                server.url,
                hex::encode(server.public_key.to_bytes())
            );
            Ok(())
        }
    }
}
