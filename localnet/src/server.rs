//! gRPC, gRPC-web and the admin endpoints on one listener.
//!
//! `@mysten/sui`'s `SuiGrpcClient` speaks gRPC-web (binary or base64 text) over HTTP/1.1; Rust
//! clients speak gRPC over HTTP/2. `tonic-web` translates the former, so one port serves both,
//! and the JSON admin routes ([`crate::admin`]) share it.

use std::future::Future;

use sui_rpc::proto::sui::rpc::v2::ledger_service_server::LedgerServiceServer;
use sui_rpc::proto::sui::rpc::v2::move_package_service_server::MovePackageServiceServer;
use sui_rpc::proto::sui::rpc::v2::signature_verification_service_server::SignatureVerificationServiceServer;
use sui_rpc::proto::sui::rpc::v2::state_service_server::StateServiceServer;
use sui_rpc::proto::sui::rpc::v2::transaction_execution_service_server::TransactionExecutionServiceServer;
use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::transport::server::TcpIncoming;

use crate::ledger::SharedLedger;
use crate::rpc::{ExecutionApi, LedgerApi, PackageApi, SignatureApi, StateApi};

/// Serves the emulated fullnode on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    ledger: SharedLedger,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    let grpc = Routes::builder()
        .add_service(LedgerServiceServer::new(LedgerApi::new(ledger.clone())))
        .add_service(StateServiceServer::new(StateApi::new(ledger.clone())))
        .add_service(MovePackageServiceServer::new(PackageApi::new(
            ledger.clone(),
        )))
        .add_service(TransactionExecutionServiceServer::new(ExecutionApi::new(
            ledger.clone(),
        )))
        .add_service(SignatureVerificationServiceServer::new(SignatureApi))
        .clone()
        .routes();
    // gRPC-web applies to the gRPC routes only: it refuses plain HTTP/1.1 requests, which the
    // admin routes are.
    let grpc = grpc
        .into_axum_router()
        .layer(tonic_web::GrpcWebLayer::new());
    let router = grpc.merge(crate::admin::router(ledger));
    tonic::transport::Server::builder()
        .accept_http1(true)
        .add_routes(Routes::from(router))
        .serve_with_incoming_shutdown(TcpIncoming::from(listener), shutdown)
        .await
}
