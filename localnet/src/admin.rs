//! The admin surface: what tests and `seal dev` need to steer the local chain.
//!
//! The same operations are methods of [`Ledger`](crate::ledger::Ledger) for in-process tests;
//! out-of-process callers use these JSON endpoints on the emulator's port:
//!
//! | method and path | body | answer |
//! |---|---|---|
//! | `GET /admin/info` | — | chain id, clock, checkpoint, epoch, gas price, package ids |
//! | `POST /admin/fund` | `{"address": "0x…", "amount": 1000}` | `{"coin_id": "0x…"}` |
//! | `POST /admin/clock` | `{"set_ms": 1700000000000}` or `{"advance_ms": 60000}` | `{"timestamp_ms": …}` |
//! | `POST /admin/epoch` | `{"reference_gas_price": 1000}` | `{"epoch": …}` |
//! | `POST /admin/publish` | `{"package": "patterns", "owner": "0x…"}` | `{"package_id": "0x…", "upgrade_cap_id": "0x…", "created": [{"object_id", "object_type"}]}` |
//! | `POST /admin/upgrade` | `{"upgrade_cap_id": "0x…", "package": "patterns"}` | `{"package_id": "0x…"}` |
//!
//! Errors are `400` with `{"error": "…"}`. The emulator listens on loopback only.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sui_sdk_types::Address;

use crate::ledger::{SharedLedger, genesis_package_id};
use crate::natives::{NativePackage, packages};

/// The admin routes over `ledger`.
pub fn router(ledger: SharedLedger) -> Router {
    Router::new()
        .route("/admin/info", get(info))
        .route("/admin/fund", post(fund))
        .route("/admin/clock", post(clock))
        .route("/admin/epoch", post(epoch))
        .route("/admin/publish", post(publish))
        .route("/admin/upgrade", post(upgrade))
        .with_state(ledger)
}

/// What the admin surface tells about the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Info {
    /// Chain identifier.
    pub chain_id: String,
    /// Clock reading.
    pub timestamp_ms: u64,
    /// Latest checkpoint.
    pub checkpoint: u64,
    /// Current epoch.
    pub epoch: u64,
    /// Reference gas price.
    pub reference_gas_price: u64,
    /// The genesis `seal` package.
    pub seal_package_id: Address,
    /// The genesis `patterns` package.
    pub patterns_package_id: Address,
    /// What the genesis packages' `init` created (e.g. `subscription::PackageVersion`).
    pub genesis_objects: Vec<crate::publish::CreatedByInit>,
}

fn bad_request(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": message.into() })),
    )
        .into_response()
}

fn native(name: &str) -> Option<&'static NativePackage> {
    packages().into_iter().find(|p| p.name == name)
}

async fn info(State(ledger): State<SharedLedger>) -> Json<Info> {
    let ledger = ledger.lock();
    Json(Info {
        chain_id: ledger.chain_id().to_string(),
        timestamp_ms: ledger.timestamp_ms(),
        checkpoint: ledger.checkpoint(),
        epoch: ledger.epoch(),
        reference_gas_price: ledger.reference_gas_price(),
        seal_package_id: genesis_package_id("seal"),
        patterns_package_id: genesis_package_id("patterns"),
        genesis_objects: ledger.genesis_objects().to_vec(),
    })
}

#[derive(Deserialize)]
struct FundRequest {
    address: Address,
    amount: u64,
}

async fn fund(State(ledger): State<SharedLedger>, Json(request): Json<FundRequest>) -> Json<Value> {
    let coin = ledger.lock().fund(request.address, request.amount);
    Json(json!({ "coin_id": coin }))
}

#[derive(Deserialize)]
struct ClockRequest {
    set_ms: Option<u64>,
    advance_ms: Option<u64>,
}

async fn clock(State(ledger): State<SharedLedger>, Json(request): Json<ClockRequest>) -> Response {
    let mut ledger = ledger.lock();
    match (request.set_ms, request.advance_ms) {
        (Some(ms), None) => ledger.set_clock(ms),
        (None, Some(delta)) => ledger.advance_clock(delta),
        _ => return bad_request("give exactly one of set_ms and advance_ms"),
    }
    Json(json!({ "timestamp_ms": ledger.timestamp_ms() })).into_response()
}

#[derive(Deserialize)]
struct EpochRequest {
    reference_gas_price: u64,
}

async fn epoch(
    State(ledger): State<SharedLedger>,
    Json(request): Json<EpochRequest>,
) -> Json<Value> {
    let mut ledger = ledger.lock();
    ledger.new_epoch(request.reference_gas_price);
    Json(json!({ "epoch": ledger.epoch() }))
}

#[derive(Deserialize)]
struct PublishRequest {
    package: String,
    /// Who receives the UpgradeCap (default: the zero address, i.e. nobody can upgrade).
    #[serde(default)]
    owner: Option<Address>,
}

async fn publish(
    State(ledger): State<SharedLedger>,
    Json(request): Json<PublishRequest>,
) -> Response {
    let Some(native) = native(&request.package) else {
        return bad_request(format!("unknown native package {}", request.package));
    };
    let published = ledger
        .lock()
        .publish(native, request.owner.unwrap_or(Address::ZERO));
    Json(json!(published)).into_response()
}

#[derive(Deserialize)]
struct UpgradeRequest {
    upgrade_cap_id: Address,
    package: String,
}

async fn upgrade(
    State(ledger): State<SharedLedger>,
    Json(request): Json<UpgradeRequest>,
) -> Response {
    let Some(native) = native(&request.package) else {
        return bad_request(format!("unknown native package {}", request.package));
    };
    match ledger.lock().upgrade(request.upgrade_cap_id, native) {
        Ok(id) => Json(json!({ "package_id": id })).into_response(),
        Err(problem) => bad_request(problem),
    }
}
