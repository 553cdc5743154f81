//! `sui.rpc.v2.LedgerService`: service info, objects, the latest checkpoint, the epoch.

use sui_rpc::proto::google::rpc::Status as RpcStatus;
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_rpc::proto::sui::rpc::v2::ledger_service_server::LedgerService;
use tonic::{Request, Response, Status};

use super::{OBJECT_DEFAULT_MASK, parse_address, read_mask, render_object, timestamp};
use crate::ledger::SharedLedger;

/// The ledger service.
#[derive(Debug, Clone)]
pub struct LedgerApi {
    ledger: SharedLedger,
}

impl LedgerApi {
    /// Serves `ledger`.
    pub fn new(ledger: SharedLedger) -> Self {
        Self { ledger }
    }
}

/// NOT_FOUND code of google.rpc.Code.
const NOT_FOUND: i32 = 5;

/// One object lookup: the object, or the NOT_FOUND status a fullnode gives.
fn lookup(
    ledger: &crate::ledger::Ledger,
    request: &proto::GetObjectRequest,
    mask: &sui_rpc::field::FieldMaskTree,
) -> Result<proto::Object, Status> {
    let id = parse_address("object_id", request.object_id.as_deref())?;
    match ledger.object(&id) {
        Some(object) if request.version.is_none_or(|v| v == object.version()) => {
            Ok(render_object(object, mask))
        }
        Some(_) => Err(Status::not_found(format!(
            "Object {id} at version {} not found",
            request.version.unwrap_or_default()
        ))),
        None => Err(Status::not_found(format!("Object {id} not found"))),
    }
}

#[tonic::async_trait]
impl LedgerService for LedgerApi {
    async fn get_service_info(
        &self,
        _: Request<proto::GetServiceInfoRequest>,
    ) -> Result<Response<proto::GetServiceInfoResponse>, Status> {
        let ledger = self.ledger.lock();
        let mut info = proto::GetServiceInfoResponse::default();
        info.chain_id = Some(ledger.chain_id().to_string());
        info.chain = Some("localnet".to_owned());
        info.epoch = Some(ledger.epoch());
        info.checkpoint_height = Some(ledger.checkpoint());
        info.timestamp = Some(timestamp(ledger.timestamp_ms()));
        info.lowest_available_checkpoint = Some(0);
        info.lowest_available_checkpoint_objects = Some(0);
        info.server = Some(format!("seal-localnet/{}", env!("CARGO_PKG_VERSION")));
        Ok(Response::new(info))
    }

    async fn get_object(
        &self,
        request: Request<proto::GetObjectRequest>,
    ) -> Result<Response<proto::GetObjectResponse>, Status> {
        let request = request.into_inner();
        let mask = read_mask::<proto::Object>(request.read_mask.clone(), OBJECT_DEFAULT_MASK)?;
        let object = lookup(&self.ledger.lock(), &request, &mask)?;
        let mut response = proto::GetObjectResponse::default();
        response.object = Some(object);
        Ok(Response::new(response))
    }

    async fn batch_get_objects(
        &self,
        request: Request<proto::BatchGetObjectsRequest>,
    ) -> Result<Response<proto::BatchGetObjectsResponse>, Status> {
        let request = request.into_inner();
        let mask = read_mask::<proto::Object>(request.read_mask.clone(), OBJECT_DEFAULT_MASK)?;
        let ledger = self.ledger.lock();
        let mut response = proto::BatchGetObjectsResponse::default();
        for entry in &request.requests {
            let mut result = proto::GetObjectResult::default();
            result.result = Some(match lookup(&ledger, entry, &mask) {
                Ok(object) => proto::get_object_result::Result::Object(object),
                Err(status) if status.code() == tonic::Code::NotFound => {
                    let error = RpcStatus {
                        code: NOT_FOUND,
                        message: status.message().to_owned(),
                        ..RpcStatus::default()
                    };
                    proto::get_object_result::Result::Error(error)
                }
                Err(status) => return Err(status),
            });
            response.objects.push(result);
        }
        Ok(Response::new(response))
    }

    async fn get_checkpoint(
        &self,
        request: Request<proto::GetCheckpointRequest>,
    ) -> Result<Response<proto::GetCheckpointResponse>, Status> {
        use proto::get_checkpoint_request::CheckpointId;
        let request = request.into_inner();
        let ledger = self.ledger.lock();
        let latest = ledger.checkpoint();
        match &request.checkpoint_id {
            None => {}
            Some(CheckpointId::SequenceNumber(n)) if *n == latest => {}
            Some(CheckpointId::Digest(d)) if *d == ledger.checkpoint_digest().to_string() => {}
            Some(_) => return Err(Status::not_found("only the latest checkpoint is kept")),
        }
        let mut summary = proto::CheckpointSummary::default();
        summary.epoch = Some(ledger.epoch());
        summary.sequence_number = Some(latest);
        summary.digest = Some(ledger.checkpoint_digest().to_string());
        summary.timestamp = Some(timestamp(ledger.timestamp_ms()));
        let mut checkpoint = proto::Checkpoint::default();
        checkpoint.sequence_number = Some(latest);
        checkpoint.digest = Some(ledger.checkpoint_digest().to_string());
        checkpoint.summary = Some(summary);
        let mut response = proto::GetCheckpointResponse::default();
        response.checkpoint = Some(checkpoint);
        Ok(Response::new(response))
    }

    async fn get_epoch(
        &self,
        request: Request<proto::GetEpochRequest>,
    ) -> Result<Response<proto::GetEpochResponse>, Status> {
        let request = request.into_inner();
        let ledger = self.ledger.lock();
        if request.epoch.is_some_and(|e| e != ledger.epoch()) {
            return Err(Status::not_found("only the current epoch is kept"));
        }
        let mut epoch = proto::Epoch::default();
        epoch.epoch = Some(ledger.epoch());
        epoch.reference_gas_price = Some(ledger.reference_gas_price());
        epoch.first_checkpoint = Some(0);
        epoch.start = Some(timestamp(ledger.epoch_start_ms()));
        let mut response = proto::GetEpochResponse::default();
        response.epoch = Some(epoch);
        Ok(Response::new(response))
    }
}
