//! An in-process emulator on a loopback port, and helpers to build transactions.

#![allow(dead_code)]

use std::net::SocketAddr;

use seal_localnet::clock::ClockMode;
use seal_localnet::ledger::{Ledger, LedgerConfig, SharedLedger, genesis_package_id};
use sui_crypto::SuiSigner;
use sui_crypto::ed25519::Ed25519PrivateKey;
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::{
    Address, Argument, Command, GasPayment, Identifier, Input, MoveCall, ObjectData,
    ObjectReference, Owner, ProgrammableTransaction, Transaction, TransactionExpiration,
    TransactionKind, UserSignature,
};

/// The clock's first reading in tests.
pub const START_MS: u64 = 1_700_000_000_000;

/// A running emulator.
pub struct Localnet {
    pub address: SocketAddr,
    pub ledger: SharedLedger,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Localnet {
    /// Starts one with a manual clock at [`START_MS`] and a gas price of 1000.
    pub async fn start() -> Self {
        Self::start_with_gas_price(1000).await
    }

    /// Starts one with a manual clock at [`START_MS`] and the given reference gas price.
    pub async fn start_with_gas_price(reference_gas_price: u64) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let ledger = SharedLedger::new(Ledger::new(LedgerConfig {
            clock: ClockMode::Manual,
            start_time_ms: Some(START_MS),
            reference_gas_price,
        }));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = ledger.clone();
        tokio::spawn(async move {
            seal_localnet::server::run(listener, served, async {
                let _ = stopped.await;
            })
            .await
            .unwrap()
        });
        Self {
            address,
            ledger,
            _stop: stop,
        }
    }

    pub fn client(&self) -> sui_rpc::Client {
        sui_rpc::Client::new(format!("http://{}", self.address)).unwrap()
    }
}

/// The genesis `seal` and `patterns` packages.
pub fn seal_package() -> Address {
    genesis_package_id("seal")
}
pub fn patterns_package() -> Address {
    genesis_package_id("patterns")
}

/// A deterministic test user.
pub struct User {
    pub key: Ed25519PrivateKey,
    pub address: Address,
}

impl User {
    pub fn new(seed: u8) -> Self {
        let key = Ed25519PrivateKey::new([seed; 32]);
        let address = key.public_key().derive_address();
        Self { key, address }
    }

    pub fn sign(&self, transaction: &Transaction) -> UserSignature {
        self.key.sign_transaction(transaction).unwrap()
    }
}

/// A Move call command.
pub fn call(package: Address, module: &str, function: &str, arguments: Vec<Argument>) -> Command {
    Command::MoveCall(MoveCall {
        package,
        module: Identifier::new(module).unwrap(),
        function: Identifier::new(function).unwrap(),
        type_arguments: vec![],
        arguments,
    })
}

/// A pure input of any BCS value.
pub fn pure<T: serde::Serialize>(value: &T) -> Input {
    Input::Pure(bcs::to_bytes(value).unwrap())
}

/// A transaction with the given gas coins (references) and budget.
pub fn transaction(
    sender: Address,
    inputs: Vec<Input>,
    commands: Vec<Command>,
    gas: Vec<ObjectReference>,
    budget: u64,
) -> Transaction {
    Transaction {
        kind: TransactionKind::ProgrammableTransaction(ProgrammableTransaction {
            inputs,
            commands,
        }),
        sender,
        gas_payment: GasPayment {
            objects: gas,
            owner: sender,
            price: 1000,
            budget,
        },
        expiration: TransactionExpiration::None,
    }
}

/// The current reference of an object.
pub fn reference(ledger: &SharedLedger, id: Address) -> ObjectReference {
    let ledger = ledger.lock();
    let object = ledger.object(&id).unwrap();
    ObjectReference::new(id, object.version(), object.digest())
}

/// The effects status of a simulation or execution response.
pub fn status(transaction: &proto::ExecutedTransaction) -> proto::ExecutionStatus {
    transaction
        .effects
        .as_ref()
        .unwrap()
        .status
        .clone()
        .unwrap()
}

/// A `seal-localnet start` process on an ephemeral loopback port, killed when dropped.
pub struct LocalnetProcess {
    pub child: std::process::Child,
    pub url: String,
    pub address: SocketAddr,
    pub dir: tempfile::TempDir,
}

impl LocalnetProcess {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_seal-localnet"))
            .args([
                "start",
                "--listen",
                "127.0.0.1:0",
                "--manual-clock",
                "--state-dir",
            ])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let state = dir.path().join("localnet.json");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !state.exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "seal-localnet did not start"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let info: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
        let url = info["grpc_url"].as_str().unwrap().to_owned();
        let address = url.trim_start_matches("http://").parse().unwrap();
        Self {
            child,
            url,
            address,
            dir,
        }
    }

    pub fn client(&self) -> sui_rpc::Client {
        sui_rpc::Client::new(&self.url).unwrap()
    }
}

impl Drop for LocalnetProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.1 exchange on loopback: returns the status code and the body.
pub async fn http(
    address: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&serde_json::Value>,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

/// `GetObject` with a read mask (`None`: the default mask).
pub async fn get_object(
    client: &mut sui_rpc::Client,
    id: Address,
    mask: Option<&str>,
) -> Result<proto::Object, tonic::Status> {
    let mut request = proto::GetObjectRequest::new(&id);
    request.read_mask =
        mask.map(<sui_rpc::field::FieldMask as sui_rpc::field::FieldMaskUtil>::from_str);
    Ok(client
        .ledger_client()
        .get_object(request)
        .await?
        .into_inner()
        .object
        .unwrap_or_default())
}

/// Simulates as the key server does: no gas, object inputs by id only (versions stripped).
pub async fn simulate(
    net: &Localnet,
    sender: Address,
    inputs: Vec<Input>,
    commands: Vec<Command>,
) -> proto::ExecutionStatus {
    status(
        &simulate_response(net, sender, inputs, commands)
            .await
            .transaction
            .unwrap(),
    )
}

/// [`simulate`], returning the whole response with each command's return values.
pub async fn simulate_response(
    net: &Localnet,
    sender: Address,
    inputs: Vec<Input>,
    commands: Vec<Command>,
) -> proto::SimulateTransactionResponse {
    let transaction = transaction(sender, inputs, commands, vec![], 500_000_000);
    let mut message: proto::Transaction = transaction.into();
    if let Some(proto::transaction_kind::Data::ProgrammableTransaction(ptb)) =
        message.kind.as_mut().and_then(|k| k.data.as_mut())
    {
        for input in &mut ptb.inputs {
            input.version = None;
            input.digest = None;
        }
    }
    message.bcs = None;
    let mut request = proto::SimulateTransactionRequest::default();
    request.transaction = Some(message);
    request.read_mask = Some(
        <sui_rpc::field::FieldMask as sui_rpc::field::FieldMaskUtil>::from_str(
            "transaction.effects,command_outputs",
        ),
    );
    net.client()
        .execution_client()
        .simulate_transaction(request)
        .await
        .unwrap()
        .into_inner()
}

#[allow(unused_imports)] // not every test file uses it
pub use seal_client::ptb::clock_input;

pub fn abort_of(status: &proto::ExecutionStatus) -> (u64, String, String) {
    let error = status.error.as_ref().expect("a failure");
    let Some(proto::execution_error::ErrorDetails::Abort(abort)) = &error.error_details else {
        panic!("not an abort: {error:?}");
    };
    let location = abort.location.as_ref().unwrap();
    (
        abort.abort_code.unwrap(),
        location.package.clone().unwrap(),
        location.module.clone().unwrap(),
    )
}

pub async fn execute(
    net: &Localnet,
    transaction: &sui_sdk_types::Transaction,
    signatures: Vec<sui_sdk_types::UserSignature>,
) -> Result<proto::ExecutedTransaction, tonic::Status> {
    let mut request = proto::ExecuteTransactionRequest::default();
    request.transaction = Some(transaction.clone().into());
    request.signatures = signatures.into_iter().map(Into::into).collect();
    request.read_mask = Some(
        <sui_rpc::field::FieldMask as sui_rpc::field::FieldMaskUtil>::from_str("effects,objects"),
    );
    Ok(net
        .client()
        .execution_client()
        .execute_transaction(request)
        .await?
        .into_inner()
        .transaction
        .unwrap())
}

/// Objects of a type (by struct name) and their owners.
pub fn objects_named(net: &Localnet, name: &str) -> Vec<(Address, Owner)> {
    let ledger = net.ledger.lock();
    ledger
        .objects()
        .filter(|o| matches!(o.data(), ObjectData::Struct(s) if s.object_type().name().as_str() == name))
        .map(|o| (o.object_id(), *o.owner()))
        .collect()
}

/// Executes `commands` as `user`, paying gas from a fresh faucet coin.
pub async fn pay(
    net: &Localnet,
    user: &User,
    inputs: Vec<Input>,
    commands: Vec<Command>,
) -> proto::ExecutionStatus {
    let coin = net.ledger.lock().fund(user.address, 100_000_000);
    let tx = transaction(
        user.address,
        inputs,
        commands,
        vec![reference(&net.ledger, coin)],
        10_000_000,
    );
    status(&execute(net, &tx, vec![user.sign(&tx)]).await.unwrap())
}

/// Runs `module::function(inputs[0..args])` of the patterns package as `user`, paying gas.
pub async fn run(
    net: &Localnet,
    user: &User,
    inputs: Vec<Input>,
    module: &str,
    function: &str,
    args: u16,
) -> proto::ExecutionStatus {
    let arguments = (0..args).map(Argument::Input).collect();
    let commands = vec![call(patterns_package(), module, function, arguments)];
    pay(net, user, inputs, commands).await
}

/// An input of a shared object at its initial shared version.
pub fn shared_input(net: &Localnet, id: Address, mutable: bool) -> Input {
    let Some(Owner::Shared(initial)) = net.ledger.lock().object(&id).map(|o| *o.owner()) else {
        panic!("{id} is not shared")
    };
    Input::Shared(sui_sdk_types::SharedInput::new(id, initial, mutable))
}
