//! `seal`: the command line of the Seal client. `seal dev` runs the whole stack locally.

#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use seal_client::dev::{DevOptions, DevStack};

/// Seal on the command line.
#[derive(Debug, Parser)]
#[command(name = "seal", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the whole stack on this machine: a local chain (`seal-localnet`) and key servers
    /// (each a `seal-keyvault` and a `seal-frontend`), as separate processes on loopback, until
    /// Ctrl-C or SIGTERM. The binaries are taken from this executable's folder.
    Dev {
        /// Key servers to start (each with its own master key).
        #[arg(long, default_value_t = 1)]
        servers: usize,
        /// Write the URLs, ids and keys as JSON here once everything is ready.
        #[arg(long)]
        info_file: Option<std::path::PathBuf>,
        /// Run an encrypt / fetch / decrypt round trip (and two refusals), then exit.
        #[arg(long)]
        demo: bool,
    },
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let Command::Dev {
        servers,
        info_file,
        demo,
    } = Cli::parse().command;
    let bin_dir = match std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
    {
        Some(dir) => dir,
        None => return fail("cannot find this executable's folder"),
    };
    println!("starting the local chain and {servers} key server(s)...");
    let stack = match DevStack::start(&DevOptions {
        bin_dir,
        servers,
        manual_clock: false,
    })
    .await
    {
        Ok(stack) => stack,
        Err(err) => return fail(err),
    };
    let info = stack.info();
    if let Some(path) = &info_file {
        let text = serde_json::to_string_pretty(&info).unwrap_or_default();
        if let Err(err) = std::fs::write(path, text) {
            return fail(format!("{}: {err}", path.display()));
        }
    }
    println!("\nSui gRPC (and gRPC-web): {}", stack.grpc_url);
    println!("seal package:             {}", stack.seal_package);
    println!("patterns package:         {}", stack.patterns_package);
    for server in &stack.servers {
        println!(
            "key server {}\n  url {}\n  public key 0x{}\n  metrics {}",
            server.object_id,
            server.url,
            hex::encode(server.public_key.to_bytes()),
            server.metrics_url
        );
    }
    if let Some(first) = stack.servers.first() {
        println!(
            "\ntry:\n  curl -s '{}/v1/service?service_id={}' -H 'Client-Sdk-Version: 1.0.0'",
            first.url, first.object_id
        );
        println!("  curl -s {}/admin/info", stack.grpc_url);
    }
    println!("logs and keys: {}", stack.dir.path().display());
    if demo {
        println!("\ndemo:");
        return match seal_client::demo::run(&stack).await {
            Ok(()) => {
                println!("demo passed");
                std::process::ExitCode::SUCCESS
            }
            Err(err) => fail(format!("demo failed: {err}")),
        };
    }
    println!("\nrunning; Ctrl-C to stop");
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
    println!("stopping");
    drop(stack);
    std::process::ExitCode::SUCCESS
}

fn fail(message: impl std::fmt::Display) -> std::process::ExitCode {
    eprintln!("seal: {message}");
    std::process::ExitCode::FAILURE
}
