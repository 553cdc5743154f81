//! The frontend as deployed: over HTTPS, refusing at start-up a key-server object whose key is
//! not the keyvault's, and in permissioned mode serving only the listed packages.

mod common;

use common::*;
use seal_protocol::api::ServiceResponse;
use seal_protocol::crypto::verify_pop;
use seal_protocol::ptb::full_id;
use sui_sdk_types::Address;

#[tokio::test]
async fn https_serves_the_same_api() {
    use std::sync::Arc;
    let stack = Stack::start_with(StackOptions {
        tls: true,
        ..StackOptions::default()
    })
    .await;
    let user = Requester::new(6);
    let patterns = stack.patterns_package;
    let own = user.address.as_bytes().to_vec();
    let request = user.own_account_request(patterns, now_ms() - 1_000, 10);
    let body = body(&request);

    let mut roots = rustls::RootCertStore::empty();
    let pem = std::fs::read(stack.dir.path().join("cert.pem")).unwrap();
    use rustls::pki_types::pem::PemObject;
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config.clone()));
    let tcp = tokio::net::TcpStream::connect(stack.frontend_address)
        .await
        .unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let tls = connector.connect(name.clone(), tcp).await.unwrap();
    let answer = exchange(
        tls,
        "localhost",
        "POST",
        "/v1/fetch_key",
        &SDK_HEADERS,
        &body,
    )
    .await;
    assert_eq!(answer.0, 200, "{}", answer.2);
    assert_first_key(
        &answer.2,
        &user,
        &full_id(&patterns, &own),
        &stack.public_key,
    );

    // HTTP/2 is offered too.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(stack.frontend_address)
        .await
        .unwrap();
    let tls = connector.connect(name, tcp).await.unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(b"h2".as_slice()));
    // Plain HTTP on the TLS port gets no HTTP answer.
    let plain = http(stack.frontend_address, "GET", "/health", &[], "").await;
    assert_ne!(plain.0, 200);
}

#[tokio::test]
async fn the_frontend_refuses_to_serve_a_key_server_whose_key_is_not_the_keyvaults() {
    let stack = Stack::start().await;
    let other_key = seal_protocol::crypto::G2Point::generator();
    let impostor = stack.register_key_server(&other_key, 78).await;
    let path = stack.dir.path().join("mismatch.yaml");
    std::fs::write(&path, stack.frontend_config(impostor)).unwrap();
    let output = std::process::Command::new(bin_dir().join("seal-frontend"))
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&hex::encode(other_key.to_bytes())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&hex::encode(stack.public_key.to_bytes())),
        "{stderr}"
    );

    // MASTER_KEY in the environment is refused with a pointer to the keyvault.
    let output = std::process::Command::new(bin_dir().join("seal-frontend"))
        .arg("--config")
        .arg(&path)
        .env("MASTER_KEY", "0x01")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("seal-keyvault"));
}

#[tokio::test]
async fn permissioned_mode_serves_only_the_listed_packages() {
    let stack = Stack::start_with(StackOptions {
        permissioned: true,
        ..StackOptions::default()
    })
    .await;
    let user = Requester::new(8);
    let own = user.address.as_bytes().to_vec();
    let patterns = stack.patterns_package;
    let request = user.own_account_request(patterns, now_ms() - 1_000, 10);
    let answer = fetch(&stack, &body(&request)).await;
    assert_eq!(answer.0, 200, "{}", answer.2);
    assert_first_key(
        &answer.2,
        &user,
        &full_id(&patterns, &own),
        &stack.public_key,
    );

    // The same policy published again is another package, not listed for this client.
    let published = stack
        .admin(
            "/admin/publish",
            serde_json::json!({ "package": "patterns" }),
        )
        .await;
    let other: Address = published["package_id"].as_str().unwrap().parse().unwrap();
    let request = user.request(
        other,
        &Requester::ptb(other, "account_based", &[own], vec![]),
        now_ms() - 1_000,
        10,
    );
    assert_error(
        &fetch(&stack, &body(&request)).await,
        400,
        "UnsupportedPackageId",
    );

    // The proof of possession is made with the client's derived key.
    let answer = http(
        stack.frontend_address,
        "GET",
        &format!("/v1/service?service_id={}", stack.key_server),
        &SDK_HEADERS,
        "",
    )
    .await;
    let service: ServiceResponse = serde_json::from_str(&answer.2).unwrap();
    verify_pop(&service.pop, &stack.public_key, &stack.key_server).unwrap();
}
