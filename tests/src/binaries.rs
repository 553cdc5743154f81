//! The stack's binaries for the suites: `cargo test` builds only this crate's targets, so the
//! first cluster of a test process asks cargo to build the workspace's binaries
//! (`seal-localnet`, `seal-keyvault`, `seal-frontend` among them) into the same target folder:
//! a no-op when they are up to date, and never a stale binary under test. The whole workspace
//! is built, not the three packages alone, so that features resolve as in `cargo build` and
//! the binaries are not rebuilt back and forth.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The folder with up-to-date binaries (`target/<profile>`); panics if they cannot be built.
pub fn dir() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(build).clone()
}

fn build() -> PathBuf {
    // A test binary lives in `target/<profile>/deps/`.
    let dir = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| panic!("cannot locate the target folder"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["build", "--workspace", "--bins"]);
    if dir.ends_with("release") {
        command.arg("--release");
    }
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("running cargo: {e}"));
    assert!(status.success(), "building the stack's binaries failed");
    dir
}
