//! The frontend end to end: `seal-localnet`, `seal-keyvault` and `seal-frontend` as real
//! processes on loopback, driven the way the official SDK drives a key server.

mod common;

use common::*;
use seal_protocol::api::{ErrorResponse, FetchKeyRequest, FetchKeyResponse, ServiceResponse};
use seal_protocol::crypto::{elgamal_decrypt, verify_derived_key, verify_pop};
use seal_protocol::ptb::full_id;
use sui_sdk_types::{Address, Input, SharedInput};

fn clock() -> Input {
    Input::Shared(SharedInput::new(Address::from_static("0x6"), 1, false))
}

fn body(request: &FetchKeyRequest) -> String {
    serde_json::to_string(request).unwrap()
}

/// Asserts an error answer: status, kind, and the key-server headers every `/v1` answer has.
fn assert_error(answer: &(u16, Vec<(String, String)>, String), status: u16, kind: &str) {
    assert_eq!(answer.0, status, "{}", answer.2);
    let error: ErrorResponse = serde_json::from_str(&answer.2)
        .unwrap_or_else(|_| panic!("not an error body: {}", answer.2));
    assert_eq!(error.error, kind, "{}", answer.2);
    assert_eq!(
        header(&answer.1, "x-keyserver-version"),
        Some(env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn the_whole_stack_serves_policies_and_refuses_precisely() {
    let mut stack = Stack::start().await;
    let user = Requester::new(1);
    let patterns = stack.patterns_package;

    // account_based: the user's own address is released and decrypts to a valid key.
    let own = user.address.as_bytes().to_vec();
    let other = Requester::new(2).address.as_bytes().to_vec();
    let request = user.request(
        patterns,
        &Requester::ptb(
            patterns,
            "account_based",
            &[own.clone(), own.clone()],
            vec![],
        ),
        now_ms() - 1_000,
        10,
    );
    let answer = fetch(&stack, &body(&request)).await;
    assert_eq!(answer.0, 200, "{}", answer.2);
    assert_eq!(
        header(&answer.1, "x-keyserver-version"),
        Some(env!("CARGO_PKG_VERSION"))
    );
    let keys: FetchKeyResponse = serde_json::from_str(&answer.2).unwrap();
    assert_eq!(
        keys.decryption_keys.len(),
        2,
        "one entry per command, duplicates kept"
    );
    for key in &keys.decryption_keys {
        assert_eq!(key.id, full_id(&patterns, &own));
        verify_derived_key(
            &elgamal_decrypt(&user.esk, &key.encrypted_key),
            &key.id,
            &stack.public_key,
        )
        .unwrap();
    }
    // Another account's id: the policy refuses.
    let request = user.request(
        patterns,
        &Requester::ptb(patterns, "account_based", &[other], vec![]),
        now_ms() - 1_000,
        10,
    );
    assert_error(&fetch(&stack, &body(&request)).await, 403, "NoAccess");

    // tle: a passed time is released, a future one refused.
    let past = (now_ms() - 60_000).to_le_bytes().to_vec();
    let future = (now_ms() + 3_600_000).to_le_bytes().to_vec();
    let request = user.request(
        patterns,
        &Requester::ptb(patterns, "tle", std::slice::from_ref(&past), vec![clock()]),
        now_ms() - 1_000,
        10,
    );
    let answer = fetch(&stack, &body(&request)).await;
    assert_eq!(answer.0, 200, "{}", answer.2);
    let keys: FetchKeyResponse = serde_json::from_str(&answer.2).unwrap();
    verify_derived_key(
        &elgamal_decrypt(&user.esk, &keys.decryption_keys[0].encrypted_key),
        &full_id(&patterns, &past),
        &stack.public_key,
    )
    .unwrap();
    let request = user.request(
        patterns,
        &Requester::ptb(patterns, "tle", &[future], vec![clock()]),
        now_ms() - 1_000,
        10,
    );
    assert_error(&fetch(&stack, &body(&request)).await, 403, "NoAccess");

    // Each error kind from a crafted request.
    let good = || user.own_account_request(patterns, now_ms() - 1_000, 10);
    let mut bad_ptb = good();
    bad_ptb.ptb = seal_protocol::encoding::to_base64([1, 2, 3]);
    assert_error(&fetch(&stack, &body(&bad_ptb)).await, 403, "InvalidPTB");
    let unknown = Address::from_static("0x123456");
    let request = user.request(
        unknown,
        &Requester::ptb(unknown, "account_based", std::slice::from_ref(&own), vec![]),
        now_ms() - 1_000,
        10,
    );
    assert_error(&fetch(&stack, &body(&request)).await, 403, "InvalidPackage");
    let mut bad_user_signature = good();
    bad_user_signature.certificate.signature[10] ^= 1;
    assert_error(
        &fetch(&stack, &body(&bad_user_signature)).await,
        403,
        "InvalidSignature",
    );
    let mut someone_elses = good();
    someone_elses.certificate.user = Requester::new(3).address;
    assert_error(
        &fetch(&stack, &body(&someone_elses)).await,
        403,
        "InvalidSignature",
    );
    let mut bad_session_signature = good();
    bad_session_signature.enc_key = Requester::new(4).enc_key();
    assert_error(
        &fetch(&stack, &body(&bad_session_signature)).await,
        403,
        "InvalidSessionSignature",
    );
    let expired = user.own_account_request(patterns, now_ms() - 11 * 60_000, 10);
    assert_error(
        &fetch(&stack, &body(&expired)).await,
        403,
        "InvalidCertificate",
    );
    let future_certificate = user.own_account_request(patterns, now_ms() + 60_000, 10);
    assert_error(
        &fetch(&stack, &body(&future_certificate)).await,
        403,
        "InvalidCertificate",
    );
    let too_long = user.own_account_request(patterns, now_ms() - 1_000, 31);
    assert_error(
        &fetch(&stack, &body(&too_long)).await,
        403,
        "InvalidCertificate",
    );
    let missing_function = user.request(
        patterns,
        &Requester::ptb(
            patterns,
            "no_such_module",
            std::slice::from_ref(&own),
            vec![],
        ),
        now_ms() - 1_000,
        10,
    );
    assert_error(
        &fetch(&stack, &body(&missing_function)).await,
        403,
        "InvalidPTB",
    );

    // SDK headers and body limits.
    let plain = [("Content-Type", "application/json")];
    let answer = http(
        stack.frontend_address,
        "POST",
        "/v1/fetch_key",
        &plain,
        &body(&good()),
    )
    .await;
    assert_error(&answer, 400, "MissingRequiredHeader");
    let old = [
        ("Content-Type", "application/json"),
        ("Client-Sdk-Type", "typescript"),
        ("Client-Sdk-Version", "0.3.0"),
    ];
    assert_error(
        &http(
            stack.frontend_address,
            "POST",
            "/v1/fetch_key",
            &old,
            &body(&good()),
        )
        .await,
        426,
        "DeprecatedSDKVersion",
    );
    let huge = "x".repeat(200 * 1024);
    assert_eq!(fetch(&stack, &huge).await.0, 413);
    let answer = fetch(&stack, "{\"ptb\": 1}").await;
    assert!((400..500).contains(&answer.0), "{answer:?}");
    assert_eq!(
        header(&answer.1, "x-keyserver-version"),
        Some(env!("CARGO_PKG_VERSION"))
    );

    // Proof of possession.
    let path = format!("/v1/service?service_id={}", stack.key_server);
    let answer = http(stack.frontend_address, "GET", &path, &SDK_HEADERS, "").await;
    assert_eq!(answer.0, 200, "{}", answer.2);
    let service: ServiceResponse = serde_json::from_str(&answer.2).unwrap();
    assert_eq!(service.service_id, stack.key_server);
    verify_pop(&service.pop, &stack.public_key, &stack.key_server).unwrap();
    assert!(
        answer
            .2
            .contains(&format!("\"service_id\":\"{}\"", stack.key_server)),
        "normalized 0x + 64 hex"
    );
    let answer = http(
        stack.frontend_address,
        "GET",
        "/v1/service?service_id=0x99",
        &SDK_HEADERS,
        "",
    )
    .await;
    assert_error(&answer, 400, "InvalidServiceId");
    let health = http(stack.frontend_address, "GET", "/health", &[], "").await;
    assert_eq!(health.0, 200);
    assert!(health.2.contains("\"status\":\"up\""));
    let preflight = [
        ("Origin", "https://app.example"),
        ("Access-Control-Request-Method", "POST"),
    ];
    let answer = http(
        stack.frontend_address,
        "OPTIONS",
        "/v1/fetch_key",
        &preflight,
        "",
    )
    .await;
    assert!((200..300).contains(&answer.0), "{answer:?}");
    assert_eq!(header(&answer.1, "access-control-allow-origin"), Some("*"));

    // Metrics move with the traffic, on their own port.
    let scrape = || async {
        http(stack.metrics_address, "GET", "/metrics", &[], "")
            .await
            .2
    };
    let value = |text: &str, series: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(series))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0.0)
    };
    let before = scrape().await;
    assert_eq!(fetch(&stack, &body(&good())).await.0, 200);
    let after = scrape().await;
    assert_eq!(
        value(&after, "total_requests ") - value(&before, "total_requests "),
        1.0
    );
    let ok_series = "http_requests_total{route=\"/v1/fetch_key\",status=\"200\"} ";
    assert_eq!(value(&after, ok_series) - value(&before, ok_series), 1.0);
    for series in [
        "internal_errors{internal_error_type=\"NoAccess\"} ",
        "internal_errors{internal_error_type=\"MissingRequiredHeader\"} ",
        "package_cache_hits_total ",
        "service_requests ",
        "client_sdk_version{sdk_type=\"rust\",version=\"0.5.0\"} ",
        "keyvault_call_duration_millis_count{method=\"derive_and_encrypt\",status=\"success\"} ",
        "sui_rpc_request_duration_millis_count{method=\"simulate_transaction\",status=\"success\"} ",
    ] {
        assert!(value(&after, series) >= 1.0, "{series} in\n{after}");
    }

    // A lagging fullnode: Failure (503), then fine again once it catches up.
    stack.set_clock(now_ms() - 300_000).await;
    assert_error(&fetch(&stack, &body(&good())).await, 503, "Failure");
    stack.sync_clock().await;
    assert_eq!(fetch(&stack, &body(&good())).await.0, 200);

    // The keyvault goes away: Failure (503) at once; back without restarting the frontend.
    stack.stop_keyvault();
    assert_error(&fetch(&stack, &body(&good())).await, 503, "Failure");
    stack.restart_keyvault();
    let mut answer = fetch(&stack, &body(&good())).await;
    for _ in 0..40 {
        if answer.0 == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        answer = fetch(&stack, &body(&good())).await;
    }
    assert_eq!(answer.0, 200, "{}", answer.2);
}

#[tokio::test]
async fn an_exhausted_keyvault_budget_is_a_retryable_503() {
    let budget = ["--budget-rate", "1", "--budget-burst", "100"]
        .map(String::from)
        .to_vec();
    let stack = Stack::start_with(StackOptions {
        keyvault_args: budget,
        ..StackOptions::default()
    })
    .await;
    let user = Requester::new(5);
    let own = user.address.as_bytes().to_vec();
    let patterns = stack.patterns_package;
    let hundred = user.request(
        patterns,
        &Requester::ptb(patterns, "account_based", &vec![own.clone(); 100], vec![]),
        now_ms() - 1_000,
        10,
    );
    let answer = fetch(&stack, &body(&hundred)).await;
    assert_eq!(answer.0, 200, "{}", answer.2);
    let one = user.own_account_request(patterns, now_ms() - 1_000, 10);
    let answer = fetch(&stack, &body(&one)).await;
    assert_error(&answer, 503, "Failure");
    let retry: u64 = header(&answer.1, "retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
}

#[tokio::test]
async fn https_serves_the_same_api() {
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
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
    let mut tls = connector.connect(name.clone(), tcp).await.unwrap();
    let mut request = format!(
        "POST /v1/fetch_key HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (header_name, value) in SDK_HEADERS {
        request.push_str(&format!("{header_name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    let _ = tls.read_to_end(&mut response).await;
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let json = response.split("\r\n\r\n").nth(1).unwrap();
    let keys: FetchKeyResponse = serde_json::from_str(json.trim()).unwrap();
    verify_derived_key(
        &elgamal_decrypt(&user.esk, &keys.decryption_keys[0].encrypted_key),
        &full_id(&patterns, &own),
        &stack.public_key,
    )
    .unwrap();

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
    let keys: FetchKeyResponse = serde_json::from_str(&answer.2).unwrap();
    verify_derived_key(
        &elgamal_decrypt(&user.esk, &keys.decryption_keys[0].encrypted_key),
        &full_id(&patterns, &own),
        &stack.public_key,
    )
    .unwrap();

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
