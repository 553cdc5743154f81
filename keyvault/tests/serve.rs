//! End-to-end tests of `seal-keyvault serve`: the real binary on a real socket, deriving,
//! refusing malformed input, metering, auditing and sandboxing itself.

mod common;

use std::time::Duration;

use blstrs::Scalar;
use common::{Keyvault, connect, ctx, derive, ephemeral, run};
use ff::Field;
use seal_protocol::Address;
use seal_protocol::crypto::{elgamal_decrypt, verify_derived_key, verify_pop};
use seal_protocol::vault::{DeriveRequest, KeyRef, MAX_IDS_PER_CALL, VaultError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn derives_verifiable_keys_and_proves_possession() {
    let vault = Keyvault::start(&[]);
    let client = connect(&vault.socket).await;

    let keys = client.public_keys(ctx()).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].key, KeyRef::Master);
    let public_key = keys[0].public_key;
    assert_eq!(
        format!("0x{}", hex::encode(public_key.to_bytes())),
        vault.public_key
    );

    let object_id = Address::from_static("0x5eed");
    let pop = client
        .proof_of_possession(ctx(), KeyRef::Master, object_id)
        .await
        .unwrap()
        .unwrap();
    verify_pop(&pop, &public_key, &object_id).unwrap();

    let (esk, enc_key) = ephemeral();
    let ids: Vec<Vec<u8>> = (0u8..3)
        .map(|i| [[7u8; 32].as_slice(), &[i; 5]].concat())
        .collect();
    let envelopes = client
        .derive_and_encrypt(ctx(), derive(KeyRef::Master, &enc_key, ids.clone()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(envelopes.len(), 3);
    for (id, envelope) in ids.iter().zip(&envelopes) {
        verify_derived_key(&elgamal_decrypt(&esk, envelope), id, &public_key).unwrap();
        // Decrypting with another secret gives garbage, not the key.
        assert!(
            verify_derived_key(
                &elgamal_decrypt(&(esk + Scalar::ONE), envelope),
                id,
                &public_key
            )
            .is_err()
        );
    }

    let status = client.status(ctx()).await.unwrap();
    assert_eq!(status.derived_ids, 3);
    assert_eq!(status.keys, vec![KeyRef::Master]);
    assert_eq!(status.audit_head.map(|(lines, _)| lines), Some(1));
}

#[tokio::test]
async fn malformed_arguments_get_typed_errors_and_serving_goes_on() {
    let mut vault = Keyvault::start(&[]);
    let client = connect(&vault.socket).await;
    let (_, enc_key) = ephemeral();
    let mut identity = vec![0u8; 48];
    identity[0] = 0xc0;
    let mut off_curve = enc_key.clone();
    off_curve[47] ^= 1;

    type Expect = fn(&VaultError) -> bool;
    let cases: Vec<(DeriveRequest, Expect)> = vec![
        (
            derive(
                KeyRef::Master,
                &enc_key,
                vec![vec![1]; MAX_IDS_PER_CALL + 1],
            ),
            |e| matches!(e, VaultError::TooManyIds { .. }),
        ),
        (derive(KeyRef::Master, &enc_key, vec![vec![1; 5000]]), |e| {
            matches!(e, VaultError::IdTooLong { .. })
        }),
        (derive(KeyRef::Master, &enc_key, vec![]), |e| {
            matches!(e, VaultError::NoIds)
        }),
        (derive(KeyRef::Master, &identity, vec![vec![1]]), |e| {
            matches!(e, VaultError::InvalidEncKey(_))
        }),
        (derive(KeyRef::Master, &off_curve, vec![vec![1]]), |e| {
            matches!(e, VaultError::InvalidEncKey(_))
        }),
        (derive(KeyRef::Master, &[1, 2, 3], vec![vec![1]]), |e| {
            matches!(e, VaultError::InvalidEncKey(_))
        }),
        (derive(KeyRef::Derived(3), &enc_key, vec![vec![1]]), |e| {
            matches!(e, VaultError::UnknownKey(_))
        }),
    ];
    for (request, expected) in cases {
        let error = client
            .derive_and_encrypt(ctx(), request.clone())
            .await
            .unwrap()
            .unwrap_err();
        assert!(expected(&error), "{request:?} gave {error:?}");
    }
    assert_eq!(
        client
            .proof_of_possession(ctx(), KeyRef::Derived(0), Address::ZERO)
            .await
            .unwrap(),
        Err(VaultError::UnknownKey(KeyRef::Derived(0)))
    );
    // Still serving, on the same connection.
    let ok = client
        .derive_and_encrypt(ctx(), derive(KeyRef::Master, &enc_key, vec![vec![9]]))
        .await
        .unwrap();
    assert_eq!(ok.unwrap().len(), 1);
    assert!(vault.is_running());
    // Refusals are audited too.
    let stopped = vault.stop();
    assert!(stopped.success(), "{stopped}");
    let trail = std::fs::read_to_string(&vault.audit_log).unwrap();
    assert_eq!(trail.lines().count(), 8);
    assert_eq!(
        trail
            .lines()
            .filter(|l| l.contains("\"outcome\":\"ok\""))
            .count(),
        1
    );
    assert!(!vault.socket.exists(), "the socket is removed at shutdown");
}

/// Sends raw bytes on a fresh connection; returns how many bytes came back before the keyvault
/// closed the connection (0: closed without a reply).
async fn reply_to(socket: &std::path::Path, bytes: &[u8]) -> usize {
    let mut stream = tokio::net::UnixStream::connect(socket).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut buffer = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buffer)).await;
    read.expect("the keyvault answers or closes within 5 s")
        .unwrap_or(0)
}

#[tokio::test]
async fn malformed_frames_close_only_their_connection() {
    let mut vault = Keyvault::start(&[]);
    let healthy = connect(&vault.socket).await;
    // A length prefix far over the frame limit: refused before anything is buffered.
    assert_eq!(reply_to(&vault.socket, &[0x7f, 0xff, 0xff, 0xff]).await, 0);
    // A frame of garbage.
    assert_eq!(
        reply_to(
            &vault.socket,
            &[0, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]
        )
        .await,
        0
    );
    // A request whose deadline is absurdly far away: tarpc would overflow adding it to the
    // clock and abort the process; the keyvault caps it and answers.
    assert!(reply_to(&vault.socket, &absurd_deadline_frame()).await > 0);
    assert!(vault.is_running());
    assert_eq!(healthy.public_keys(ctx()).await.unwrap().len(), 1);
    let fresh = connect(&vault.socket).await;
    assert_eq!(
        fresh.status(ctx()).await.unwrap().keys,
        vec![KeyRef::Master]
    );
}

/// A bincode `ClientMessage::Request` for `status` with a deadline of `u64::MAX` seconds.
fn absurd_deadline_frame() -> Vec<u8> {
    use bincode::Options;
    let options = bincode::DefaultOptions::new();
    // variant Request (0), deadline (secs, nanos), trace id (16 bytes), span id (u64),
    // sampling decision (0), request id, message: VaultRequest::Status (variant 3).
    let body = options
        .serialize(&(0u32, (u64::MAX, 0u32), [1u8; 16], 1u64, 0u32, 1u64, 3u32))
        .unwrap();
    let mut frame = (body.len() as u32).to_be_bytes().to_vec();
    frame.extend(body);
    frame
}

#[tokio::test]
async fn the_budget_throttles_with_a_retry_time() {
    let vault = Keyvault::start(&["--budget-rate", "1", "--budget-burst", "100"]);
    let client = connect(&vault.socket).await;
    let (_, enc_key) = ephemeral();
    let full = client
        .derive_and_encrypt(ctx(), derive(KeyRef::Master, &enc_key, vec![vec![1]; 100]))
        .await
        .unwrap();
    assert_eq!(full.unwrap().len(), 100);
    let throttled = client
        .derive_and_encrypt(ctx(), derive(KeyRef::Master, &enc_key, vec![vec![1]; 2]))
        .await
        .unwrap();
    match throttled {
        Err(VaultError::Throttled { retry_after_ms }) => {
            assert!((1000..=2000).contains(&retry_after_ms), "{retry_after_ms}")
        }
        other => panic!("expected Throttled, got {other:?}"),
    }
    let status = client.status(ctx()).await.unwrap();
    assert_eq!(status.throttled_calls, 1);
    assert_eq!(status.derived_ids, 100);
}

#[tokio::test]
async fn the_audit_trail_verifies_and_a_tampered_copy_does_not() {
    let mut vault = Keyvault::start(&[]);
    let client = connect(&vault.socket).await;
    let (_, enc_key) = ephemeral();
    for n in 1..=3 {
        client
            .derive_and_encrypt(
                ctx(),
                derive(KeyRef::Master, &enc_key, vec![vec![n]; n.into()]),
            )
            .await
            .unwrap()
            .unwrap();
    }
    let head = client.status(ctx()).await.unwrap().audit_head.unwrap();
    vault.stop();
    let verified = run(&["verify-audit", vault.audit_log.to_str().unwrap()]);
    assert!(verified.status.success(), "{verified:?}");
    assert_eq!(
        String::from_utf8_lossy(&verified.stdout).trim(),
        format!("ok: 3 lines, head {}", head.1)
    );

    let text = std::fs::read_to_string(&vault.audit_log).unwrap();
    let tampered = vault.path("tampered.log");
    std::fs::write(&tampered, text.replacen("\"ids\":2", "\"ids\":1", 1)).unwrap();
    let refused = run(&["verify-audit", tampered.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("line 3"),
        "{refused:?}"
    );

    // A restarted keyvault refuses to extend a tampered trail.
    std::fs::copy(&tampered, &vault.audit_log).unwrap();
    let restart = std::process::Command::new(common::BIN)
        .args([
            "serve",
            "--socket",
            vault.path("again.sock").to_str().unwrap(),
        ])
        .args([
            "--key-file",
            vault.key_file.to_str().unwrap(),
            "--audit-log",
            vault.audit_log.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!restart.status.success());
    assert!(
        String::from_utf8_lossy(&restart.stderr).contains("audit trail"),
        "{restart:?}"
    );
}

#[tokio::test]
async fn every_thread_is_sandboxed_and_cores_are_off() {
    let vault = Keyvault::start(&["--crypto-threads", "3"]);
    // Make the process do some work first, so every thread has run.
    let client = connect(&vault.socket).await;
    client.status(ctx()).await.unwrap();
    let tasks: Vec<_> = std::fs::read_dir(format!("/proc/{}/task", vault.pid()))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        tasks.len() >= 4,
        "main thread and three crypto threads: {tasks:?}"
    );
    for task in tasks {
        let status = std::fs::read_to_string(task.join("status")).unwrap();
        assert!(
            status
                .lines()
                .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["Seccomp:", "2"]),
            "{task:?}:\n{status}"
        );
    }
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", vault.pid())).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    assert_eq!(core.split_whitespace().nth(4), Some("0"), "{core}");
}
