//! `seal-frontend`: reads the configuration, starts, and serves until SIGTERM or Ctrl-C.

#![forbid(unsafe_code)]

use std::sync::Arc;

use clap::Parser;
use seal_frontend::config::Config;
use seal_frontend::metrics::Metrics;
use seal_frontend::state::AppState;

/// The internet-facing Seal key server; keys come from `seal-keyvault`.
#[derive(Debug, Parser)]
#[command(name = "seal-frontend", version)]
struct Cli {
    /// The YAML configuration (or `CONFIG_PATH`).
    #[arg(long, env = "CONFIG_PATH")]
    config: std::path::PathBuf,
}

fn fail(message: impl std::fmt::Display) -> std::process::ExitCode {
    eprintln!("seal-frontend: {message}");
    std::process::ExitCode::FAILURE
}

/// `FULL_NODE_RPC_API_NAME` and `FULL_NODE_RPC_API_KEY`, when both are set and non-empty.
fn api_key_from_env() -> Option<(String, String)> {
    let name = std::env::var("FULL_NODE_RPC_API_NAME")
        .ok()
        .filter(|v| !v.is_empty())?;
    let key = std::env::var("FULL_NODE_RPC_API_KEY")
        .ok()
        .filter(|v| !v.is_empty())?;
    Some((name, key))
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
    if std::env::var_os("MASTER_KEY").is_some() {
        return fail(
            "MASTER_KEY is set: this frontend holds no keys. Give the key to seal-keyvault (see its --key-file) and unset MASTER_KEY.",
        );
    }
    let cli = Cli::parse();
    let text = match std::fs::read_to_string(&cli.config) {
        Ok(text) => text,
        Err(err) => return fail(format!("cannot read {}: {err}", cli.config.display())),
    };
    let mut config = match Config::from_yaml(&text, std::env::var("NODE_URL").ok()) {
        Ok(config) => config,
        Err(err) => return fail(err),
    };
    if let Ok(port) = std::env::var("PORT") {
        match port.parse() {
            Ok(port) => config.listen_address.set_port(port),
            Err(_) => return fail(format!("PORT={port} is not a port number")),
        }
    }
    let tls = match &config.tls {
        Some(tls) => match seal_frontend::server::tls_config(tls) {
            Ok(tls) => Some(tls),
            Err(err) => return fail(err),
        },
        None => None,
    };
    let listen = config.listen_address;
    let metrics_address = std::net::SocketAddr::from(([0, 0, 0, 0], config.metrics_port));
    let rgp_interval = config.rgp_update_interval;
    let git_version = option_env!("GIT_REVISION").unwrap_or("unknown").to_owned();
    let metrics = Arc::new(Metrics::new());
    let state = match AppState::start(
        config,
        git_version,
        api_key_from_env(),
        Arc::clone(&metrics),
    )
    .await
    {
        Ok(state) => Arc::new(state),
        Err(err) => return fail(err),
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(err) => return fail(format!("cannot listen on {listen}: {err}")),
    };
    match tokio::net::TcpListener::bind(metrics_address).await {
        Ok(metrics_listener) => {
            tokio::spawn(seal_frontend::metrics::serve(
                metrics_listener,
                Arc::clone(&metrics),
            ));
        }
        Err(err) => {
            return fail(format!(
                "cannot listen on {metrics_address} for metrics: {err}"
            ));
        }
    }
    let updater = Arc::clone(&state);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(rgp_interval);
        loop {
            ticks.tick().await;
            let status = match updater.chain.refresh_reference_gas_price().await {
                Ok(price) => {
                    let price = i64::try_from(price).unwrap_or(i64::MAX);
                    updater.metrics.reference_gas_price.set(price);
                    "success"
                }
                Err(err) => {
                    tracing::warn!(%err, "reference gas price update failed");
                    "failure"
                }
            };
            updater
                .metrics
                .gas_price_status
                .with_label_values(&[status])
                .inc();
        }
    });
    tracing::info!(address = %listen, tls = tls.is_some(), "seal-frontend serving");
    let shutdown = async {
        let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    };
    match seal_frontend::server::run(listener, state, tls, shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => fail(err),
    }
}
