//! `sui.rpc.v2.MovePackageService`: a package's original id and its versions.

use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_rpc::proto::sui::rpc::v2::move_package_service_server::MovePackageService;
use sui_sdk_types::ObjectData;
use tonic::{Request, Response, Status};

use super::parse_address;
use crate::ledger::SharedLedger;

/// The package service.
#[derive(Debug, Clone)]
pub struct PackageApi {
    ledger: SharedLedger,
}

impl PackageApi {
    /// Serves `ledger`.
    pub fn new(ledger: SharedLedger) -> Self {
        Self { ledger }
    }
}

#[tonic::async_trait]
impl MovePackageService for PackageApi {
    async fn get_package(
        &self,
        request: Request<proto::GetPackageRequest>,
    ) -> Result<Response<proto::GetPackageResponse>, Status> {
        let id = parse_address("package_id", request.get_ref().package_id.as_deref())?;
        let ledger = self.ledger.lock();
        let object = ledger
            .object(&id)
            .ok_or_else(|| Status::not_found(format!("Package {id} not found")))?;
        let ObjectData::Package(package) = object.data() else {
            return Err(Status::invalid_argument(format!(
                "Object {id} is not a package"
            )));
        };
        let original = ledger
            .native_package(&id)
            .map(|(_, origin)| origin)
            .unwrap_or(id);
        let mut message = proto::Package::default();
        message.storage_id = Some(id.to_string());
        message.original_id = Some(original.to_string());
        message.version = Some(package.version);
        message.modules = package
            .modules
            .keys()
            .map(|name| {
                let mut module = proto::Module::default();
                module.name = Some(name.to_string());
                module
            })
            .collect();
        message.type_origins = package
            .type_origin_table
            .iter()
            .cloned()
            .map(Into::into)
            .collect();
        let mut response = proto::GetPackageResponse::default();
        response.package = Some(message);
        Ok(Response::new(response))
    }

    async fn list_package_versions(
        &self,
        request: Request<proto::ListPackageVersionsRequest>,
    ) -> Result<Response<proto::ListPackageVersionsResponse>, Status> {
        let id = parse_address("package_id", request.get_ref().package_id.as_deref())?;
        let ledger = self.ledger.lock();
        let (_, original) = ledger
            .native_package(&id)
            .ok_or_else(|| Status::not_found(format!("Package {id} not found")))?;
        let mut response = proto::ListPackageVersionsResponse::default();
        response.versions = ledger
            .package_versions(&original)
            .into_iter()
            .map(|(package_id, version)| {
                let mut entry = proto::PackageVersion::default();
                entry.package_id = Some(package_id.to_string());
                entry.version = Some(version);
                entry
            })
            .collect();
        Ok(Response::new(response))
    }
}
