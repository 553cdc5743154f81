//! # seal-client
//!
//! Seal for applications that encrypt and decrypt: the `EncryptedObject` format with both
//! DEMs, Shamir secret sharing over GF(256), and IBE encryption to a set of key servers.
//! Everything is checked against the official known-answer vectors (protocol doc §7.3–§7.5).
//!
//! | module | what |
//! |---|---|
//! | [`chain`] | key-server records, object inputs and transactions on a fullnode |
//! | [`ptb`] | building programmable transactions |
//! | [`gf256`] | the AES field GF(2^8) |
//! | [`shamir`] | splitting a 32-byte secret into shares and combining them (§4.7) |
//! | [`dem`] | AES-256-GCM with Seal's fixed 16-byte IV, and HMAC-SHA3-256 counter mode (§4.9) |
//! | [`seal`] | encryption to key servers and decryption with derived keys (§4.8, §4.11) |
//! | [`session`] | session keys, certificates, signed requests |
//! | [`fetch`] | asking key servers, with a threshold, verifying every key |
//! | [`dev`] | the whole stack as local processes (`seal dev`, test clusters) |
//! | [`demo`] | `seal dev --demo`: a round trip and two refusals |

#![forbid(unsafe_code)]

pub mod chain;
pub mod dem;
pub mod demo;
pub mod dev;
mod error;
mod executed;
pub mod fetch;
pub mod gf256;
pub mod ptb;
pub mod seal;
pub mod session;
pub mod shamir;

pub use error::Error;
