//! The ledger service driven over the wire with the crates.io `sui-rpc` client (gRPC) and with
//! a raw gRPC-web-text request, as browsers send it.

mod common;

use common::{Localnet, START_MS, get_object};
use seal_localnet::clock::{CLOCK_ID, ClockContents};
use sui_rpc::field::{FieldMask, FieldMaskUtil};
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::Address;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn get(id: Address, mask: Option<&str>) -> proto::GetObjectRequest {
    let mut request = proto::GetObjectRequest::new(&id);
    request.read_mask = mask.map(FieldMask::from_str);
    request
}

fn clock_of(object: proto::Object) -> ClockContents {
    bcs::from_bytes(&object.contents.unwrap().value.unwrap()).unwrap()
}

#[tokio::test]
async fn objects_are_rendered_through_read_masks() {
    let net = Localnet::start_with_gas_price(777).await;
    let mut client = net.client();

    // Default mask: id, version, digest only.
    let object = get_object(&mut client, CLOCK_ID, None).await.unwrap();
    assert_eq!(
        object.object_id.as_deref(),
        Some(CLOCK_ID.to_string().as_str())
    );
    assert_eq!(object.version, Some(1));
    assert!(object.digest.is_some());
    assert!(object.object_type.is_none() && object.contents.is_none() && object.owner.is_none());

    // Type, owner and contents.
    let object = get_object(&mut client, CLOCK_ID, Some("object_type,owner,contents"))
        .await
        .unwrap();
    assert_eq!(
        object.object_type.as_deref(),
        Some("0x0000000000000000000000000000000000000000000000000000000000000002::clock::Clock")
    );
    let owner = object.owner.clone().unwrap();
    assert_eq!(owner.kind, Some(proto::owner::OwnerKind::Shared as i32));
    assert_eq!(owner.version, Some(1));
    assert!(object.digest.is_none());
    assert_eq!(
        clock_of(object),
        ClockContents {
            id: CLOCK_ID,
            timestamp_ms: START_MS
        }
    );

    // The whole object as BCS decodes to the same object the digest names.
    let object = get_object(&mut client, CLOCK_ID, Some("bcs,digest"))
        .await
        .unwrap();
    let decoded: sui_sdk_types::Object =
        bcs::from_bytes(&object.bcs.unwrap().value.unwrap()).unwrap();
    assert_eq!(decoded.digest().to_string(), object.digest.unwrap());

    // Packages are objects too.
    let framework = get_object(&mut client, Address::TWO, Some("object_type,package"))
        .await
        .unwrap();
    assert_eq!(framework.object_type.as_deref(), Some("package"));
    assert!(
        framework
            .package
            .unwrap()
            .modules
            .iter()
            .any(|m| m.name.as_deref() == Some("clock"))
    );
}

#[tokio::test]
async fn errors_have_fullnode_status_codes() {
    let net = Localnet::start().await;
    let mut client = net.client();
    let missing = get_object(&mut client, Address::from_static("0x1234"), None)
        .await
        .unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound);
    let mut bad_id = proto::GetObjectRequest::default();
    bad_id.object_id = Some("0xnothex".into());
    assert_eq!(
        client
            .ledger_client()
            .get_object(bad_id)
            .await
            .unwrap_err()
            .code(),
        tonic::Code::InvalidArgument
    );
    let bad_mask = get_object(&mut client, CLOCK_ID, Some("no_such_field"))
        .await
        .unwrap_err();
    assert_eq!(bad_mask.code(), tonic::Code::InvalidArgument);
    let mut old_version = get(CLOCK_ID, None);
    old_version.version = Some(99);
    assert_eq!(
        client
            .ledger_client()
            .get_object(old_version)
            .await
            .unwrap_err()
            .code(),
        tonic::Code::NotFound
    );
    // Methods that are not emulated say so.
    let unimplemented = client
        .ledger_client()
        .get_transaction(proto::GetTransactionRequest::default())
        .await
        .unwrap_err();
    assert_eq!(unimplemented.code(), tonic::Code::Unimplemented);
}

#[tokio::test]
async fn a_missing_object_in_a_batch_is_a_per_entry_not_found() {
    let net = Localnet::start().await;
    let mut batch = proto::BatchGetObjectsRequest::default();
    batch.requests = vec![
        get(CLOCK_ID, None),
        get(Address::from_static("0xdead"), None),
    ];
    batch.read_mask = Some(FieldMask::from_str("object_id,version"));
    let results = net
        .client()
        .ledger_client()
        .batch_get_objects(batch)
        .await
        .unwrap()
        .into_inner()
        .objects;
    assert_eq!(results.len(), 2);
    match &results[0].result {
        Some(proto::get_object_result::Result::Object(object)) => {
            assert_eq!(object.version, Some(1))
        }
        other => panic!("expected the clock, got {other:?}"),
    }
    match &results[1].result {
        Some(proto::get_object_result::Result::Error(status)) => {
            assert_eq!(status.code, tonic::Code::NotFound as i32)
        }
        other => panic!("expected NOT_FOUND, got {other:?}"),
    }
}

#[tokio::test]
async fn service_info_epoch_and_checkpoint_follow_the_clock() {
    let net = Localnet::start_with_gas_price(777).await;
    let mut client = net.client();
    let info = || proto::GetServiceInfoRequest::default();
    let first = client
        .ledger_client()
        .get_service_info(info())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.chain.as_deref(), Some("localnet"));
    assert_eq!(first.checkpoint_height, Some(0));
    let epoch = client
        .ledger_client()
        .get_epoch(proto::GetEpochRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(epoch.epoch.unwrap().reference_gas_price, Some(777));

    net.ledger.lock().advance_clock(2_500);
    net.ledger.lock().new_epoch(900);
    let later = client
        .ledger_client()
        .get_service_info(info())
        .await
        .unwrap()
        .into_inner();
    assert_eq!((later.checkpoint_height, later.epoch), (Some(2), Some(1)));
    assert_eq!(
        later.timestamp.unwrap().seconds as u64,
        (START_MS + 2_500) / 1000
    );
    let epoch = client
        .ledger_client()
        .get_epoch(proto::GetEpochRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(epoch.epoch.unwrap().reference_gas_price, Some(900));
    let checkpoint = client
        .ledger_client()
        .get_checkpoint(proto::GetCheckpointRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(checkpoint.checkpoint.unwrap().sequence_number, Some(2));
    let clock = get_object(&mut client, CLOCK_ID, Some("contents,version"))
        .await
        .unwrap();
    assert_eq!(clock.version, Some(3));
    assert_eq!(clock_of(clock).timestamp_ms, START_MS + 2_500);
}

#[tokio::test]
async fn grpc_web_text_is_served_on_the_same_port() {
    let net = Localnet::start().await;
    // GetServiceInfoRequest is empty: a gRPC frame of flag 0 and length 0.
    let body = seal_protocol::encoding::to_base64([0, 0, 0, 0, 0]);
    let request = format!(
        "POST /sui.rpc.v2.LedgerService/GetServiceInfo HTTP/1.1\r\nHost: {}\r\nContent-Type: application/grpc-web-text\r\nAccept: application/grpc-web-text\r\nX-Grpc-Web: 1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        net.address,
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(net.address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response
            .to_ascii_lowercase()
            .contains("content-type: application/grpc-web-text"),
        "{response}"
    );
    let payload = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    // The body is base64 of a data frame (whose message names the chain "localnet") then a
    // trailer frame with grpc-status 0; chunked transfer framing may sit around it.
    let decoded: Vec<u8> = payload
        .split("\r\n")
        .filter_map(|chunk| seal_protocol::encoding::from_base64(chunk, "body").ok())
        .flatten()
        .collect();
    let text = String::from_utf8_lossy(&decoded);
    assert!(text.contains("localnet"), "{text:?}");
    assert!(text.contains("grpc-status:0"), "{text:?}");
}
