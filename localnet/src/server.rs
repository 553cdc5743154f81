//! gRPC and gRPC-web on one listener.
//!
//! `@mysten/sui`'s `SuiGrpcClient` speaks gRPC-web (binary or base64 text) over HTTP/1.1; Rust
//! clients speak gRPC over HTTP/2. `tonic-web` translates the former, so one port serves both.

use std::future::Future;

use sui_rpc::proto::sui::rpc::v2::ledger_service_server::LedgerServiceServer;
use sui_rpc::proto::sui::rpc::v2::transaction_execution_service_server::TransactionExecutionServiceServer;
use tokio::net::TcpListener;
use tonic::transport::server::TcpIncoming;

use crate::ledger::SharedLedger;
use crate::rpc::{ExecutionApi, LedgerApi};

/// Serves the emulated fullnode on `listener` until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    ledger: SharedLedger,
    shutdown: impl Future<Output = ()>,
) -> Result<(), tonic::transport::Error> {
    tonic::transport::Server::builder()
        .accept_http1(true)
        .layer(tonic_web::GrpcWebLayer::new())
        .add_service(LedgerServiceServer::new(LedgerApi::new(ledger.clone())))
        .add_service(TransactionExecutionServiceServer::new(ExecutionApi::new(
            ledger,
        )))
        .serve_with_incoming_shutdown(TcpIncoming::from(listener), shutdown)
        .await
}
