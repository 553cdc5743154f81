//! The audit trail: one JSON line per derive call, each carrying the SHA-256 of the line before.
//!
//! Editing, removing or reordering a line breaks the chain at the next line, which
//! [`verify`] reports by line number. The tail has no successor to betray it, so the keyvault
//! also reports the chain head (line count and last hash) in its status: recording that value
//! elsewhere anchors the tail. Lines are written with one `write(2)` each on an `O_APPEND` file.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Error;

/// `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audited derive call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    /// Line number, from 1.
    pub seq: u64,
    /// Milliseconds since the Unix epoch.
    pub time_ms: u64,
    /// The key used.
    pub key: String,
    /// How many ids were asked for.
    pub ids: usize,
    /// [`ids_digest`] of the ids: lets an investigator match a call to a request.
    pub ids_sha256: String,
    /// The caller's uid and pid, from `SO_PEERCRED`.
    pub peer_uid: u32,
    /// The caller's pid.
    pub peer_pid: Option<i32>,
    /// `ok`, `throttled`, `invalid: …`, `unknown key`, `failed`.
    pub outcome: String,
    /// SHA-256 (hex) of the previous line's bytes, or [`GENESIS`].
    pub prev: String,
}

/// What one call contributes to its line; the trail adds sequence and chaining.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    /// The key used.
    pub key: String,
    /// The ids asked for.
    pub ids_count: usize,
    /// SHA-256 (hex) of the ids.
    pub ids_sha256: String,
    /// Caller uid.
    pub peer_uid: u32,
    /// Caller pid.
    pub peer_pid: Option<i32>,
    /// Outcome.
    pub outcome: String,
}

/// SHA-256 (hex) over `u64le(len) ‖ id` for each id in order: unambiguous for any list.
pub fn ids_digest(ids: &[Vec<u8>]) -> String {
    let mut hasher = Sha256::new();
    for id in ids {
        hasher.update((id.len() as u64).to_le_bytes());
        hasher.update(id);
    }
    hex::encode(hasher.finalize())
}

enum Sink {
    File(File),
    Stderr,
}

/// The writer of the trail.
pub struct AuditTrail {
    sink: Sink,
    seq: u64,
    head: String,
}

impl AuditTrail {
    /// Writes to standard error, starting a new chain.
    pub fn stderr() -> Self {
        Self {
            sink: Sink::Stderr,
            seq: 0,
            head: GENESIS.to_owned(),
        }
    }

    /// Opens (or creates, mode 0600) an append-only file and continues its chain after checking
    /// it: a keyvault does not extend a trail that has already been tampered with.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let audit_error = |problem: String| Error::Audit {
            path: path.to_owned(),
            problem,
        };
        let existing = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(err) => return Err(audit_error(err.to_string())),
        };
        let (seq, head) = verify(&existing).map_err(|v| audit_error(v.to_string()))?;
        let file = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .mode(0o600)
            .open(path)
            .map_err(|err| audit_error(err.to_string()))?;
        Ok(Self {
            sink: Sink::File(file),
            seq,
            head,
        })
    }

    /// Appends one line. An error means the line may not be on disk; callers fail the call.
    pub fn record(&mut self, event: AuditEvent, time_ms: u64) -> std::io::Result<()> {
        let line = AuditLine {
            seq: self.seq + 1,
            time_ms,
            key: event.key,
            ids: event.ids_count,
            ids_sha256: event.ids_sha256,
            peer_uid: event.peer_uid,
            peer_pid: event.peer_pid,
            outcome: event.outcome,
            prev: self.head.clone(),
        };
        let text = serde_json::to_string(&line).map_err(std::io::Error::other)?;
        let mut bytes = text.clone().into_bytes();
        bytes.push(b'\n');
        match &mut self.sink {
            Sink::File(file) => file.write_all(&bytes)?,
            Sink::Stderr => std::io::stderr().lock().write_all(&bytes)?,
        }
        self.seq += 1;
        self.head = hex::encode(Sha256::digest(text.as_bytes()));
        Ok(())
    }

    /// Lines written in this chain and the hash of the last one.
    pub fn head(&self) -> (u64, String) {
        (self.seq, self.head.clone())
    }
}

/// Where and how a trail is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct Violation {
    /// 1-based line number in the file.
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

/// Checks a whole trail; returns the number of lines and the hash of the last one.
pub fn verify(text: &str) -> Result<(u64, String), Violation> {
    let mut head = GENESIS.to_owned();
    let mut seq = 0u64;
    for (index, raw) in text.split_terminator('\n').enumerate() {
        let line = index + 1;
        let fail = |problem: String| Violation { line, problem };
        let parsed: AuditLine =
            serde_json::from_str(raw).map_err(|e| fail(format!("not an audit line ({e})")))?;
        if parsed.prev != head {
            return Err(fail(
                "does not follow the line before it (edited, removed or reordered lines)".into(),
            ));
        }
        if parsed.seq != seq + 1 {
            return Err(fail(format!(
                "sequence number {} where {} was expected",
                parsed.seq,
                seq + 1
            )));
        }
        seq = parsed.seq;
        head = hex::encode(Sha256::digest(raw.as_bytes()));
    }
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(Violation {
            line: seq as usize,
            problem: "last line is incomplete".into(),
        });
    }
    Ok((seq, head))
}

/// Reads and verifies a trail file (for `seal-keyvault verify-audit`).
pub fn verify_file(path: &PathBuf) -> Result<(u64, String), Error> {
    let text = std::fs::read_to_string(path).map_err(|err| Error::Audit {
        path: path.clone(),
        problem: err.to_string(),
    })?;
    verify(&text).map_err(|v| Error::Audit {
        path: path.clone(),
        problem: v.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: usize) -> AuditEvent {
        AuditEvent {
            key: "master".into(),
            ids_count: n,
            ids_sha256: ids_digest(&vec![vec![1]; n]),
            peer_uid: 1000,
            peer_pid: Some(42),
            outcome: "ok".into(),
        }
    }

    fn trail_with(lines: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        let mut trail = AuditTrail::open(&path).unwrap();
        for n in 0..lines {
            trail.record(event(n + 1), 1000 + n as u64).unwrap();
        }
        (dir, path)
    }

    #[test]
    fn an_intact_trail_verifies_and_is_continued_across_restarts() {
        let (_dir, path) = trail_with(3);
        let (count, head) = verify_file(&path).unwrap();
        assert_eq!(count, 3);
        let mut reopened = AuditTrail::open(&path).unwrap();
        assert_eq!(reopened.head(), (3, head));
        reopened.record(event(1), 5).unwrap();
        assert_eq!(verify_file(&path).unwrap().0, 4);
    }

    #[test]
    fn edits_removals_and_reorders_are_found_by_line() {
        let (_dir, path) = trail_with(4);
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let join = |ls: Vec<&str>| ls.iter().map(|l| format!("{l}\n")).collect::<String>();

        let edited = join(vec![
            lines[0],
            &lines[1].replace("\"ids\":2", "\"ids\":20"),
            lines[2],
            lines[3],
        ]);
        assert_eq!(verify(&edited).unwrap_err().line, 3);
        let removed = join(vec![lines[0], lines[2], lines[3]]);
        assert_eq!(verify(&removed).unwrap_err().line, 2);
        let reordered = join(vec![lines[0], lines[2], lines[1], lines[3]]);
        assert_eq!(verify(&reordered).unwrap_err().line, 2);
        let garbage = join(vec![lines[0], "{not json"]);
        assert_eq!(verify(&garbage).unwrap_err().line, 2);
        // The tail: removing the last line leaves a valid but shorter chain, which the head
        // recorded elsewhere exposes.
        let (count, _) = verify(&join(lines[..3].to_vec())).unwrap();
        assert_eq!(count, 3);
        // A tampered file is not extended.
        std::fs::write(&path, &edited).unwrap();
        assert!(AuditTrail::open(&path).is_err());
    }
}
