//! `seal-localnet`: parses the command line and runs the emulator.

#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use seal_localnet::clock::ClockMode;
use seal_localnet::ledger::{Ledger, LedgerConfig, SharedLedger};

/// A local Sui fullnode emulator (sui.rpc.v2 over gRPC and gRPC-web) for development and tests.
#[derive(Debug, Parser)]
#[command(name = "seal-localnet", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the emulator and serve until SIGTERM or Ctrl-C.
    Start {
        /// Address to listen on (loopback only: this is a development tool).
        #[arg(long, default_value = "127.0.0.1:9000")]
        listen: std::net::SocketAddr,
        /// Drive the clock manually instead of following the wall clock.
        #[arg(long)]
        manual_clock: bool,
        /// Reference gas price of the first epoch.
        #[arg(long, default_value_t = 1000)]
        reference_gas_price: u64,
        /// Write `localnet.json` (URL, chain id, package ids) here once listening. The chain
        /// itself lives in memory and starts from genesis each time.
        #[arg(long)]
        state_dir: Option<std::path::PathBuf>,
    },
}

/// Writes `localnet.json` atomically (write then rename), so readers never see half a file.
fn write_state(
    dir: &std::path::Path,
    address: std::net::SocketAddr,
    ledger: &SharedLedger,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let info = {
        let ledger = ledger.lock();
        serde_json::json!({
            "grpc_url": format!("http://{address}"),
            "chain_id": ledger.chain_id().to_string(),
            "seal_package_id": seal_localnet::ledger::genesis_package_id("seal"),
            "patterns_package_id": seal_localnet::ledger::genesis_package_id("patterns"),
            "genesis_objects": ledger.genesis_objects(),
        })
    };
    let partial = dir.join("localnet.json.partial");
    std::fs::write(&partial, serde_json::to_vec_pretty(&info)?)?;
    std::fs::rename(partial, dir.join("localnet.json"))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let Command::Start {
        listen,
        manual_clock,
        reference_gas_price,
        state_dir,
    } = Cli::parse().command;
    let config = LedgerConfig {
        clock: if manual_clock {
            ClockMode::Manual
        } else {
            ClockMode::RealTime
        },
        start_time_ms: None,
        reference_gas_price,
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("seal-localnet: cannot listen on {listen}: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(err) => {
            eprintln!("seal-localnet: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let ledger = SharedLedger::new(Ledger::new(config));
    if let Some(dir) = state_dir {
        if let Err(err) = write_state(&dir, address, &ledger) {
            eprintln!("seal-localnet: cannot write {}: {err}", dir.display());
            return std::process::ExitCode::FAILURE;
        }
    }
    tracing::info!(%address, "seal-localnet serving sui.rpc.v2 (gRPC and gRPC-web)");
    let shutdown = async {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => return,
            };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    };
    match seal_localnet::server::run(listener, ledger, shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("seal-localnet: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
