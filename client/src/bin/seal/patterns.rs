//! Helpers for the patterns a user sets up on chain before encrypting: whitelists (create,
//! add, remove) and subscriptions (create a service, subscribe to it). Each one builds the
//! transaction, signs it with the user's key, executes it and prints what it created; an abort
//! is reported with its module and code.

use std::path::PathBuf;

use seal_client::chain::{Chain, Executed};
use seal_client::ptb::{PtbBuilder, clock_input};
use seal_protocol::Address;
use serde::Deserialize;
use sui_sdk_types::{Argument, Command, SplitCoins};

/// Where and as whom.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// Fullnode gRPC URL.
    #[arg(long)]
    node: String,
    /// The user's key (`seal keygen`); pays gas.
    #[arg(long)]
    key: PathBuf,
    /// The `patterns` package (any version).
    #[arg(long)]
    package: Address,
}

/// Whitelist commands.
#[derive(Debug, clap::Subcommand)]
pub enum WhitelistCommand {
    /// Create a (shared) whitelist; prints its id and the id of its `Cap` (yours).
    Create(Target),
    /// Add an address to a whitelist (needs its `Cap`).
    Add(WhitelistChange),
    /// Remove an address from a whitelist (needs its `Cap`).
    Remove(WhitelistChange),
}

/// `add` and `remove`.
#[derive(Debug, clap::Args)]
pub struct WhitelistChange {
    #[command(flatten)]
    target: Target,
    /// The whitelist.
    #[arg(long)]
    whitelist: Address,
    /// Its `Cap`.
    #[arg(long)]
    cap: Address,
    /// The address to add or remove.
    #[arg(long)]
    address: Address,
}

/// Subscription commands.
#[derive(Debug, clap::Subcommand)]
pub enum SubscriptionCommand {
    /// Create a (shared) service you own; prints its id.
    Create {
        #[command(flatten)]
        target: Target,
        /// Price of one subscription, in MIST.
        #[arg(long)]
        fee: u64,
        /// How long a subscription lasts, in milliseconds.
        #[arg(long)]
        ttl_ms: u64,
    },
    /// Pay a service's fee (read from chain) for a subscription; prints its id.
    Subscribe {
        #[command(flatten)]
        target: Target,
        /// The service.
        #[arg(long)]
        service: Address,
    },
}

/// `subscription::Service`, to read its fee.
#[derive(Debug, Deserialize)]
struct Service {
    _id: Address,
    fee: u64,
    _ttl: u64,
    _owner: Address,
}

async fn run(target: &Target, ptb: PtbBuilder) -> Result<Executed, String> {
    let signer = crate::keys::read_key(&target.key)?;
    let mut chain = Chain::new(&target.node).map_err(|e| e.to_string())?;
    let executed = chain
        .execute_ptb(&signer, ptb.finish())
        .await
        .map_err(|e| e.to_string())?;
    match &executed.failure {
        None => Ok(executed),
        Some(failure) => Err(match &failure.abort {
            Some((code, module)) => format!("aborted in {module} with code {code}"),
            None => format!("transaction failed: {}", failure.description),
        }),
    }
}

/// The one object of type `module::Name` a transaction created.
fn created(executed: &Executed, module_and_name: &str) -> Result<Address, String> {
    executed
        .created_of(module_and_name)
        .first()
        .copied()
        .ok_or_else(|| format!("the transaction created no {module_and_name}"))
}

fn chain(target: &Target) -> Result<Chain, String> {
    Chain::new(&target.node).map_err(|e| e.to_string())
}

/// Runs a whitelist command.
pub async fn whitelist(command: WhitelistCommand) -> Result<(), String> {
    let (change, function) = match command {
        WhitelistCommand::Create(target) => {
            let mut ptb = PtbBuilder::new();
            ptb.call(
                target.package,
                "whitelist",
                "create_whitelist_entry",
                vec![],
            )
            .map_err(|e| e.to_string())?;
            let executed = run(&target, ptb).await?;
            println!("whitelist {}", created(&executed, "whitelist::Whitelist")?);
            println!("cap {}", created(&executed, "whitelist::Cap")?);
            return Ok(());
        }
        WhitelistCommand::Add(change) => (change, "add"),
        WhitelistCommand::Remove(change) => (change, "remove"),
    };
    let mut chain = chain(&change.target)?;
    let mut ptb = PtbBuilder::new();
    let list = chain
        .shared_input(change.whitelist, true)
        .await
        .map_err(|e| e.to_string())?;
    let cap = chain
        .object_input(change.cap)
        .await
        .map_err(|e| e.to_string())?;
    let args = vec![
        ptb.input(list),
        ptb.input(cap),
        ptb.pure(&change.address).map_err(|e| e.to_string())?,
    ];
    ptb.call(change.target.package, "whitelist", function, args)
        .map_err(|e| e.to_string())?;
    run(&change.target, ptb).await?;
    Ok(())
}

/// Runs a subscription command.
pub async fn subscription(command: SubscriptionCommand) -> Result<(), String> {
    match command {
        SubscriptionCommand::Create {
            target,
            fee,
            ttl_ms,
        } => {
            let mut ptb = PtbBuilder::new();
            let args = vec![
                ptb.pure(&fee).map_err(|e| e.to_string())?,
                ptb.pure(&ttl_ms).map_err(|e| e.to_string())?,
            ];
            ptb.call(target.package, "subscription", "create_service_entry", args)
                .map_err(|e| e.to_string())?;
            let executed = run(&target, ptb).await?;
            println!("{}", created(&executed, "subscription::Service")?);
        }
        SubscriptionCommand::Subscribe { target, service } => {
            let mut chain = chain(&target)?;
            let contents = chain.contents(service).await.map_err(|e| e.to_string())?;
            let fee = bcs::from_bytes::<Service>(&contents)
                .map_err(|_| format!("{service} is not a subscription service"))?
                .fee;
            let buyer = crate::keys::read_key(&target.key)?
                .public_key()
                .derive_address();
            let mut ptb = PtbBuilder::new();
            let amount = ptb.pure(&fee).map_err(|e| e.to_string())?;
            let coin = ptb.command(Command::SplitCoins(SplitCoins {
                coin: Argument::Gas,
                amounts: vec![amount],
            }));
            let shared = chain
                .shared_input(service, false)
                .await
                .map_err(|e| e.to_string())?;
            let args = vec![coin, ptb.input(shared), ptb.input(clock_input())];
            let subscription = ptb
                .call(target.package, "subscription", "subscribe", args)
                .map_err(|e| e.to_string())?;
            let to = ptb.pure(&buyer).map_err(|e| e.to_string())?;
            ptb.call(
                target.package,
                "subscription",
                "transfer",
                vec![subscription, to],
            )
            .map_err(|e| e.to_string())?;
            let executed = run(&target, ptb).await?;
            println!("{}", created(&executed, "subscription::Subscription")?);
        }
    }
    Ok(())
}
