//! The seccomp filter kills the process on every forbidden class of system call.
//!
//! Firecracker-style death tests: for each class, a child process (this test binary, re-run
//! with one `#[ignore]`d probe selected) installs the keyvault's own filter the way `serve` does
//! and then makes the call. The parent asserts the child died of SIGSYS. A control probe makes
//! only allowed calls and must exit normally, so the test also fails if the filter kills
//! everything or nothing.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

/// Runs the probe for `class` in a child and returns how it ended.
fn run_probe(class: &str) -> std::process::ExitStatus {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--ignored",
            "--exact",
            "probe",
            "--test-threads=1",
            "--nocapture",
        ])
        .env("SECCOMP_PROBE", class)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap()
}

const SIGSYS: i32 = 31;

#[test]
fn forbidden_system_calls_kill_the_process() {
    for class in [
        "socket",
        "connect",
        "bind",
        "open",
        "execve",
        "fork",
        "thread",
        "ptrace",
        "prctl",
        "setrlimit",
    ] {
        let status = run_probe(class);
        assert_eq!(status.signal(), Some(SIGSYS), "{class}: {status}");
    }
}

#[test]
fn allowed_system_calls_do_not() {
    let status = run_probe("allowed");
    assert_eq!(status.code(), Some(0), "{status}");
}

/// The child side. Does nothing unless `SECCOMP_PROBE` names a class.
#[test]
#[ignore = "helper: run in a child process by the tests above"]
fn probe() {
    use nix::sys::socket::{AddressFamily, SockFlag, SockType, UnixAddr, bind, connect, socket};
    let Ok(class) = std::env::var("SECCOMP_PROBE") else {
        return;
    };
    // Resources the forbidden calls act on are made before the filter, as `serve` makes its own.
    let dir = std::env::temp_dir();
    let address =
        UnixAddr::new(&dir.join(format!("seccomp-probe-{}", std::process::id()))).unwrap();
    let prepared = socket(
        AddressFamily::Unix,
        SockType::Datagram,
        SockFlag::empty(),
        None,
    )
    .unwrap();

    seal_keyvault::sandbox::install().expect("the filter installs");

    match class.as_str() {
        "socket" => drop(socket(
            AddressFamily::Unix,
            SockType::Stream,
            SockFlag::empty(),
            None,
        )),
        "connect" => drop(connect(
            std::os::fd::AsRawFd::as_raw_fd(&prepared),
            &address,
        )),
        "bind" => drop(bind(std::os::fd::AsRawFd::as_raw_fd(&prepared), &address)),
        "open" => drop(std::fs::File::open("/proc/self/status")),
        "execve" => drop(nix::unistd::execv(c"/bin/true", &[c"true"])),
        "fork" => drop(Command::new("/bin/true").spawn()),
        "thread" => drop(std::thread::spawn(|| ()).join()),
        "ptrace" => drop(nix::sys::ptrace::traceme()),
        "prctl" => drop(nix::sys::prctl::set_dumpable(true)),
        "setrlimit" => drop(nix::sys::resource::setrlimit(
            nix::sys::resource::Resource::RLIMIT_CORE,
            1,
            1,
        )),
        "allowed" => {
            // What the keyvault does while serving: allocate, read the clock, draw randomness.
            let buffer = vec![7u8; 1 << 20];
            let _ = std::time::Instant::now();
            let mut random = [0u8; 32];
            getrandom(&mut random);
            std::hint::black_box((buffer, random));
            std::process::exit(0);
        }
        other => panic!("unknown probe {other}"),
    }
    // Reaching this line means the call was allowed.
    std::process::exit(1);
}

fn getrandom(out: &mut [u8]) {
    use rand::RngCore;
    rand::rngs::OsRng.fill_bytes(out);
}
