//! A `POST /v1/fetch_key` body captured from the official `@mysten/seal` 1.4.12 SDK
//! (`fixtures/fetch-key-request.json`, made by `fixtures/capture-fetch-key-request.mjs`) parses,
//! re-encodes to the same bytes, carries a valid session signature and the personal message we
//! rebuild; tampering is caught with the right error kind.

use seal_protocol::Address;
use seal_protocol::api::{ApiError, ErrorKind, FetchKeyRequest};
use seal_protocol::crypto::G1Point;
use seal_protocol::encoding::{from_base64, to_base64};
use seal_protocol::ptb::PtbError;
use serde_json::Value;

struct Capture {
    body: String,
    package: Address,
    user: Address,
    inner_id: Vec<u8>,
    personal_message: String,
}

fn capture() -> Capture {
    let text = include_str!("fixtures/fetch-key-request.json");
    let doc: Value = serde_json::from_str(text).unwrap();
    let field = |name: &str| doc[name].as_str().unwrap().to_owned();
    Capture {
        body: field("body"),
        package: field("package_id").parse().unwrap(),
        user: field("user").parse().unwrap(),
        inner_id: hex::decode(field("inner_id_hex")).unwrap(),
        personal_message: field("personal_message"),
    }
}

#[test]
fn sdk_request_parses_verifies_and_reencodes_byte_for_byte() {
    let capture = capture();
    let request: FetchKeyRequest = serde_json::from_str(&capture.body).unwrap();

    assert_eq!(serde_json::to_string(&request).unwrap(), capture.body);

    let ptb = request.valid_ptb().unwrap();
    assert_eq!(ptb.package(), capture.package);
    assert_eq!(ptb.inner_ids(), std::slice::from_ref(&capture.inner_id));
    let full_ids = ptb.full_ids(&capture.package);
    assert_eq!(
        full_ids[0],
        [capture.package.as_bytes(), &capture.inner_id].concat()
    );

    request.verify_session_signature(&ptb).unwrap();

    assert_eq!(request.certificate.user, capture.user);
    assert_eq!(request.certificate.mvr_name, None);
    assert_eq!(
        request
            .certificate
            .personal_message(&capture.package)
            .unwrap(),
        capture.personal_message
    );
}

/// Replaces one field of the body, keeping everything else as the SDK wrote it.
fn with_field(body: &str, path: &[&str], value: Value) -> String {
    let mut doc: Value = serde_json::from_str(body).unwrap();
    let mut slot = &mut doc;
    for key in path {
        slot = &mut slot[*key];
    }
    *slot = value;
    serde_json::to_string(&doc).unwrap()
}

/// What the pipeline up to the session signature answers for a body: an API error kind, or a
/// parse failure (`None`, a framework 422 on the server).
fn outcome(body: &str) -> Result<(), Option<ErrorKind>> {
    let request: FetchKeyRequest = serde_json::from_str(body).map_err(|_| None)?;
    let ptb = request
        .valid_ptb()
        .map_err(|e| Some(ApiError::from(e).kind()))?;
    request
        .verify_session_signature(&ptb)
        .map_err(|_| Some(ErrorKind::InvalidSessionSignature))
}

#[test]
fn tampered_requests_fail_with_the_right_kind() {
    let capture = capture();
    assert_eq!(outcome(&capture.body), Ok(()));
    let request: FetchKeyRequest = serde_json::from_str(&capture.body).unwrap();

    // Another inner id in an otherwise valid PTB: the session signature no longer matches.
    let mut ptb_bytes = from_base64(&request.ptb, "ptb").unwrap();
    let last_id_byte = 3 + 32 - 1;
    ptb_bytes[last_id_byte] ^= 1;
    let body = with_field(
        &capture.body,
        &["ptb"],
        Value::String(to_base64(&ptb_bytes)),
    );
    assert_eq!(
        outcome(&body),
        Err(Some(ErrorKind::InvalidSessionSignature))
    );

    // Another (valid) ElGamal key: the keys would go to someone else; the signature catches it.
    let body = with_field(
        &capture.body,
        &["enc_key"],
        Value::String(G1Point::generator().to_base64()),
    );
    assert_eq!(
        outcome(&body),
        Err(Some(ErrorKind::InvalidSessionSignature))
    );

    // A flipped signature bit.
    let mut signature = from_base64(request_signature(&capture.body).as_str(), "sig").unwrap();
    signature[0] ^= 1;
    let body = with_field(
        &capture.body,
        &["request_signature"],
        Value::String(to_base64(&signature)),
    );
    assert_eq!(
        outcome(&body),
        Err(Some(ErrorKind::InvalidSessionSignature))
    );

    // Broken PTB encodings are InvalidPTB, with the official detail.
    let body = with_field(&capture.body, &["ptb"], Value::String("%%%".into()));
    assert_eq!(outcome(&body), Err(Some(ErrorKind::InvalidPTB)));
    assert_eq!(
        ApiError::from(PtbError::InvalidBase64).message(),
        "Invalid PTB: Invalid Base64"
    );
    let body = with_field(&capture.body, &["ptb"], Value::String(to_base64([1, 2, 3])));
    assert_eq!(outcome(&body), Err(Some(ErrorKind::InvalidPTB)));

    // Malformed keys never become a request (the server's framework answers 422).
    let mut off_subgroup = from_base64(&G1Point::generator().to_base64(), "g").unwrap();
    off_subgroup[47] ^= 1;
    for (path, value) in [
        (&["enc_key"][..], Value::String(to_base64(&off_subgroup))),
        (&["enc_key"][..], Value::String("AAAA".into())),
        (
            &["enc_verification_key"][..],
            Value::String(G1Point::generator().to_base64()),
        ),
        (
            &["request_signature"][..],
            Value::String(to_base64([0u8; 63])),
        ),
        (
            &["certificate", "session_vk"][..],
            Value::String(to_base64([0u8; 31])),
        ),
        (
            &["certificate", "user"][..],
            Value::String("not an address".into()),
        ),
        (&["certificate", "ttl_min"][..], Value::from(70_000)),
    ] {
        assert_eq!(
            outcome(&with_field(&capture.body, path, value)),
            Err(None),
            "{path:?}"
        );
    }
}

fn request_signature(body: &str) -> String {
    let doc: Value = serde_json::from_str(body).unwrap();
    doc["request_signature"].as_str().unwrap().to_owned()
}
