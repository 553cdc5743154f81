//! The pattern helpers of the `seal` command line, as the README's tour uses them: a whitelist
//! (create, add, decrypt as a member, remove, refused) and a subscription (create a service,
//! subscribe, decrypt as the subscriber, refused to someone else).

mod common;

use common::{seal, start_stack, text};

/// Runs `seal` and returns its standard output, which must be a success.
fn ok(args: &[&str]) -> String {
    text(&seal(args, None))
}

/// The value after `label ` in `label value` lines.
fn field(output: &str, label: &str) -> String {
    output
        .lines()
        .find_map(|line| line.strip_prefix(label)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {label} in {output}"))
        .to_owned()
}

#[tokio::test]
async fn whitelists_and_subscriptions_from_the_command_line() {
    let stack = start_stack(1).await;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let node = stack.grpc_url.clone();
    let patterns = stack.patterns_package.to_string();
    let server = stack.servers[0].object_id.to_string();
    let version = stack
        .patterns_object("subscription::PackageVersion")
        .expect("genesis made the subscription package's version object")
        .to_string();
    let (admin_key, member_key) = (path("admin.key"), path("member.key"));
    let admin = ok(&["keygen", "--out", &admin_key]);
    let member = ok(&["keygen", "--out", &member_key]);
    for address in [&admin, &member] {
        stack
            .fund(address.parse().unwrap(), 1_000_000_000)
            .await
            .unwrap();
    }
    // `seal <command…> --node … --key <key> --package <patterns> <extra…>`.
    let as_user = |command: &[&str], key: &str, extra: &[&str]| {
        let common = [
            "--node",
            node.as_str(),
            "--key",
            key,
            "--package",
            &patterns,
        ];
        seal(&[command, &common, extra].concat(), None)
    };
    let encrypt = |id: &str, plaintext: &[u8]| {
        let args = [
            "encrypt",
            "--node",
            &node,
            "--package",
            &patterns,
            "--id",
            id,
            "--key-server",
            &server,
        ];
        let out = seal(&args, Some(plaintext));
        assert!(out.status.success());
        out.stdout
    };
    let decrypt = |key: &str, module: &str, objects: &[&str], object: &[u8]| {
        let mut args = vec!["decrypt", "--node", &node, "--key", key, "--module", module];
        for id in objects {
            args.extend(["--object", id]);
        }
        seal(&args, Some(object))
    };

    // Whitelist: create, add the member, who decrypts; removed, the member is refused.
    let created = text(&as_user(&["whitelist", "create"], &admin_key, &[]));
    let (list, cap) = (field(&created, "whitelist"), field(&created, "cap"));
    let change = |function: &str| {
        let extra = ["--whitelist", &list, "--cap", &cap, "--address", &member];
        as_user(&["whitelist", function], &admin_key, &extra)
    };
    text(&change("add"));
    let duplicate = change("add");
    assert!(
        String::from_utf8_lossy(&duplicate.stderr).contains("aborted in whitelist with code 3")
    );
    let id = ok(&["id", "under", "--object", &list, "--nonce", "01"]);
    let object = encrypt(&id, b"for the list");
    let opened = decrypt(&member_key, "whitelist", &[&list], &object);
    assert_eq!(text(&opened), "for the list");
    text(&change("remove"));
    let refused = decrypt(&member_key, "whitelist", &[&list], &object);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("NoAccess"));

    // Subscription: the admin sells access; the member subscribes and reads; the admin, who
    // holds no subscription, names the member's and is refused by the chain's ownership check.
    let service_args = ["--fee", "1000", "--ttl-ms", "600000"];
    let service = text(&as_user(
        &["subscription", "create"],
        &admin_key,
        &service_args,
    ));
    let subscribe_args = ["--service", service.as_str()];
    let subscription = text(&as_user(
        &["subscription", "subscribe"],
        &member_key,
        &subscribe_args,
    ));
    let id = ok(&["id", "under", "--object", &service, "--nonce", "0a0b"]);
    let object = encrypt(&id, b"subscribers only");
    let objects = [version.as_str(), &subscription, &service, "0x6"];
    assert_eq!(
        text(&decrypt(&member_key, "subscription", &objects, &object)),
        "subscribers only"
    );
    let refused = decrypt(&admin_key, "subscription", &objects, &object);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("InvalidParameter"));
}
