//! The fullnode, through `sui-rpc`: first package ids (cached for good: they never change),
//! object existence, the reference gas price, policy dry runs and zkLogin signatures.
//!
//! Every call has a timeout and is retried with exponential backoff on the retriable gRPC codes
//! only (§6.4): UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sui_rpc::field::{FieldMask, FieldMaskUtil};
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::{Address, Transaction};
use tonic::Code;

use crate::config::RpcConfig;
use crate::metrics::Metrics;

/// Why a chain call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ChainError {
    /// The fullnode answered NOT_FOUND.
    #[error("not found: {0}")]
    NotFound(String),
    /// The fullnode refused an argument.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Anything else (network, timeouts after retries, malformed answers).
    #[error("fullnode unavailable: {0}")]
    Unavailable(String),
}

impl From<tonic::Status> for ChainError {
    fn from(status: tonic::Status) -> Self {
        match status.code() {
            Code::NotFound => ChainError::NotFound(status.message().to_owned()),
            Code::InvalidArgument => ChainError::InvalidArgument(status.message().to_owned()),
            _ => ChainError::Unavailable(format!("{}: {}", status.code(), status.message())),
        }
    }
}

fn retriable(code: Code) -> bool {
    matches!(
        code,
        Code::Unavailable | Code::DeadlineExceeded | Code::ResourceExhausted | Code::Aborted
    )
}

/// A fullnode client.
pub struct Chain {
    client: sui_rpc::Client,
    metrics: Arc<Metrics>,
    rpc: RpcConfig,
    first_packages: moka::future::Cache<Address, Address>,
    reference_gas_price: AtomicU64,
}

impl Chain {
    /// A client of the fullnode at `url`; `api_key` is an optional `(header, value)` sent as
    /// gRPC metadata on every call (`FULL_NODE_RPC_API_NAME` / `FULL_NODE_RPC_API_KEY`).
    pub fn new(
        url: &str,
        rpc: RpcConfig,
        api_key: Option<(String, String)>,
        metrics: Arc<Metrics>,
    ) -> Result<Self, ChainError> {
        let mut client =
            sui_rpc::Client::new(url).map_err(|e| ChainError::Unavailable(e.to_string()))?;
        if let Some((name, value)) = api_key {
            let mut headers = sui_rpc::client::HeadersInterceptor::new();
            let name = tonic::metadata::MetadataKey::from_bytes(name.as_bytes())
                .map_err(|e| ChainError::Unavailable(format!("API key header name: {e}")))?;
            let value = value
                .parse()
                .map_err(|_| ChainError::Unavailable("API key header value is not ASCII".into()))?;
            headers.headers_mut().insert(name, value);
            client = client.with_headers(headers);
        }
        Ok(Self {
            client,
            metrics,
            rpc,
            first_packages: moka::future::Cache::new(10_000),
            reference_gas_price: AtomicU64::new(0),
        })
    }

    /// Runs one call with the timeout and retry policy.
    async fn call<T, F, Fut>(&self, method: &'static str, mut attempt: F) -> Result<T, ChainError>
    where
        F: FnMut(sui_rpc::Client) -> Fut,
        Fut: Future<Output = Result<T, tonic::Status>>,
    {
        let retry = &self.rpc.retry_config;
        let mut delay = retry.min_delay;
        let attempts = retry.max_retries.max(1);
        for n in 1..=attempts {
            let started = std::time::Instant::now();
            let outcome =
                tokio::time::timeout(self.rpc.timeout, attempt(self.client.clone())).await;
            let record = |label: &str| {
                let elapsed = started.elapsed().as_secs_f64() * 1000.0;
                self.metrics
                    .rpc_duration
                    .with_label_values(&[method, label])
                    .observe(elapsed);
            };
            let status = match outcome {
                Ok(Ok(value)) => {
                    record("success");
                    return Ok(value);
                }
                Ok(Err(status)) => status,
                Err(_) => tonic::Status::deadline_exceeded("timed out"),
            };
            record(if retriable(status.code()) {
                "retriable_error"
            } else {
                "error"
            });
            if !retriable(status.code()) || n == attempts {
                tracing::debug!(method, code = %status.code(), "fullnode call failed");
                return Err(status.into());
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(retry.max_delay);
        }
        Err(ChainError::Unavailable(format!(
            "{method}: no attempt made"
        )))
    }

    /// The first (original) id of a package (§3.3).
    pub async fn first_package_id(&self, package: Address) -> Result<Address, ChainError> {
        if let Some(first) = self.first_packages.get(&package).await {
            self.metrics.cache_hits.inc();
            return Ok(first);
        }
        self.metrics.cache_misses.inc();
        let package_response = self
            .call("fetch_package_original_id", |mut client| async move {
                let mut request = proto::GetPackageRequest::default();
                request.package_id = Some(package.to_string());
                client.package_client().get_package(request).await
            })
            .await?;
        let original = package_response
            .into_inner()
            .package
            .and_then(|p| p.original_id)
            .and_then(|id| id.parse().ok())
            .ok_or_else(|| ChainError::Unavailable("package without an original id".into()))?;
        self.first_packages.insert(package, original).await;
        Ok(original)
    }

    /// Whether an object exists.
    pub async fn object_exists(&self, id: Address) -> Result<bool, ChainError> {
        let result = self
            .call("object_exists", |mut client| async move {
                client
                    .ledger_client()
                    .get_object(proto::GetObjectRequest::new(&id))
                    .await
            })
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(ChainError::NotFound(_)) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Reads an object's BCS contents.
    pub async fn object_contents(&self, id: Address) -> Result<Vec<u8>, ChainError> {
        let response = self
            .call("get_object", |mut client| async move {
                let mut request = proto::GetObjectRequest::new(&id);
                request.read_mask = Some(FieldMask::from_str("contents"));
                client.ledger_client().get_object(request).await
            })
            .await?;
        response
            .into_inner()
            .object
            .and_then(|o| o.contents)
            .and_then(|c| c.value)
            .map(|v| v.to_vec())
            .ok_or_else(|| ChainError::Unavailable(format!("object {id} has no contents")))
    }

    /// Fetches the current reference gas price and remembers it.
    pub async fn refresh_reference_gas_price(&self) -> Result<u64, ChainError> {
        let response = self
            .call("get_reference_gas_price", |mut client| async move {
                let mut request = proto::GetEpochRequest::default();
                request.read_mask = Some(FieldMask::from_str("reference_gas_price"));
                client.ledger_client().get_epoch(request).await
            })
            .await?;
        let price = response
            .into_inner()
            .epoch
            .and_then(|e| e.reference_gas_price)
            .ok_or_else(|| ChainError::Unavailable("epoch without a gas price".into()))?;
        self.reference_gas_price.store(price, Ordering::Relaxed);
        Ok(price)
    }

    /// The last reference gas price seen.
    pub fn reference_gas_price(&self) -> u64 {
        self.reference_gas_price.load(Ordering::Relaxed)
    }

    /// Simulates a transaction with its object inputs named by id only, so the fullnode uses
    /// their latest versions (§3.6); returns the effects' status.
    pub async fn simulate(
        &self,
        transaction: Transaction,
    ) -> Result<proto::ExecutionStatus, ChainError> {
        let mut message: proto::Transaction = transaction.into();
        message.bcs = None;
        if let Some(proto::transaction_kind::Data::ProgrammableTransaction(ptb)) =
            message.kind.as_mut().and_then(|k| k.data.as_mut())
        {
            for input in &mut ptb.inputs {
                input.version = None;
                input.digest = None;
            }
        }
        let response = self
            .call("simulate_transaction", |mut client| {
                let message = message.clone();
                async move {
                    let mut request = proto::SimulateTransactionRequest::default();
                    request.transaction = Some(message);
                    request.read_mask = Some(FieldMask::from_str(
                        "transaction.effects.status,transaction.effects.gas_used",
                    ));
                    client
                        .execution_client()
                        .simulate_transaction(request)
                        .await
                }
            })
            .await?;
        response
            .into_inner()
            .transaction
            .and_then(|t| t.effects)
            .and_then(|e| e.status)
            .ok_or_else(|| ChainError::Unavailable("simulation without a status".into()))
    }

    /// Verifies a signature the fullnode must check (zkLogin) over a personal message.
    pub async fn verify_personal_message(
        &self,
        address: Address,
        message: &[u8],
        signature: &sui_sdk_types::UserSignature,
    ) -> Result<bool, ChainError> {
        let bcs_message =
            bcs::to_bytes(&message.to_vec()).map_err(|e| ChainError::Unavailable(e.to_string()))?;
        let signature: proto::UserSignature = signature.clone().into();
        let response = self
            .call("verify_signature", |mut client| {
                let (bcs_message, signature) = (bcs_message.clone(), signature.clone());
                async move {
                    let mut message = proto::Bcs::default();
                    message.name = Some("PersonalMessage".into());
                    message.value = Some(bcs_message.into());
                    let mut request = proto::VerifySignatureRequest::default();
                    request.message = Some(message);
                    request.signature = Some(signature);
                    request.address = Some(address.to_string());
                    client
                        .signature_verification_client()
                        .verify_signature(request)
                        .await
                }
            })
            .await?;
        Ok(response.into_inner().is_valid.unwrap_or(false))
    }
}
