//! `seal encrypt` and `seal decrypt`.

use std::io::{Read, Write};
use std::path::PathBuf;

use seal_client::chain::Chain;
use seal_client::demo::now_ms;
use seal_client::fetch::fetch_keys;
use seal_client::ptb::seal_approve;
use seal_client::seal::{Dem, KeyServerKey, decrypt as seal_decrypt, encrypt as seal_encrypt};
use seal_client::session::SessionKey;
use seal_protocol::Address;
use seal_protocol::encrypted_object::EncryptedObject;

fn read_input(path: &Option<PathBuf>) -> Result<Vec<u8>, String> {
    let mut data = Vec::new();
    match path {
        Some(path) if path.as_os_str() != "-" => {
            data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?
        }
        _ => {
            std::io::stdin()
                .read_to_end(&mut data)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(data)
}

fn write_output(path: &Option<PathBuf>, data: &[u8]) -> Result<(), String> {
    match path {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::write(path, data).map_err(|e| format!("{}: {e}", path.display()))
        }
        _ => std::io::stdout().write_all(data).map_err(|e| e.to_string()),
    }
}

/// Options of `seal encrypt`.
#[derive(Debug, clap::Args)]
pub struct EncryptArgs {
    /// Fullnode gRPC URL (key servers are read from chain).
    #[arg(long)]
    node: String,
    /// The policy package (its first version).
    #[arg(long)]
    package: Address,
    /// The key id inside the package, hex (see `seal id`).
    #[arg(long)]
    id: String,
    /// A key-server object id (repeatable; repeat one to give it more weight).
    #[arg(long = "key-server", required = true)]
    key_servers: Vec<Address>,
    /// Key servers needed to decrypt (default: all of them, at most 2).
    #[arg(long)]
    threshold: Option<u8>,
    /// `aes` (default) or `hmac` (decryptable on chain).
    #[arg(long, default_value = "aes")]
    dem: String,
    /// Associated data, hex.
    #[arg(long)]
    aad: Option<String>,
    /// Input file (default: standard input).
    #[arg(long = "in")]
    input: Option<PathBuf>,
    /// Output file (default: standard output).
    #[arg(long = "out")]
    output: Option<PathBuf>,
}

/// Encrypts.
pub async fn encrypt(args: EncryptArgs) -> Result<(), String> {
    let id = hex::decode(args.id.trim_start_matches("0x")).map_err(|_| "--id is not hex")?;
    let aad = args
        .aad
        .map(|a| hex::decode(a.trim_start_matches("0x")))
        .transpose()
        .map_err(|_| "--aad is not hex")?;
    let dem = match args.dem.as_str() {
        "aes" => Dem::Aes256Gcm,
        "hmac" => Dem::Hmac256Ctr,
        other => return Err(format!("--dem {other}: use aes or hmac")),
    };
    let mut chain = Chain::new(&args.node).map_err(|e| e.to_string())?;
    let mut servers = Vec::new();
    for id in &args.key_servers {
        let endpoint = chain.key_server(*id).await.map_err(|e| e.to_string())?;
        servers.push(KeyServerKey {
            object_id: endpoint.object_id,
            public_key: endpoint.public_key,
        });
    }
    let threshold = args.threshold.unwrap_or(servers.len().min(2) as u8);
    let plaintext = read_input(&args.input)?;
    let (object, _) = seal_encrypt(
        args.package,
        &id,
        &servers,
        threshold,
        &plaintext,
        aad.as_deref(),
        dem,
        &mut rand::rngs::OsRng,
    )
    .map_err(|e| e.to_string())?;
    write_output(&args.output, &object.to_bytes().map_err(|e| e.to_string())?)
}

/// Options of `seal decrypt`.
#[derive(Debug, clap::Args)]
pub struct DecryptArgs {
    /// Fullnode gRPC URL.
    #[arg(long)]
    node: String,
    /// The user's key (`seal keygen`).
    #[arg(long)]
    key: PathBuf,
    /// The policy module whose `seal_approve` grants access (e.g. `tle`, `account_based`).
    #[arg(long)]
    module: String,
    /// Object arguments of `seal_approve` after the id, in order (e.g. `0x6` for the clock).
    #[arg(long = "object")]
    objects: Vec<Address>,
    /// Call this package version instead of the object's (for upgraded policies).
    #[arg(long)]
    package: Option<Address>,
    /// Input file (default: standard input).
    #[arg(long = "in")]
    input: Option<PathBuf>,
    /// Output file (default: standard output).
    #[arg(long = "out")]
    output: Option<PathBuf>,
}

/// What fetching for an object produced.
struct Fetched {
    object: EncryptedObject,
    endpoints: Vec<seal_client::fetch::KeyServerEndpoint>,
    keys: std::collections::BTreeMap<Address, seal_client::fetch::ServerKeys>,
}

/// Reads the object, builds the policy call, and fetches its keys as the user.
async fn fetch_for_object(args: &DecryptArgs) -> Result<Fetched, String> {
    let object =
        EncryptedObject::from_bytes(&read_input(&args.input)?).map_err(|e| e.to_string())?;
    let user = crate::keys::read_key(&args.key)?;
    let mut chain = Chain::new(&args.node).map_err(|e| e.to_string())?;
    let mut endpoints: Vec<seal_client::fetch::KeyServerEndpoint> = Vec::new();
    for (server, _) in &object.services {
        if !endpoints.iter().any(|e| e.object_id == *server) {
            endpoints.push(chain.key_server(*server).await.map_err(|e| e.to_string())?);
        }
    }
    let mut objects = Vec::new();
    for id in &args.objects {
        objects.push(chain.object_input(*id).await.map_err(|e| e.to_string())?);
    }
    let package = args.package.unwrap_or(object.package_id);
    let ptb = seal_approve(package, &args.module, &object.id, objects)
        .map_err(|e| e.to_string())?
        .finish();
    let mut session = SessionKey::new(
        user.public_key().derive_address(),
        object.package_id,
        10,
        now_ms(),
    )
    .map_err(|e| e.to_string())?;
    session.sign_with(&user).map_err(|e| e.to_string())?;
    let (request, secret) = session.request(&ptb).map_err(|e| e.to_string())?;
    let full_id = object.full_id();
    // A server listed several times (weight) counts once here; ask for as many as needed.
    let threshold = usize::from(object.threshold).min(endpoints.len());
    let keys = fetch_keys(
        &reqwest::Client::new(),
        &endpoints,
        &request,
        &secret,
        std::slice::from_ref(&full_id),
        threshold,
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(Fetched {
        object,
        endpoints,
        keys,
    })
}

/// Decrypts.
pub async fn decrypt(args: DecryptArgs) -> Result<(), String> {
    let fetched = fetch_for_object(&args).await?;
    let full_id = fetched.object.full_id();
    let derived: Vec<_> = fetched
        .keys
        .iter()
        .filter_map(|(server, keys)| Some((*server, *keys.get(&full_id)?)))
        .collect();
    let public_keys: Vec<_> = fetched
        .endpoints
        .iter()
        .map(|e| (e.object_id, e.public_key))
        .collect();
    let plaintext =
        seal_decrypt(&fetched.object, &derived, Some(&public_keys)).map_err(|e| e.to_string())?;
    write_output(&args.output, &plaintext)
}

/// Prints the fetched keys as JSON.
pub async fn fetch_keys_command(args: DecryptArgs) -> Result<(), String> {
    let fetched = fetch_for_object(&args).await?;
    let json: serde_json::Map<String, serde_json::Value> = fetched
        .keys
        .iter()
        .map(|(server, keys)| {
            let keys: serde_json::Map<String, serde_json::Value> = keys
                .iter()
                .map(|(id, key)| {
                    (
                        hex::encode(id),
                        serde_json::Value::String(hex::encode(key.to_bytes())),
                    )
                })
                .collect();
            (server.to_string(), serde_json::Value::Object(keys))
        })
        .collect();
    write_output(
        &args.output,
        format!("{}\n", serde_json::Value::Object(json)).as_bytes(),
    )
}
