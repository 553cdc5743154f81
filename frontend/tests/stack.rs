//! The frontend end to end: `seal-localnet`, `seal-keyvault` and `seal-frontend` as real
//! processes on loopback, driven the way the official SDK drives a key server.

mod common;

use common::*;
use seal_protocol::api::{FetchKeyResponse, ServiceResponse};
use seal_protocol::crypto::{elgamal_decrypt, verify_derived_key, verify_pop};
use seal_protocol::ptb::full_id;
use sui_sdk_types::{Address, Input, SharedInput};

fn clock() -> Input {
    Input::Shared(SharedInput::new(Address::from_static("0x6"), 1, false))
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
    assert_first_key(
        &answer.2,
        &user,
        &full_id(&patterns, &past),
        &stack.public_key,
    );
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
