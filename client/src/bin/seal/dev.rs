//! `seal dev`.

use seal_client::dev::{DevOptions, DevStack};

/// Options of `seal dev`.
#[derive(Debug, clap::Args)]
pub struct DevArgs {
    /// Key servers to start (each with its own master key).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=32))]
    servers: u8,
    /// Write the URLs, ids and keys as JSON here once everything is ready.
    #[arg(long)]
    info_file: Option<std::path::PathBuf>,
    /// Run an encrypt / fetch / decrypt round trip (and two refusals), then exit.
    #[arg(long)]
    demo: bool,
}

/// Starts the stack, prints how to use it, and runs until Ctrl-C or SIGTERM (or the demo ends).
pub async fn run(args: DevArgs) -> Result<(), String> {
    let bin_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .ok_or("cannot find this executable's folder")?;
    println!(
        "starting the local chain and {} key server(s)...",
        args.servers
    );
    let stack = DevStack::start(&DevOptions::new(bin_dir, usize::from(args.servers)))
        .await
        .map_err(|e| e.to_string())?;
    if let Some(path) = &args.info_file {
        let text = serde_json::to_string_pretty(&stack.info()).map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!("\nSui gRPC (and gRPC-web): {}", stack.grpc_url);
    println!("seal package:             {}", stack.seal_package);
    println!("patterns package:         {}", stack.patterns_package);
    if let Some(version) = stack.patterns_object("subscription::PackageVersion") {
        println!("  subscription::PackageVersion {version}");
    }
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
        let node = &stack.grpc_url;
        let patterns = stack.patterns_package;
        println!("\ntry (a time-lock that opened a minute ago):");
        println!("  seal keygen --out me.key");
        println!(
            "  curl -s -X POST {node}/admin/fund -d '{{\"address\":\"<address printed above>\",\"amount\":1000000000}}' -H 'content-type: application/json'"
        );
        println!("  ID=$(seal id tle --in-secs -60)");
        println!(
            "  echo hello | seal encrypt --node {node} --package {patterns} --id $ID --key-server {} --out secret.bin",
            first.object_id
        );
        println!(
            "  seal decrypt --node {node} --key me.key --module tle --object 0x6 --in secret.bin"
        );
    }
    println!("logs and keys: {}", stack.dir.path().display());
    if args.demo {
        println!("\ndemo:");
        seal_client::demo::run(&stack)
            .await
            .map_err(|e| format!("demo failed: {e}"))?;
        println!("demo passed");
        return Ok(());
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
    Ok(())
}
