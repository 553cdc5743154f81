//! The `seal-localnet` binary driven from outside: the admin endpoints, the state service, the
//! package service, signature verification, and key-server records read as clients read them.

mod common;

use common::*;
use seal_protocol::onchain::{KeyServerV1, key_server_field_id};
use serde_json::json;
use sui_crypto::SuiSigner;
use sui_rpc::field::{FieldMask, FieldMaskUtil};
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::{Address, Argument, PersonalMessage};

async fn admin(net: &LocalnetProcess, path: &str, body: serde_json::Value) -> serde_json::Value {
    let (status, text) = http(net.address, "POST", path, Some(&body)).await;
    assert_eq!(status, 200, "{path}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn register_key_server(net: &LocalnetProcess, user: &User, coin: Address, seal: Address) {
    let mut client = net.client();
    let object = client
        .ledger_client()
        .get_object(proto::GetObjectRequest::new(&coin))
        .await
        .unwrap()
        .into_inner()
        .object
        .unwrap();
    let gas = sui_sdk_types::ObjectReference::new(
        coin,
        object.version.unwrap(),
        object.digest.unwrap().parse().unwrap(),
    );
    let pk = "a58bfa576a8efe2e2730bc664b3dbe70257d8e35106e4af7353d007dba092d722314a0aeb6bca5eed735466bbf471aef01e4da8d2efac13112c51d1411f6992b8604656ea2cf6a33ec10ce8468de20e1d7ecbfed8688a281d462f72a41602161";
    let inputs = vec![
        pure(&"local".to_owned()),
        pure(&"http://127.0.0.1:2024".to_owned()),
        pure(&0u8),
        pure(&hex::decode(pk).unwrap()),
    ];
    let tx = transaction(
        user.address,
        inputs,
        vec![call(
            seal,
            "key_server",
            "create_and_transfer_v1",
            (0..4).map(Argument::Input).collect(),
        )],
        vec![gas],
        10_000_000,
    );
    let mut request = proto::ExecuteTransactionRequest::default();
    request.transaction = Some(tx.clone().into());
    request.signatures = vec![user.sign(&tx).into()];
    let executed = client
        .execution_client()
        .execute_transaction(request)
        .await
        .unwrap()
        .into_inner()
        .transaction
        .unwrap();
    assert_eq!(status(&executed).success, Some(true));
}

#[tokio::test]
async fn the_binary_serves_state_packages_signatures_and_admin() {
    let net = LocalnetProcess::start();
    let mut client = net.client();
    let (status_code, info) = http(net.address, "GET", "/admin/info", None).await;
    assert_eq!(status_code, 200);
    let info: serde_json::Value = serde_json::from_str(&info).unwrap();
    let seal: Address = info["seal_package_id"].as_str().unwrap().parse().unwrap();

    // Faucet and balance.
    let user = User::new(9);
    let funded = admin(
        &net,
        "/admin/fund",
        json!({ "address": user.address, "amount": 3_000_000_000u64 }),
    )
    .await;
    let coin: Address = funded["coin_id"].as_str().unwrap().parse().unwrap();
    let mut balance = proto::GetBalanceRequest::default();
    balance.owner = Some(user.address.to_string());
    balance.coin_type = Some("0x2::sui::SUI".into());
    let total = client
        .state_client()
        .get_balance(balance)
        .await
        .unwrap()
        .into_inner()
        .balance
        .unwrap();
    assert_eq!(total.balance, Some(3_000_000_000));

    // Register a key server and find it the way clients do.
    register_key_server(&net, &user, coin, seal).await;
    let mut owned = proto::ListOwnedObjectsRequest::default();
    owned.owner = Some(user.address.to_string());
    owned.object_type = Some(format!("{seal}::key_server::KeyServer"));
    let servers = client
        .state_client()
        .list_owned_objects(owned)
        .await
        .unwrap()
        .into_inner()
        .objects;
    assert_eq!(servers.len(), 1);
    let server: Address = servers[0].object_id.as_deref().unwrap().parse().unwrap();

    let mut fields = proto::ListDynamicFieldsRequest::default();
    fields.parent = Some(server.to_string());
    fields.read_mask = Some(FieldMask::from_str("field_id,name,value,value_type"));
    let listed = client
        .state_client()
        .list_dynamic_fields(fields)
        .await
        .unwrap()
        .into_inner()
        .dynamic_fields;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].field_id.as_deref(),
        Some(key_server_field_id(&server, 1).to_string().as_str())
    );
    assert_eq!(
        listed[0].name.as_ref().unwrap().value.as_deref(),
        Some(1u64.to_le_bytes().as_slice())
    );
    let v1: KeyServerV1 =
        bcs::from_bytes(listed[0].value.as_ref().unwrap().value.as_deref().unwrap()).unwrap();
    assert_eq!(v1.url, "http://127.0.0.1:2024");
    assert!(
        listed[0]
            .value_type
            .as_deref()
            .unwrap()
            .ends_with("::key_server::KeyServerV1")
    );

    // As @mysten/sui reads a dynamic field: derived id, BatchGetObjects, value after id and name.
    let mut batch = proto::BatchGetObjectsRequest::default();
    batch.requests = vec![proto::GetObjectRequest::new(&key_server_field_id(
        &server, 1,
    ))];
    batch.read_mask = Some(FieldMask::from_str("contents"));
    let results = client
        .ledger_client()
        .batch_get_objects(batch)
        .await
        .unwrap()
        .into_inner()
        .objects;
    let Some(proto::get_object_result::Result::Object(field)) = &results[0].result else {
        panic!("{results:?}")
    };
    let contents = field.contents.as_ref().unwrap().value.as_deref().unwrap();
    assert_eq!(
        bcs::from_bytes::<KeyServerV1>(&contents[32 + 8..]).unwrap(),
        v1
    );

    // Publish and upgrade a package; the original id is resolvable from any version.
    let published = admin(
        &net,
        "/admin/publish",
        json!({ "package": "patterns", "owner": user.address }),
    )
    .await;
    let v1_id: Address = published["package_id"].as_str().unwrap().parse().unwrap();
    let cap = published["upgrade_cap_id"].as_str().unwrap().to_owned();
    let upgraded = admin(
        &net,
        "/admin/upgrade",
        json!({ "upgrade_cap_id": cap, "package": "patterns" }),
    )
    .await;
    let v2_id: Address = upgraded["package_id"].as_str().unwrap().parse().unwrap();
    let mut get = proto::GetPackageRequest::default();
    get.package_id = Some(v2_id.to_string());
    let package = client
        .package_client()
        .get_package(get)
        .await
        .unwrap()
        .into_inner()
        .package
        .unwrap();
    assert_eq!(
        package.original_id.as_deref(),
        Some(v1_id.to_string().as_str())
    );
    assert_eq!(package.version, Some(2));
    let mut versions = proto::ListPackageVersionsRequest::default();
    versions.package_id = Some(v2_id.to_string());
    let listed = client
        .package_client()
        .list_package_versions(versions)
        .await
        .unwrap()
        .into_inner()
        .versions;
    assert_eq!(
        listed
            .iter()
            .map(|v| v.version.unwrap())
            .collect::<Vec<_>>(),
        vec![1, 2]
    );
    let mut not_a_package = proto::GetPackageRequest::default();
    not_a_package.package_id = Some(server.to_string());
    assert_eq!(
        client
            .package_client()
            .get_package(not_a_package)
            .await
            .unwrap_err()
            .code(),
        tonic::Code::InvalidArgument
    );
    // The cap belongs to the publisher and now points at version 2.
    let mut owned = proto::ListOwnedObjectsRequest::default();
    owned.owner = Some(user.address.to_string());
    owned.object_type = Some("0x2::package::UpgradeCap".into());
    owned.read_mask = Some(FieldMask::from_str("object_id,contents"));
    let caps = client
        .state_client()
        .list_owned_objects(owned)
        .await
        .unwrap()
        .into_inner()
        .objects;
    assert_eq!(caps.len(), 1);
    let cap_bytes = caps[0].contents.as_ref().unwrap().value.as_deref().unwrap();
    let cap_contents: seal_localnet::publish::UpgradeCap = bcs::from_bytes(cap_bytes).unwrap();
    assert_eq!((cap_contents.package, cap_contents.version), (v2_id, 2));
    // Upgrading without a cap is refused.
    let body = json!({ "upgrade_cap_id": v2_id, "package": "patterns" });
    let (code, _) = http(net.address, "POST", "/admin/upgrade", Some(&body)).await;
    assert_eq!(code, 400);

    // Personal-message signatures.
    let message = b"Accessing keys of package 0x1 for 10 mins".to_vec();
    let signature = user
        .key
        .sign_personal_message(&PersonalMessage(message.clone().into()))
        .unwrap();
    for (text, address, valid) in [
        (message.clone(), user.address, true),
        (b"other".to_vec(), user.address, false),
        (message, Address::TWO, false),
    ] {
        let mut request = proto::VerifySignatureRequest::default();
        let mut bcs_message = proto::Bcs::default();
        bcs_message.name = Some("PersonalMessage".into());
        bcs_message.value = Some(bcs::to_bytes(&text).unwrap().into());
        request.message = Some(bcs_message);
        request.signature = Some(signature.clone().into());
        request.address = Some(address.to_string());
        let verdict = client
            .signature_verification_client()
            .verify_signature(request)
            .await
            .unwrap()
            .into_inner();
        assert_eq!(verdict.is_valid, Some(valid));
    }

    // Admin errors are typed.
    let (code, body) = http(
        net.address,
        "POST",
        "/admin/publish",
        Some(&json!({ "package": "nope" })),
    )
    .await;
    assert_eq!(code, 400, "{body}");
    let (code, _) = http(net.address, "POST", "/admin/clock", Some(&json!({}))).await;
    assert_eq!(code, 400);
    let (code, _) = http(
        net.address,
        "POST",
        "/admin/fund",
        Some(&json!({ "address": "zz" })),
    )
    .await;
    assert!((400..500).contains(&code));
    let clock = admin(&net, "/admin/clock", json!({ "advance_ms": 1000 })).await;
    assert!(clock["timestamp_ms"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn sigterm_stops_the_emulator() {
    let mut net = LocalnetProcess::start();
    nix_kill(net.child.id());
    let status = net.child.wait().unwrap();
    assert!(status.success(), "{status}");
}

fn nix_kill(pid: u32) {
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
}
