//! The gRPC services, one module each, over the shared ledger.
//!
//! Conventions of a fullnode that clients rely on: ids are `0x`-hex strings; a missing object is
//! NOT_FOUND (per entry in batch calls); a malformed argument or an unknown read-mask path is
//! INVALID_ARGUMENT; methods not emulated answer UNIMPLEMENTED (the generated defaults).

mod execution_service;
mod ledger_service;
mod package_service;
mod signature_service;
mod state_service;

pub use execution_service::ExecutionApi;
pub use ledger_service::LedgerApi;
pub use package_service::PackageApi;
pub use signature_service::SignatureApi;
pub use state_service::StateApi;

use sui_rpc::field::{FieldMask, FieldMaskTree, FieldMaskUtil};
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::Address;
use tonic::Status;

/// Parses a `0x`-hex object id argument.
pub(crate) fn parse_address(field: &str, text: Option<&str>) -> Result<Address, Status> {
    let text = text.ok_or_else(|| Status::invalid_argument(format!("missing {field}")))?;
    text.parse()
        .map_err(|_| Status::invalid_argument(format!("invalid {field}: {text}")))
}

/// The read mask of a request, or `default` when none is given, validated against `M`'s fields.
pub(crate) fn read_mask<M: sui_rpc::field::MessageFields>(
    mask: Option<FieldMask>,
    default: &str,
) -> Result<FieldMaskTree, Status> {
    let mask = mask.unwrap_or_else(|| FieldMask::from_str(default));
    mask.validate::<M>()
        .map_err(|path| Status::invalid_argument(format!("invalid read_mask path: {path}")))?;
    Ok(FieldMaskTree::from_field_mask(&mask))
}

/// A protobuf timestamp from milliseconds since the Unix epoch.
pub(crate) fn timestamp(ms: u64) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: (ms / 1000) as i64,
        nanos: ((ms % 1000) * 1_000_000) as i32,
    }
}

/// The default read mask of object reads.
pub(crate) const OBJECT_DEFAULT_MASK: &str = "object_id,version,digest";

/// Renders an object through a read mask, as a fullnode does.
pub(crate) fn render_object(object: &sui_sdk_types::Object, mask: &FieldMaskTree) -> proto::Object {
    use sui_rpc::merge::Merge;
    proto::Object::merge_from(object.clone(), mask)
}
