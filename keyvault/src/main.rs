//! `seal-keyvault`: parses the command line and runs the subcommand.

#![forbid(unsafe_code)]

use clap::Parser;
use seal_keyvault::cli::{Cli, Command};
use seal_keyvault::commands;

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Keygen { mode, out } => commands::keygen(*mode, out),
        Command::PublicKey {
            key_file,
            derivation_index,
        } => commands::public_key(key_file, *derivation_index),
        Command::Serve(args) => commands::serve(args),
        Command::VerifyAudit { file } => commands::verify_audit(file),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("seal-keyvault: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
