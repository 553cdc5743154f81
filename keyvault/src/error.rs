//! Errors of the keyvault process (start-up, configuration, I/O). RPC callers never see these:
//! they get `seal_protocol::vault::VaultError`. No variant carries key bytes.

use std::path::PathBuf;

/// Why the keyvault could not start, or a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The key file could not be read or written.
    #[error("key file {path}: {source}")]
    KeyFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The key material is malformed; `problem` says how, never what the bytes were.
    #[error("key material from {origin}: {problem}")]
    KeyFormat {
        /// Where the key came from (a path or an environment variable name).
        origin: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// `keygen` never overwrites.
    #[error("refusing to overwrite existing file {0}")]
    KeyFileExists(PathBuf),
    /// Options that do not fit together or values out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A process-hardening step failed (memory locking, dumpability, core limit).
    #[error("hardening step failed: {what}: {errno}")]
    Hardening {
        /// The step.
        what: &'static str,
        /// The system's answer.
        errno: nix::errno::Errno,
    },
    /// The seccomp filter could not be compiled or installed.
    #[error("seccomp: {0}")]
    Seccomp(String),
    /// The audit trail could not be opened, written or verified.
    #[error("audit trail {path}: {problem}")]
    Audit {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// Other I/O (socket, runtime).
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Error {
    pub(crate) fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            what: what.into(),
            source,
        }
    }
}
