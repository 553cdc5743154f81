//! The seccomp filter the keyvault enters before serving.
//!
//! The allowlist lives in `seccomp/keyvault.json` (one comment per rule saying why it is
//! needed) and is compiled into the binary. Anything else — creating sockets or processes,
//! opening files, executing programs, tracing, changing process attributes — kills the process
//! with `SIGSYS`. The filter is installed on every thread at once (`SECCOMP_FILTER_FLAG_TSYNC`),
//! after the keys are loaded, the socket is bound and all threads exist.

use seccompiler::BpfProgram;

use crate::Error;

/// The filter source.
pub const FILTER_JSON: &str = include_str!("../../seccomp/keyvault.json");

/// Name of the filter in the JSON map.
const FILTER_NAME: &str = "keyvault";

/// Compiles the filter for this machine's architecture.
pub fn compile() -> Result<BpfProgram, Error> {
    let arch = std::env::consts::ARCH.try_into().map_err(|_| {
        Error::Seccomp(format!(
            "unsupported architecture {}",
            std::env::consts::ARCH
        ))
    })?;
    let mut filters = seccompiler::compile_from_json(FILTER_JSON.as_bytes(), arch)
        .map_err(|err| Error::Seccomp(err.to_string()))?;
    filters
        .remove(FILTER_NAME)
        .ok_or_else(|| Error::Seccomp(format!("no filter named {FILTER_NAME}")))
}

/// Installs the filter on every thread of the process. Irreversible.
pub fn install() -> Result<(), Error> {
    let program = compile()?;
    seccompiler::apply_filter_all_threads(&program).map_err(|err| Error::Seccomp(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_compiles_and_every_rule_says_why() {
        assert!(!compile().unwrap().is_empty());
        let doc: serde_json::Value = serde_json::from_str(FILTER_JSON).unwrap();
        let filter = &doc[FILTER_NAME];
        assert_eq!(filter["default_action"], "kill_process");
        let rules = filter["filter"].as_array().unwrap();
        assert!(rules.len() > 10);
        for rule in rules {
            let comment = rule["comment"].as_str().unwrap_or_default();
            assert!(comment.len() > 10, "rule without a reason: {rule}");
        }
    }

    #[test]
    fn forbidden_classes_are_not_allowed_by_any_rule() {
        let doc: serde_json::Value = serde_json::from_str(FILTER_JSON).unwrap();
        let allowed: Vec<&str> = doc[FILTER_NAME]["filter"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|rule| rule["syscall"].as_str())
            .collect();
        for forbidden in [
            "socket",
            "socketpair",
            "connect",
            "bind",
            "listen",
            "open",
            "openat",
            "openat2",
            "creat",
            "execve",
            "execveat",
            "fork",
            "vfork",
            "clone",
            "clone3",
            "ptrace",
            "prctl",
            "process_vm_readv",
            "process_vm_writev",
            "setuid",
            "mount",
            "kill",
            "tgkill",
        ] {
            assert!(
                !allowed.contains(&forbidden),
                "{forbidden} must stay forbidden"
            );
        }
    }
}
