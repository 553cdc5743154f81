//! What the command-line suites share: running `seal`, and a local stack to run it against.

#![allow(dead_code)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use seal_client::dev::{DevOptions, DevStack};

pub fn seal(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_seal"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.unwrap_or_default())
        .unwrap();
    child.wait_with_output().unwrap()
}

pub fn text(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// The folder of `seal` and the other workspace binaries, freshly built.
pub fn bin_dir() -> std::path::PathBuf {
    seal_client::dev::binaries::built_for_tests().unwrap()
}

/// A stack of `servers` key servers.
pub async fn start_stack(servers: usize) -> DevStack {
    DevStack::start(&DevOptions::new(bin_dir(), servers))
        .await
        .unwrap()
}
