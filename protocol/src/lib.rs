//! # seal-protocol
//!
//! Everything that two parties of a Seal key-server conversation must agree on, byte for byte,
//! and nothing else: no I/O, no secrets, no clocks. The frontend, the keyvault, the local chain
//! emulator and the client all depend on this crate, so a format is defined exactly once.
//!
//! | module | what it fixes |
//! |---|---|
//! | [`api`] | JSON bodies of `/v1/fetch_key`, `/v1/service`, `/health`; error kinds and statuses; SDK headers |
//! | [`certificate`] | the personal message a wallet signs, the BCS request a session key signs |
//! | [`ptb`] | validity rules for the `ptb` field and the key-id (full id) layout |
//! | [`crypto`] | BLS12-381 encodings, hash-to-G1 with Seal's prefixes, pairing checks, ElGamal ciphertexts, the IBE KDF |
//! | [`onchain`] | BCS layouts of `KeyServer` objects and their dynamic fields |
//! | [`encrypted_object`] | the BCS `EncryptedObject` a Seal ciphertext travels in |
//! | [`vault`] | the tarpc `Vault` service between frontend and keyvault, with its limits |
//!
//! Facts come from the Seal protocol description kept with the project docs (section numbers
//! such as "§3.1" in comments refer to it); known-answer tests cite the official source of each
//! vector.
//!
//! Every decoder returns [`Error`] (or the PTB-specific [`ptb::PtbError`]) on bad input and never
//! panics; property tests hold each decoder to that.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub mod certificate;
pub mod crypto;
pub mod encoding;
pub mod encrypted_object;
mod error;
pub mod onchain;
pub mod ptb;
pub mod vault;

pub use error::{Error, Group};
pub use sui_sdk_types::Address;
