//! Command-line interface.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::budget::{DEFAULT_BURST, DEFAULT_RATE};

/// The sandboxed holder of Seal master keys.
///
/// It serves the frontend over a Unix socket and does nothing else: no network, no files
/// opened after start-up, a seccomp allowlist, locked key memory, an extraction budget and a
/// hash-chained audit trail.
#[derive(Debug, Parser)]
#[command(name = "seal-keyvault", version)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Key modes of the official key server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Mode {
    /// One master key serves every package.
    Open,
    /// A seed; one derived key per client, by derivation index.
    Permissioned,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a master key (open) or a seed (permissioned) in a new file (mode 0600) and print
    /// the public key(s).
    Keygen {
        /// Open: a master scalar. Permissioned: a 32-byte seed; prints the keys of indices 0..9.
        #[arg(long, value_enum)]
        mode: Mode,
        /// The file to create; never overwritten.
        #[arg(long)]
        out: PathBuf,
    },
    /// Print the public key (`0x` + 96-byte compressed G2 point) of a key file.
    PublicKey {
        /// Key file, or a credential name in `$CREDENTIALS_DIRECTORY`.
        #[arg(long)]
        key_file: String,
        /// Treat the file as a permissioned seed and print the key of this index.
        #[arg(long)]
        derivation_index: Option<u64>,
    },
    /// Serve the Vault RPC on a Unix socket until SIGTERM or SIGINT.
    Serve(ServeArgs),
    /// Check an audit trail's hash chain; names the first broken line.
    VerifyAudit {
        /// The trail file.
        file: PathBuf,
    },
}

/// Options of `serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Path of the Unix socket to create (mode 0660), in a directory the operator controls.
    #[arg(long)]
    pub socket: PathBuf,
    /// Key file, or a credential name in `$CREDENTIALS_DIRECTORY` (systemd LoadCredential=).
    #[arg(long, required_unless_present = "key_env", conflicts_with = "key_env")]
    pub key_file: Option<String>,
    /// Read the key from this environment variable instead; only with --dev.
    #[arg(long, requires = "dev")]
    pub key_env: Option<String>,
    /// Development mode: allows --key-env.
    #[arg(long)]
    pub dev: bool,
    /// Open (one master key) or permissioned (a seed and allowed derivation indices).
    #[arg(long, value_enum, default_value = "open")]
    pub mode: Mode,
    /// Permissioned mode: a derivation index this keyvault serves (repeatable). Keys of other
    /// indices are never derived.
    #[arg(long = "derivation-index")]
    pub derivation_indices: Vec<u64>,
    /// A peer allowed to connect, by uid or user name (repeatable). Default: the keyvault's own
    /// uid. Names are resolved once at start-up.
    #[arg(long = "allow-uid")]
    pub allow_uids: Vec<String>,
    /// Append the audit trail to this file (created 0600); default: standard error.
    #[arg(long)]
    pub audit_log: Option<PathBuf>,
    /// Extraction budget: derived ids per second.
    #[arg(long, default_value_t = DEFAULT_RATE)]
    pub budget_rate: u32,
    /// Extraction budget: most ids derivable at once after idling (at least 100).
    #[arg(long, default_value_t = DEFAULT_BURST)]
    pub budget_burst: u32,
    /// Connections served at once.
    #[arg(long, default_value_t = 16)]
    pub max_connections: usize,
    /// Threads doing the group arithmetic.
    #[arg(long, default_value_t = 2)]
    pub crypto_threads: usize,
}
