//! # seal-localnet
//!
//! A local stand-in for a Sui fullnode, so that the whole Seal stack runs and is tested on one
//! machine with no network. It serves the part of the `sui.rpc.v2` gRPC API (and gRPC-web, as
//! browsers and `@mysten/sui` use it) that the key server, our client and the official
//! TypeScript SDK call, using the server traits generated in the `sui-rpc` crate, so that their
//! production code paths run against it unchanged.
//!
//! | module | role |
//! |---|---|
//! | [`ledger`] | the object store, checkpoints, epoch and reference gas price |
//! | [`clock`] | the `0x6` clock object, real-time or manually driven |
//! | [`genesis`] | the objects the chain starts with, at deterministic ids |
//! | [`exec`] | programmable transactions: checks, gas, commands, effects |
//! | [`natives`] | Rust implementations of the Move packages, with their layouts and abort codes |
//! | [`rpc`] | the gRPC services, rendering objects through read masks |
//! | [`server`] | gRPC, gRPC-web and the admin routes on one port, until shutdown |
//! | [`admin`] | funding, clock, epochs, publishing and upgrading packages |
//! | [`publish`] | packages published with an `UpgradeCap`, upgraded through it |
//!
//! Production never uses this crate: the frontend simply points at a real fullnode.

#![forbid(unsafe_code)]

pub mod admin;
pub mod clock;
pub mod exec;
pub mod genesis;
pub mod ledger;
pub mod natives;
pub mod publish;
pub mod rpc;
pub mod server;
