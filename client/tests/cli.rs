//! The `seal` command line against a stack from `seal_client::dev`: keys, ids, encryption and
//! decryption with both DEMs, a refusal, and key-server registration.

mod common;

use common::{seal, start_stack, text};

#[tokio::test]
async fn encrypt_decrypt_refuse_and_register_from_the_command_line() {
    let stack = start_stack(2).await;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let node = stack.grpc_url.clone();
    let patterns = stack.patterns_package.to_string();
    let (ks1, ks2) = (
        stack.servers[0].object_id.to_string(),
        stack.servers[1].object_id.to_string(),
    );

    // Proofs of possession: the real key verifies, another does not.
    let http = reqwest::Client::new();
    let mut endpoint = seal_client::chain::Chain::new(&node)
        .unwrap()
        .key_server(stack.servers[0].object_id)
        .await
        .unwrap();
    seal_client::fetch::verify_key_server(&http, &endpoint)
        .await
        .unwrap();
    endpoint.public_key = stack.servers[1].public_key;
    assert!(
        seal_client::fetch::verify_key_server(&http, &endpoint)
            .await
            .is_err()
    );

    let me = text(&seal(&["keygen", "--out", &path("me.key")], None));
    assert!(me.starts_with("0x") && me.len() == 66, "{me}");
    assert!(
        !seal(&["keygen", "--out", &path("me.key")], None)
            .status
            .success(),
        "keygen never overwrites"
    );
    text(&seal(&["keygen", "--out", &path("other.key")], None));

    // A passed time-lock, two servers, AES; decrypted by anyone.
    let id = text(&seal(&["id", "tle", "--in-secs", "-60"], None));
    let encrypted = seal(
        &[
            "encrypt",
            "--node",
            &node,
            "--package",
            &patterns,
            "--id",
            &id,
            "--key-server",
            &ks1,
            "--key-server",
            &ks2,
            "--out",
            &path("tle.bin"),
        ],
        Some(b"opened by time"),
    );
    text(&encrypted);
    let decrypted = seal(
        &[
            "decrypt",
            "--node",
            &node,
            "--key",
            &path("other.key"),
            "--module",
            "tle",
            "--object",
            "0x6",
            "--in",
            &path("tle.bin"),
        ],
        None,
    );
    assert_eq!(text(&decrypted), "opened by time");

    // The user's own account, one server, HMAC (stdin to stdout); another user is refused.
    let account = text(&seal(&["id", "account", "--address", &me], None));
    let object = seal(
        &[
            "encrypt",
            "--node",
            &node,
            "--package",
            &patterns,
            "--id",
            &account,
            "--key-server",
            &ks1,
            "--threshold",
            "1",
            "--dem",
            "hmac",
        ],
        Some(b"for me only"),
    );
    assert!(object.status.success());
    let mine = seal(
        &[
            "decrypt",
            "--node",
            &node,
            "--key",
            &path("me.key"),
            "--module",
            "account_based",
        ],
        Some(&object.stdout),
    );
    assert_eq!(text(&mine), "for me only");
    let theirs = seal(
        &[
            "decrypt",
            "--node",
            &node,
            "--key",
            &path("other.key"),
            "--module",
            "account_based",
        ],
        Some(&object.stdout),
    );
    assert!(!theirs.status.success());
    assert!(String::from_utf8_lossy(&theirs.stderr).contains("NoAccess"));

    // Register a (V2) key server and read it back.
    stack
        .fund(me.parse().unwrap(), 1_000_000_000)
        .await
        .unwrap();
    let public_key = format!("0x{}", hex::encode(stack.servers[0].public_key.to_bytes()));
    let registered = seal(
        &[
            "key-server",
            "register",
            "--node",
            &node,
            "--seal-package",
            &stack.seal_package.to_string(),
            "--key",
            &path("me.key"),
            "--name",
            "mine",
            "--url",
            "https://seal.example",
            "--public-key",
            &public_key,
            "--v2",
        ],
        None,
    );
    let created = text(&registered);
    let server_id = created.lines().next().unwrap();
    let shown = text(&seal(
        &["key-server", "show", "--node", &node, server_id],
        None,
    ));
    assert_eq!(
        shown,
        format!("url https://seal.example\npublic key {public_key}")
    );
}
