//! The error table, JSON shapes, and property tests that parsing never panics.

use proptest::prelude::*;

use super::*;

#[test]
fn every_error_kind_has_its_official_status_and_name() {
    // §1.10, row by row.
    let table = [
        ("InvalidPTB", 403),
        ("InvalidPackage", 403),
        ("NoAccess", 403),
        ("InvalidCertificate", 403),
        ("InvalidSignature", 403),
        ("InvalidSessionSignature", 403),
        ("InvalidParameter", 403),
        ("InvalidMVRName", 403),
        ("InvalidSDKType", 400),
        ("InvalidSDKVersion", 400),
        ("InvalidServiceId", 400),
        ("UnsupportedPackageId", 400),
        ("MissingRequiredHeader", 400),
        ("DeprecatedSDKVersion", 426),
        ("Failure", 503),
    ];
    assert_eq!(table.len(), ErrorKind::ALL.len());
    for (name, status) in table {
        let kind = ErrorKind::from_name(name).unwrap_or_else(|| panic!("{name} is a kind"));
        assert_eq!(kind.as_str(), name);
        assert_eq!(kind.http_status(), status, "{name}");
        assert_eq!(ApiError::new(kind).http_status(), status);
    }
    assert_eq!(ErrorKind::from_name("SomethingNew"), None);
}

#[test]
fn messages_are_the_official_ones() {
    let cases = [
        (
            ApiError::new(ErrorKind::InvalidPackage),
            "Invalid package ID",
        ),
        (
            ApiError::new(ErrorKind::InvalidCertificate),
            "Invalid certificate time or ttl",
        ),
        (
            ApiError::new(ErrorKind::InvalidSignature),
            "Invalid user signature",
        ),
        (
            ApiError::new(ErrorKind::InvalidSessionSignature),
            "Invalid session key signature",
        ),
        (ApiError::new(ErrorKind::InvalidMVRName), "Invalid MVR name"),
        (
            ApiError::new(ErrorKind::InvalidSDKVersion),
            "Invalid SDK version",
        ),
        (
            ApiError::new(ErrorKind::InvalidServiceId),
            "Invalid service ID",
        ),
        (
            ApiError::new(ErrorKind::UnsupportedPackageId),
            "Unsupported package ID",
        ),
        (
            ApiError::new(ErrorKind::DeprecatedSDKVersion),
            "Deprecated SDK version",
        ),
        (
            ApiError::new(ErrorKind::Failure),
            "Internal server error, please try again later",
        ),
        (
            ApiError::with_detail(ErrorKind::Failure, "secret detail"),
            "Internal server error, please try again later",
        ),
        (
            ApiError::with_detail(ErrorKind::NoAccess, "MoveAbort 77"),
            "Access denied: MoveAbort 77",
        ),
        (
            ApiError::with_detail(ErrorKind::InvalidParameter, "object not found"),
            "Invalid parameter to PTB: object not found",
        ),
        (
            ApiError::with_detail(ErrorKind::MissingRequiredHeader, "Client-Sdk-Version"),
            "Missing required header: Client-Sdk-Version",
        ),
        (
            ApiError::from(PtbError::EmptyArgs),
            "Invalid PTB: Empty args",
        ),
        (
            ApiError::from(PtbError::FunctionNotFound),
            "Invalid PTB: The seal_approve function was not found on the module",
        ),
    ];
    for (error, message) in cases {
        assert_eq!(error.message(), message);
    }
}

#[test]
fn error_body_is_error_and_message() {
    let body =
        serde_json::to_string(&ApiError::new(ErrorKind::InvalidServiceId).to_response()).unwrap();
    assert_eq!(
        body,
        r#"{"error":"InvalidServiceId","message":"Invalid service ID"}"#
    );
    let parsed: ErrorResponse =
        serde_json::from_str(r#"{"error":"Future","message":"x"}"#).unwrap();
    assert_eq!(parsed.kind(), None);
}

#[test]
fn service_id_must_be_0x_hex_and_is_echoed_normalized() {
    let short = parse_service_id("0x7").unwrap();
    assert_eq!(short.to_string(), format!("0x{}7", "0".repeat(63)));
    for bad in [
        "",
        "0x",
        "7",
        "0xzz",
        "0X7",
        &format!("0x{}", "1".repeat(65)),
    ] {
        assert_eq!(
            parse_service_id(bad).map_err(|e| e.kind()),
            Err(ErrorKind::InvalidServiceId),
            "{bad:?}"
        );
    }
    let response = ServiceResponse {
        service_id: short,
        pop: crate::crypto::G1Point::generator(),
    };
    let json = serde_json::to_value(&response).unwrap();
    assert_eq!(json["service_id"], format!("0x{}7", "0".repeat(63)));
    assert_eq!(json["pop"], crate::crypto::G1Point::generator().to_base64());
}

#[test]
fn decryption_key_ids_are_integer_arrays() {
    let g = crate::crypto::G1Point::generator();
    let response = FetchKeyResponse {
        decryption_keys: vec![DecryptionKey {
            id: vec![1, 2, 255],
            encrypted_key: ElGamalCiphertext(g, g),
        }],
    };
    let json = serde_json::to_string(&response).unwrap();
    let b64 = g.to_base64();
    assert_eq!(
        json,
        format!(r#"{{"decryption_keys":[{{"id":[1,2,255],"encrypted_key":["{b64}","{b64}"]}}]}}"#)
    );
    assert_eq!(
        serde_json::from_str::<FetchKeyResponse>(&json).unwrap(),
        response
    );
}

#[test]
fn health_body_shape() {
    let health = HealthResponse {
        name: "key-server".into(),
        version: "0.5.0".into(),
        status: "up".into(),
    };
    assert_eq!(
        serde_json::to_string(&health).unwrap(),
        r#"{"name":"key-server","version":"0.5.0","status":"up"}"#
    );
}

proptest! {
    #[test]
    fn arbitrary_json_never_panics(text in ".{0,400}") {
        let _ = serde_json::from_str::<FetchKeyRequest>(&text);
        let _ = serde_json::from_str::<FetchKeyResponse>(&text);
        let _ = parse_service_id(&text);
    }

    #[test]
    fn arbitrary_field_values_never_panic(
        ptb in ".{0,40}",
        enc_key in ".{0,80}",
        user in ".{0,70}",
        time in any::<u64>(),
        ttl in any::<u16>(),
    ) {
        let body = serde_json::json!({
            "ptb": ptb, "enc_key": enc_key, "enc_verification_key": enc_key, "request_signature": enc_key,
            "certificate": {"user": user, "session_vk": enc_key, "creation_time": time, "ttl_min": ttl, "signature": enc_key}
        });
        if let Ok(request) = serde_json::from_value::<FetchKeyRequest>(body) {
            let _ = request.valid_ptb();
            let _ = request.certificate.personal_message(&crate::Address::ZERO);
        }
    }
}
