//! Configuration parsing and validation, with the official error messages (§6.3).

use super::*;

const OBJECT: &str = "0x0000000000000000000000000000000000000000000000000000000000000002";

fn open(extra: &str) -> String {
    format!(
        "network: !Custom\n  seal_package: '0x5ea1'\nnode_url: http://127.0.0.1:9000\nserver_mode: !Open\n  key_server_object_id: '{OBJECT}'\nkeyvault_socket: /run/v.sock\n{extra}"
    )
}

fn permissioned(clients: &str) -> String {
    format!(
        "network: Testnet\nserver_mode: !Permissioned\n  client_configs:\n{clients}keyvault_socket: /run/v.sock\n"
    )
}

fn client(name: &str, key: &str, object: &str, packages: &[&str]) -> String {
    let packages: Vec<String> = packages.iter().map(|p| format!("'{p}'")).collect();
    format!(
        "    - name: {name}\n      client_master_key: {key}\n      key_server_object_id: '{object}'\n      package_ids: [{}]\n",
        packages.join(", ")
    )
}

#[test]
fn an_open_configuration_with_defaults() {
    let config = Config::from_yaml(&open(""), None).unwrap();
    assert_eq!(config.node_url, "http://127.0.0.1:9000");
    assert_eq!(
        config.keys,
        vec![ServedKey {
            object_id: OBJECT.parse().unwrap(),
            key: KeyRef::Master,
            packages: None
        }]
    );
    assert_eq!(config.allowed_staleness, Duration::from_secs(120));
    assert_eq!(config.session_key_ttl_max, Duration::from_secs(1800));
    assert_eq!(config.rgp_update_interval, Duration::from_secs(60));
    assert_eq!(config.metrics_port, 9184);
    assert!(
        config
            .sdk
            .typescript
            .matches(&semver::Version::new(0, 4, 5))
    );
    assert!(config.key_for_package(&Address::TWO).is_some());
}

#[test]
fn durations_versions_and_node_url_override() {
    let config = Config::from_yaml(&open("allowed_staleness: '30s'\nsession_key_ttl_max: '10m'\nts_sdk_version_requirement: '>=1.0.0'\n"), None).unwrap();
    assert_eq!(config.allowed_staleness, Duration::from_secs(30));
    assert_eq!(config.session_key_ttl_max, Duration::from_secs(600));
    assert!(
        !config
            .sdk
            .typescript
            .matches(&semver::Version::new(0, 9, 0))
    );
    let error = Config::from_yaml(&open(""), Some("http://other".into())).unwrap_err();
    assert_eq!(error.field, "node_url");
    let testnet = Config::from_yaml(
        &open("")
            .replace("!Custom\n  seal_package: '0x5ea1'", "Testnet")
            .replace("node_url: http://127.0.0.1:9000\n", ""),
        Some("http://x".into()),
    )
    .unwrap();
    assert_eq!(testnet.node_url, "http://x");
    assert_eq!(
        testnet.seal_package.to_string(),
        "0xdccbeb87767be2b2346af5575eb139807205e4c23ec53dc616f951fe1d814112"
    );
}

#[test]
fn errors_name_their_field() {
    let cases = [
        (open("unknown_field: 1\n"), "unknown field"),
        (open("allowed_staleness: 'soon'\n"), "allowed_staleness"),
        (
            open("ts_sdk_version_requirement: 'banana'\n"),
            "ts_sdk_version_requirement",
        ),
        (
            open("").replace("node_url: http://127.0.0.1:9000\n", ""),
            "node_url",
        ),
        (
            open("").replace(OBJECT, "2"),
            "server_mode.key_server_object_id",
        ),
    ];
    for (yaml, expected) in cases {
        let error = Config::from_yaml(&yaml, None).unwrap_err().to_string();
        assert!(error.contains(expected), "{expected}: {error}");
    }
}

#[test]
fn permissioned_clients_follow_the_official_rules() {
    let ok = permissioned(
        &(client(
            "a",
            "!Derived\n        derivation_index: 0",
            "0xa1",
            &["0xb1"],
        ) + &client(
            "b",
            "!Exported\n        deprecated_derivation_index: 1",
            "0xa2",
            &["0xb2"],
        )),
    );
    let config = Config::from_yaml(&ok, None).unwrap();
    assert_eq!(config.keys.len(), 1, "exported clients are not served");
    assert_eq!(config.keys[0].key, KeyRef::Derived(0));
    assert!(config.key_for_package(&"0xb1".parse().unwrap()).is_some());
    assert!(config.key_for_package(&"0xb2".parse().unwrap()).is_none());
    assert!(config.key_for_object(&"0xa1".parse().unwrap()).is_some());

    let derived = |i: u64| format!("!Derived\n        derivation_index: {i}");
    let cases = [
        (
            client("a", &derived(0), "0xa1", &["0xb1"])
                + &client("a", &derived(1), "0xa2", &["0xb2"]),
            "Duplicate client name: a",
        ),
        (
            client("a", &derived(0), "0xa1", &[]),
            "must have at least one package ID",
        ),
        (
            client("a", &derived(0), "0xa1", &["0xb1"])
                + &client("b", &derived(1), "0xa1", &["0xb2"]),
            "Duplicate key server object ID",
        ),
        (
            client("a", &derived(0), "0xa1", &["0xb1"])
                + &client("b", &derived(1), "0xa2", &["0xa1"]),
            "Duplicate package ID",
        ),
        (
            client("a", &derived(0), "0xa1", &["0xb1"])
                + &client("b", &derived(0), "0xa2", &["0xb2"]),
            "Duplicate derivation index: 0",
        ),
        (
            client("a", &derived(1), "0xa1", &["0xb1"]),
            "incremental, starting from 0",
        ),
        (
            client("a", "!Imported\n        env_var: KEY", "0xa1", &["0xb1"]),
            "not supported",
        ),
        (
            client(
                "a",
                "!Exported\n        deprecated_derivation_index: 0",
                "0xa1",
                &["0xb1"],
            ),
            "No clients found",
        ),
    ];
    for (clients, expected) in cases {
        let error = Config::from_yaml(&permissioned(&clients), None)
            .unwrap_err()
            .to_string();
        assert!(error.contains(expected), "{expected}: {error}");
    }
}
