//! # seal-keyvault
//!
//! The only process that holds Seal master keys. It answers four questions over a Unix socket
//! (the `Vault` trait of `seal-protocol`): which public keys it serves, a proof of possession for
//! a key-server object, ElGamal-encrypted derived keys for a batch of ids, and its status. It
//! never reveals a master key or a derived key in the clear.
//!
//! Reading order for auditors:
//! 1. [`keys`]: the key ring: how keys are loaded, where they live, what is computed with them.
//! 2. [`memory`]: the one module with `unsafe` code (locking the key page in RAM).
//! 3. [`service`]: every RPC, with the checks it makes before touching a key.
//! 4. [`server`]: the socket, peer-credential checks, framing and connection limits.
//! 5. [`sandbox`] and `seccomp/keyvault.json`: the system calls left once serving starts.
//! 6. [`budget`] and [`audit`]: how fast keys can leave, and the trail they leave.

#![deny(unsafe_code)]

pub mod audit;
pub mod budget;
pub mod cli;
pub mod commands;
mod error;
pub mod frames;
pub mod keyfile;
pub mod keys;
pub mod memory;
pub mod pool;
pub mod sandbox;
pub mod server;
pub mod service;

pub use error::Error;
