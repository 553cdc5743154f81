//! `SealTestCluster` stops every process it started and removes its working directory when a
//! test fails (panics) while holding it, so a red test leaves no stray chain or key server
//! behind to disturb the next one.

use std::path::{Path, PathBuf};

use seal_tests::SealTestCluster;

/// Live processes whose command line names something under `dir` (every process of a cluster
/// does: the chain's state directory, each keyvault's socket, each frontend's configuration).
fn processes_under(dir: &Path) -> Vec<PathBuf> {
    let needle = dir.as_os_str().as_encoded_bytes();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let is_process = path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.bytes().all(|b| b.is_ascii_digit()));
            is_process
                && std::fs::read(path.join("cmdline"))
                    .unwrap_or_default()
                    .windows(needle.len())
                    .any(|window| window == needle)
        })
        .collect()
}

#[tokio::test]
async fn a_failing_test_leaves_no_process_or_file_behind() {
    let (seen, ran) = tokio::sync::oneshot::channel();
    let failing_test = tokio::spawn(async move {
        let cluster = SealTestCluster::start(2).await;
        let dir = cluster.stack.dir.path().to_path_buf();
        // The chain's port, and each server's API and metrics ports.
        let chain_port = cluster
            .stack
            .grpc_url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok());
        let servers = cluster.stack.servers.iter();
        let ports: Vec<u16> = chain_port
            .into_iter()
            .chain(servers.flat_map(|s| [s.port, s.metrics_port]))
            .collect();
        let processes = processes_under(&dir);
        let _ = seen.send((dir, ports, processes));
        panic!("a failed assertion while the cluster runs");
    });
    let outcome = failing_test.await;
    assert!(outcome.is_err_and(|e| e.is_panic()));
    let (dir, ports, processes) = ran.await.unwrap();

    // One chain, and a keyvault and a frontend per key server, were running.
    assert_eq!(processes.len(), 1 + 2 * 2, "{processes:?}");
    assert_eq!(ports.len(), 1 + 2 * 2, "{ports:?}");
    let alive: Vec<_> = processes.iter().filter(|p| p.exists()).collect();
    assert!(alive.is_empty(), "still running: {alive:?}");
    assert!(processes_under(&dir).is_empty());
    assert!(!dir.exists(), "{} was left behind", dir.display());
    for port in ports {
        let connected = tokio::net::TcpStream::connect(("127.0.0.1", port)).await;
        assert!(connected.is_err(), "port {port} still answers");
    }
}
