//! The stack's binaries for test harnesses. `cargo test` builds only the targets of the package
//! under test, so a harness asks the cargo running it to build the workspace's binaries into
//! the same target folder: a no-op when they are up to date, and never a stale binary under
//! test. The whole workspace is built (not three packages alone) so that features resolve as
//! in `cargo build` and the binaries are not rebuilt back and forth.

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use super::DevError;

/// Variables cargo sets for the package under test, by prefix and by name.
const PER_PACKAGE_PREFIXES: [&str; 4] = [
    "CARGO_MANIFEST_",
    "CARGO_PKG_",
    "CARGO_CRATE_",
    "CARGO_BIN_EXE_",
];
const PER_PACKAGE_NAMES: [&str; 3] = ["CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "OUT_DIR"];

/// The target folder (`target/<profile>`) of the running test executable, with the workspace's
/// binaries built; once per process.
pub fn built_for_tests() -> Result<PathBuf, DevError> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT.get_or_init(build).clone().map_err(DevError::Process)
}

fn build() -> Result<PathBuf, String> {
    // A test executable lives in `target/<profile>/deps/`.
    let dir = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()))
        .ok_or("cannot locate the target folder")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["build", "--workspace", "--bins"]);
    // Cargo gives a test process its package's variables; some build scripts (ring's) rerun
    // when one changes, which would rebuild half the tree on every call. Build as from a shell.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let per_package = PER_PACKAGE_PREFIXES.iter().any(|p| name.starts_with(p))
            || PER_PACKAGE_NAMES.contains(&&*name);
        if per_package {
            command.env_remove(&*name);
        }
    }
    let status = command
        .status()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !status.success() {
        return Err("building the workspace's binaries failed".into());
    }
    Ok(dir)
}
