//! # seal-frontend
//!
//! The process the internet talks to. It answers exactly like the official Seal key server
//! (`POST /v1/fetch_key`, `GET /v1/service`, `GET /health`) while holding no key material:
//! every derived key is produced by the keyvault, ElGamal-encrypted to the requester.
//!
//! | module | role |
//! |---|---|
//! | [`config`] | the YAML configuration, validated at start-up |
//! | [`state`] | start-up: fullnode, keyvault, on-chain key check, proofs of possession |
//! | [`server`] | routes, middleware, error bodies |
//! | [`headers`] | SDK-version checks in, key-server headers out |
//! | [`pipeline`] | the fetch-key checks, cheap first |
//! | [`signatures`] | user signatures in every Sui scheme |
//! | [`dry_run`] | the staleness check, the simulation and its verdict |
//! | [`chain`] | the fullnode client: timeouts, retries, caches |
//! | [`vault_client`] | the reconnecting keyvault client |
//! | [`metrics`] | Prometheus metrics with the official names |

#![forbid(unsafe_code)]

pub mod chain;
pub mod config;
pub mod dry_run;
pub mod headers;
pub mod metrics;
pub mod pipeline;
pub mod server;
pub mod signatures;
pub mod state;
pub mod vault_client;
