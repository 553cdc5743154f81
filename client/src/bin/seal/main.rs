//! `seal`: the command line of the Seal client. Every command works against any fullnode URL
//! (local or real) and the key servers registered there; `seal dev` runs a local stack.

#![forbid(unsafe_code)]

mod crypt;
mod dev;
mod keys;
mod patterns;

use clap::{Parser, Subcommand};

/// Seal on the command line: keys, ids, encryption, decryption, key servers, a local stack.
#[derive(Debug, Parser)]
#[command(
    name = "seal",
    version,
    after_help = "Start with `seal dev` for a local chain and key server, then follow the commands it prints."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the whole stack on this machine until Ctrl-C (see `seal dev --help`).
    Dev(dev::DevArgs),
    /// Create a user key (Ed25519) in a new file (mode 0600) and print its address.
    Keygen {
        /// The file to create.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Key ids of the patterns, as hex for `--id`.
    #[command(subcommand)]
    Id(keys::IdCommand),
    /// Encrypt a file (or stdin) for a package and id, to key servers.
    Encrypt(crypt::EncryptArgs),
    /// Decrypt a file (or stdin): fetch keys as the user, through the policy's `seal_approve`.
    Decrypt(crypt::DecryptArgs),
    /// Fetch (and verify) the derived keys an encrypted object needs, printed as JSON
    /// `{server: {full id: key}}` in hex; same options as `decrypt`.
    FetchKeys(crypt::DecryptArgs),
    /// Key servers on chain.
    #[command(subcommand)]
    KeyServer(keys::KeyServerCommand),
    /// Whitelists of the `patterns` package: create one, add and remove addresses.
    #[command(subcommand)]
    Whitelist(patterns::WhitelistCommand),
    /// Subscriptions of the `patterns` package: create a service, subscribe to one.
    #[command(subcommand)]
    Subscription(patterns::SubscriptionCommand),
}

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => return fail(err),
    };
    let result = runtime.block_on(async {
        match Cli::parse().command {
            Command::Dev(args) => dev::run(args).await,
            Command::Keygen { out } => keys::keygen(&out),
            Command::Id(command) => keys::id(command),
            Command::Encrypt(args) => crypt::encrypt(args).await,
            Command::Decrypt(args) => crypt::decrypt(args).await,
            Command::FetchKeys(args) => crypt::fetch_keys_command(args).await,
            Command::KeyServer(command) => keys::key_server(command).await,
            Command::Whitelist(command) => patterns::whitelist(command).await,
            Command::Subscription(command) => patterns::subscription(command).await,
        }
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => fail(err),
    }
}

fn fail(message: impl std::fmt::Display) -> std::process::ExitCode {
    eprintln!("seal: {message}");
    std::process::ExitCode::FAILURE
}
