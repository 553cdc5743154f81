//! End-to-end tests of `seal-keyvault serve`: the real binary on a real socket.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use blstrs::{G1Affine, G1Projective, Scalar};
use common::{Keyvault, connect, ctx, run, run_as_nobody};
use ff::Field;
use group::Group;
use seal_protocol::Address;
use seal_protocol::crypto::{elgamal_decrypt, verify_derived_key, verify_pop};
use seal_protocol::vault::{DeriveRequest, KeyRef, MAX_IDS_PER_CALL, VaultError};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn ephemeral() -> (Scalar, Vec<u8>) {
    let esk = Scalar::random(rand::rngs::OsRng);
    let enc_key = G1Affine::from(G1Projective::generator() * esk)
        .to_compressed()
        .to_vec();
    (esk, enc_key)
}

fn derive(key: KeyRef, enc_key: &[u8], ids: Vec<Vec<u8>>) -> DeriveRequest {
    DeriveRequest {
        key,
        enc_key: enc_key.to_vec(),
        full_ids: ids,
    }
}

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

#[tokio::test]
async fn the_socket_is_0660_and_stale_sockets_are_replaced() {
    let mut vault = Keyvault::start(&[]);
    let mode = std::fs::metadata(&vault.socket)
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o660);
    // Crash (SIGKILL) leaves the socket file behind; a new keyvault replaces it.
    drop(std::mem::replace(&mut vault, Keyvault::start(&[])));
}

#[test]
fn configuration_errors_are_reported_at_startup() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("k");
    std::fs::write(&key, "0x1234\n").unwrap();
    let socket = dir.path().join("s").display().to_string();
    let key = key.display().to_string();
    let cases: [(&[&str], &str); 5] = [
        (&["--key-file", &key], "expected 32 bytes"),
        (&["--key-file", "/nonexistent/key"], "/nonexistent/key"),
        (&["--key-env", "SEAL_TEST_KEY"], "--dev"),
        (
            &["--key-file", &key, "--derivation-index", "1"],
            "permissioned",
        ),
        (
            &["--key-file", &key, "--mode", "permissioned"],
            "derivation-index",
        ),
    ];
    for (extra, message) in cases {
        let mut args = vec!["serve", "--socket", &socket];
        args.extend_from_slice(extra);
        let output = run(&args);
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("0x1234"), "key material echoed: {stderr}");
    }
}

#[tokio::test]
async fn permissioned_mode_serves_only_the_allowed_indices() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed");
    let keygen = run(&[
        "keygen",
        "--mode",
        "permissioned",
        "--out",
        seed.to_str().unwrap(),
    ]);
    assert!(keygen.status.success());
    let listed: Vec<String> = String::from_utf8(keygen.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(listed.len(), 10);
    let index_4 = run(&[
        "public-key",
        "--key-file",
        seed.to_str().unwrap(),
        "--derivation-index",
        "4",
    ]);
    let pk4 = String::from_utf8(index_4.stdout).unwrap().trim().to_owned();
    assert_eq!(listed[4], format!("4 {pk4}"));

    let vault = Keyvault::serve(
        dir,
        seed,
        pk4.clone(),
        &[
            "--mode",
            "permissioned",
            "--derivation-index",
            "4",
            "--derivation-index",
            "7",
        ],
    );
    let client = connect(&vault.socket).await;
    let keys = client.public_keys(ctx()).await.unwrap();
    assert_eq!(
        keys.iter().map(|k| k.key).collect::<Vec<_>>(),
        vec![KeyRef::Derived(4), KeyRef::Derived(7)]
    );
    assert_eq!(
        format!("0x{}", hex::encode(keys[0].public_key.to_bytes())),
        pk4
    );
    assert_eq!(
        listed[7],
        format!("7 0x{}", hex::encode(keys[1].public_key.to_bytes()))
    );

    let (esk, enc_key) = ephemeral();
    let id = vec![4u8; 40];
    let envelopes = client
        .derive_and_encrypt(
            ctx(),
            derive(KeyRef::Derived(4), &enc_key, vec![id.clone()]),
        )
        .await
        .unwrap()
        .unwrap();
    verify_derived_key(
        &elgamal_decrypt(&esk, &envelopes[0]),
        &id,
        &keys[0].public_key,
    )
    .unwrap();
    // Index 5 exists in the seed's tree but is not on this keyvault's list.
    for refused in [KeyRef::Derived(5), KeyRef::Master] {
        let answer = client
            .derive_and_encrypt(ctx(), derive(refused, &enc_key, vec![id.clone()]))
            .await
            .unwrap();
        assert_eq!(answer, Err(VaultError::UnknownKey(refused)));
    }
}

#[test]
fn env_keys_need_dev_mode() {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("s");
    let key = "0x3c185eb32f1ab43a013c7d84659ec7b59791ca76764af4ee8d387bf05621f0c7";
    let mut child = std::process::Command::new(common::BIN)
        .args([
            "serve",
            "--socket",
            socket.to_str().unwrap(),
            "--key-env",
            "SEAL_TEST_MASTER_KEY",
            "--dev",
        ])
        .env("SEAL_TEST_MASTER_KEY", key)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !socket.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let served = socket.exists() && child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    assert!(served, "a --dev keyvault serves a key from the environment");
}

/// Run as `nobody` by [`other_users_are_refused_unless_allowed`]; does nothing when run directly.
#[tokio::test]
#[ignore = "helper: run as another user by other_users_are_refused_unless_allowed"]
async fn probe_as_other_user() {
    let Ok(socket) = std::env::var("KEYVAULT_PROBE_SOCKET") else {
        return;
    };
    let stream = tokio::net::UnixStream::connect(&socket)
        .await
        .expect("the socket is reachable");
    let transport = tarpc::serde_transport::new(
        tarpc::tokio_util::codec::Framed::new(stream, seal_protocol::vault::frame_codec()),
        tarpc::tokio_serde::formats::Bincode::default(),
    );
    let client =
        seal_protocol::vault::VaultClient::new(tarpc::client::Config::default(), transport).spawn();
    match client.status(ctx()).await {
        Ok(_) => std::process::exit(3),
        Err(_) => std::process::exit(2),
    }
}

#[tokio::test]
async fn other_users_are_refused_unless_allowed() {
    if !nix::unistd::getuid().is_root() {
        eprintln!("skipped: needs root to run a client as another user");
        return;
    }
    // The socket is made reachable for everyone on purpose: the uid check must hold on its own.
    for (extra, expected) in [
        (vec![], 2),
        (vec!["--allow-uid", "0", "--allow-uid", "65534"], 3),
    ] {
        let vault = Keyvault::start(&extra);
        std::fs::set_permissions(vault.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&vault.socket, std::fs::Permissions::from_mode(0o666)).unwrap();
        let code = run_as_nobody(
            &vault,
            "probe_as_other_user",
            &[("KEYVAULT_PROBE_SOCKET", vault.socket.to_str().unwrap())],
        );
        assert_eq!(
            code,
            Some(expected),
            "allow list {extra:?}: 2 = refused, 3 = served"
        );
    }
}
