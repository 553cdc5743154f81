//! `seal dev --demo` on a fresh stack: the round trip and the two refusals pass, and the info
//! file describes the stack.

mod common;

use std::process::Command;

#[test]
fn seal_dev_demo_passes_and_describes_the_stack() {
    common::bin_dir();
    let dir = tempfile::tempdir().unwrap();
    let info_file = dir.path().join("info.json");
    let output = Command::new(env!("CARGO_BIN_EXE_seal"))
        .args(["dev", "--servers", "2", "--demo", "--info-file"])
        .arg(&info_file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout.matches("  ok  ").count(), 5, "{stdout}");
    assert!(stdout.contains("demo passed"));
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&info_file).unwrap()).unwrap();
    for field in [
        "key_server_url",
        "key_server_object_id",
        "public_key",
        "sui_grpc_url",
        "seal_package_id",
        "patterns_package_id",
        "metrics_url",
    ] {
        assert!(info[field].is_string(), "{field} in {info}");
    }
    assert_eq!(info["key_servers"].as_array().unwrap().len(), 2);
}

#[test]
fn missing_binaries_are_named() {
    // A copy of `seal` alone in a folder cannot find its siblings, and says so.
    let dir = tempfile::tempdir().unwrap();
    let lonely = dir.path().join("seal");
    std::fs::copy(env!("CARGO_BIN_EXE_seal"), &lonely).unwrap();
    let output = Command::new(&lonely).args(["dev"]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("seal-localnet") && stderr.contains("cargo build"),
        "{stderr}"
    );
}
