//! Child processes of the local stack: started with their standard error in a log file, and
//! waited for until they are ready (or have died, or a minute has passed).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::DevError;

/// Starts `binary` with `args`, standard error to `log`.
pub(super) fn spawn(binary: &Path, args: &[&str], log: &Path) -> Result<Child, DevError> {
    let log = std::fs::File::create(log)
        .map_err(|e| DevError::Process(format!("{}: {e}", log.display())))?;
    Command::new(binary)
        .args(args)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| DevError::Process(format!("{}: {e}", binary.display())))
}

/// Polls `ready` until it holds; fails if `child` (logging to `log`) exits first or a minute
/// passes.
pub(super) fn wait_until(
    what: &str,
    child: &mut Child,
    log: &Path,
    mut ready: impl FnMut() -> bool,
) -> Result<(), DevError> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready() {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(DevError::Process(format!(
                "{what} exited: {status}{}",
                log_tail(log)
            )));
        }
        if Instant::now() > deadline {
            return Err(DevError::Process(format!(
                "{what} did not come up within a minute"
            )));
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Ok(())
}

/// The last lines of a log, to say why a process died.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = lines[lines.len().saturating_sub(5)..].join("\n");
    if tail.is_empty() {
        tail
    } else {
        format!("; its log ends with:\n{tail}")
    }
}

/// A loopback port free right now.
pub(super) fn free_port() -> Result<u16, DevError> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| DevError::Process(e.to_string()))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| DevError::Process(e.to_string()))
}

/// Stops a child and reaps it.
pub(super) fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}
