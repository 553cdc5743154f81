//! User keys, key ids of the patterns, and key-server registration.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use seal_client::chain::Chain;
use seal_protocol::Address;
use sui_crypto::ed25519::Ed25519PrivateKey;
use sui_sdk_types::{Argument, Command, Identifier, Input, MoveCall, ProgrammableTransaction};

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
            let pure = |bytes: Vec<u8>| Input::Pure(bytes);
            let encode = |value: &str| bcs::to_bytes(value).unwrap_or_default();
            let inputs = vec![
                pure(encode(&name)),
                pure(encode(&url)),
                pure(vec![0]),
                pure(bcs::to_bytes(&pk).unwrap_or_default()),
            ];
            let function = if v2 {
                "create_and_transfer_v2_independent_server"
            } else {
                "create_and_transfer_v1"
            };
            let call = MoveCall {
                package: seal_package,
                module: Identifier::from_static("key_server"),
                function: Identifier::new(function).map_err(|e| e.to_string())?,
                type_arguments: vec![],
                arguments: (0..4).map(Argument::Input).collect(),
            };
            let ptb = ProgrammableTransaction {
                inputs,
                commands: vec![Command::MoveCall(call)],
            };
            let mut chain = Chain::new(&node).map_err(|e| e.to_string())?;
            let created = chain
                .execute(&signer, ptb)
                .await
                .map_err(|e| e.to_string())?;
            for id in created {
                println!("{id}");
            }
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
