//! What the client reads from and writes to a Sui fullnode (`sui.rpc.v2` over gRPC): key-server
//! records, object inputs for policy transactions, and signed transactions.

use seal_protocol::Address;
use seal_protocol::crypto::G2Point;
use seal_protocol::onchain::{
    DynamicField, KeyServer, KeyServerV1, KeyServerV2, ServerType, from_bcs, key_server_field_id,
};
use sui_crypto::SuiSigner;
use sui_rpc::field::{FieldMask, FieldMaskUtil};
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_sdk_types::{
    Argument, Command, GasPayment, Identifier, Input, MoveCall, ObjectReference,
    ProgrammableTransaction, SharedInput, Transaction, TransactionExpiration, TransactionKind,
};

pub use crate::executed::{CreatedObject, CreatedOwner, Executed, Failure};
use crate::fetch::KeyServerEndpoint;

/// A chain operation that failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct ChainError(pub String);

fn status(e: tonic::Status) -> ChainError {
    ChainError(format!("{}: {}", e.code(), e.message()))
}

/// A connected fullnode client.
pub struct Chain(sui_rpc::Client);

impl Chain {
    /// Connects to `url`.
    pub fn new(url: &str) -> Result<Self, ChainError> {
        sui_rpc::Client::new(url)
            .map(Self)
            .map_err(|e| ChainError(e.to_string()))
    }

    async fn object(&mut self, id: Address, mask: &str) -> Result<proto::Object, ChainError> {
        let mut request = proto::GetObjectRequest::new(&id);
        request.read_mask = Some(FieldMask::from_str(mask));
        Ok(self
            .0
            .ledger_client()
            .get_object(request)
            .await
            .map_err(status)?
            .into_inner()
            .object
            .unwrap_or_default())
    }

    /// An object's contents (its Move value in BCS).
    pub async fn contents(&mut self, id: Address) -> Result<Vec<u8>, ChainError> {
        self.object(id, "contents")
            .await?
            .contents
            .and_then(|c| c.value)
            .map(|v| v.to_vec())
            .ok_or_else(|| ChainError(format!("{id} has no contents")))
    }

    /// A key server's URL and public key, from its newest record (as the SDK reads them).
    pub async fn key_server(&mut self, id: Address) -> Result<KeyServerEndpoint, ChainError> {
        let server: KeyServer = from_bcs(&self.contents(id).await?, "KeyServer")
            .map_err(|e| ChainError(e.to_string()))?;
        let version = server
            .preferred_version()
            .ok_or_else(|| ChainError(format!("{id}: no version 1 or 2 record")))?;
        let record = self.contents(key_server_field_id(&id, version)).await?;
        let (url, pk) = match version {
            2 => {
                let v2 = from_bcs::<DynamicField<u64, KeyServerV2>>(&record, "KeyServerV2")
                    .map_err(|e| ChainError(e.to_string()))?
                    .value;
                match v2.server_type {
                    ServerType::Independent { url } => (url, v2.pk),
                    ServerType::Committee { .. } => {
                        return Err(ChainError(format!(
                            "{id} is a committee server (needs an aggregator URL)"
                        )));
                    }
                }
            }
            _ => {
                let v1 = from_bcs::<DynamicField<u64, KeyServerV1>>(&record, "KeyServerV1")
                    .map_err(|e| ChainError(e.to_string()))?
                    .value;
                (v1.url, v1.pk)
            }
        };
        let public_key = G2Point::from_bytes(&pk).map_err(|e| ChainError(format!("{id}: {e}")))?;
        Ok(KeyServerEndpoint {
            object_id: id,
            url: url.trim_end_matches('/').to_owned(),
            public_key,
        })
    }

    /// The input for an object argument: shared objects by initial version (read-only), others
    /// by their current reference.
    pub async fn object_input(&mut self, id: Address) -> Result<Input, ChainError> {
        let object = self.object(id, "object_id,version,digest,owner").await?;
        let owner = object.owner.unwrap_or_default();
        if owner.kind == Some(proto::owner::OwnerKind::Shared as i32) {
            return Ok(Input::Shared(SharedInput::new(
                id,
                owner.version.unwrap_or(1),
                false,
            )));
        }
        let digest = object
            .digest
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| ChainError(format!("{id} has no digest")))?;
        Ok(Input::ImmutableOrOwned(ObjectReference::new(
            id,
            object.version.unwrap_or_default(),
            digest,
        )))
    }

    /// The reference of `owner`'s first SUI coin, to pay gas with.
    pub async fn gas_coin(&mut self, owner: Address) -> Result<ObjectReference, ChainError> {
        let mut request = proto::ListOwnedObjectsRequest::default();
        request.owner = Some(owner.to_string());
        request.object_type = Some("0x2::coin::Coin<0x2::sui::SUI>".into());
        request.read_mask = Some(FieldMask::from_str("object_id,version,digest"));
        let coins = self
            .0
            .state_client()
            .list_owned_objects(request)
            .await
            .map_err(status)?
            .into_inner()
            .objects;
        let coin = coins
            .first()
            .ok_or_else(|| ChainError(format!("{owner} has no SUI to pay gas with")))?;
        let id = coin
            .object_id
            .as_deref()
            .and_then(|i| i.parse().ok())
            .ok_or_else(|| ChainError("coin without id".into()))?;
        let digest = coin
            .digest
            .as_deref()
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| ChainError("coin without digest".into()))?;
        Ok(ObjectReference::new(
            id,
            coin.version.unwrap_or_default(),
            digest,
        ))
    }

    /// Signs and executes `ptb` as `signer`, paying with its first SUI coin; returns the ids of
    /// the objects it created and gave to an account. A failed transaction is an error.
    pub async fn execute(
        &mut self,
        signer: &sui_crypto::ed25519::Ed25519PrivateKey,
        ptb: ProgrammableTransaction,
    ) -> Result<Vec<Address>, ChainError> {
        let executed = self.execute_ptb(signer, ptb).await?;
        if let Some(failure) = executed.failure {
            return Err(ChainError(format!(
                "transaction failed: {}",
                failure.description
            )));
        }
        Ok(executed
            .created
            .iter()
            .filter(|c| c.owner == CreatedOwner::Address)
            .map(|c| c.id)
            .collect())
    }

    /// Signs and executes `ptb` as `signer`, paying with its first SUI coin; a transaction
    /// that ran and failed (e.g. a Move abort) is an [`Executed`] with its failure.
    pub async fn execute_ptb(
        &mut self,
        signer: &sui_crypto::ed25519::Ed25519PrivateKey,
        ptb: ProgrammableTransaction,
    ) -> Result<Executed, ChainError> {
        let sender = signer.public_key().derive_address();
        let gas = self.gas_coin(sender).await?;
        let price = self.reference_gas_price().await?;
        let transaction = Transaction {
            kind: TransactionKind::ProgrammableTransaction(ptb),
            sender,
            gas_payment: GasPayment {
                objects: vec![gas],
                owner: sender,
                price,
                budget: 50_000_000,
            },
            expiration: TransactionExpiration::None,
        };
        let signature = signer
            .sign_transaction(&transaction)
            .map_err(|e| ChainError(e.to_string()))?;
        let mut request = proto::ExecuteTransactionRequest::default();
        request.signatures = vec![signature.into()];
        request.transaction = Some(transaction.into());
        request.read_mask = Some(FieldMask::from_str("digest,effects,objects"));
        let executed = self
            .0
            .execution_client()
            .execute_transaction(request)
            .await
            .map_err(status)?
            .into_inner()
            .transaction
            .unwrap_or_default();
        Ok(Executed::from_proto(executed))
    }

    /// Simulates `ptb` as `sender` (no gas, no signature) and returns each command's return
    /// values as BCS, as a dApp reads results (e.g. a vote's tally) without executing.
    pub async fn simulate_outputs(
        &mut self,
        sender: Address,
        ptb: ProgrammableTransaction,
    ) -> Result<Vec<Vec<Vec<u8>>>, ChainError> {
        let transaction = Transaction {
            kind: TransactionKind::ProgrammableTransaction(ptb),
            sender,
            gas_payment: GasPayment {
                objects: vec![],
                owner: sender,
                price: self.reference_gas_price().await?,
                budget: 50_000_000,
            },
            expiration: TransactionExpiration::None,
        };
        let mut request = proto::SimulateTransactionRequest::default();
        request.transaction = Some(transaction.into());
        request.read_mask = Some(FieldMask::from_str(
            "transaction.effects.status,command_outputs",
        ));
        let response = self
            .0
            .execution_client()
            .simulate_transaction(request)
            .await
            .map_err(status)?
            .into_inner();
        let effects = response
            .transaction
            .and_then(|t| t.effects)
            .unwrap_or_default();
        let status = effects.status.unwrap_or_default();
        if status.success != Some(true) {
            let error = status.error.and_then(|e| e.description);
            return Err(ChainError(
                error.unwrap_or_else(|| "simulation failed".into()),
            ));
        }
        Ok(response
            .command_outputs
            .into_iter()
            .map(|result| {
                result
                    .return_values
                    .into_iter()
                    .map(|output| {
                        output
                            .value
                            .and_then(|bcs| bcs.value)
                            .map(|v| v.to_vec())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect())
    }

    /// The input for a shared object, read-only or mutable, at its initial shared version.
    pub async fn shared_input(&mut self, id: Address, mutable: bool) -> Result<Input, ChainError> {
        let object = self.object(id, "owner").await?;
        let owner = object.owner.unwrap_or_default();
        if owner.kind != Some(proto::owner::OwnerKind::Shared as i32) {
            return Err(ChainError(format!("{id} is not a shared object")));
        }
        Ok(Input::Shared(SharedInput::new(
            id,
            owner.version.unwrap_or(1),
            mutable,
        )))
    }

    /// Registers a key server (`KeyServer` with a V1, or with `v2` a V2 independent, record)
    /// owned by `signer`, who pays the gas; returns the new object's id.
    #[allow(clippy::too_many_arguments)]
    pub async fn register_key_server(
        &mut self,
        signer: &sui_crypto::ed25519::Ed25519PrivateKey,
        seal_package: Address,
        name: &str,
        url: &str,
        public_key: &G2Point,
        v2: bool,
    ) -> Result<Address, ChainError> {
        let encode = |value: &dyn erased_bcs::Bcs| Input::Pure(value.bytes());
        let inputs = vec![
            encode(&name),
            encode(&url),
            encode(&0u8),
            encode(&public_key.to_bytes().to_vec()),
        ];
        let function = if v2 {
            "create_and_transfer_v2_independent_server"
        } else {
            "create_and_transfer_v1"
        };
        let call = MoveCall {
            package: seal_package,
            module: Identifier::from_static("key_server"),
            function: Identifier::new(function).map_err(|e| ChainError(e.to_string()))?,
            type_arguments: vec![],
            arguments: (0..4).map(Argument::Input).collect(),
        };
        let created = self
            .execute(
                signer,
                ProgrammableTransaction {
                    inputs,
                    commands: vec![Command::MoveCall(call)],
                },
            )
            .await?;
        created
            .first()
            .copied()
            .ok_or_else(|| ChainError("the registration created no KeyServer".into()))
    }

    /// The current reference gas price.
    pub async fn reference_gas_price(&mut self) -> Result<u64, ChainError> {
        let mut request = proto::GetEpochRequest::default();
        request.read_mask = Some(FieldMask::from_str("reference_gas_price"));
        let epoch = self
            .0
            .ledger_client()
            .get_epoch(request)
            .await
            .map_err(status)?
            .into_inner()
            .epoch
            .unwrap_or_default();
        epoch
            .reference_gas_price
            .ok_or_else(|| ChainError("no gas price".into()))
    }
}

/// BCS encoding of heterogeneous pure arguments.
mod erased_bcs {
    pub trait Bcs {
        fn bytes(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize + ?Sized> Bcs for T {
        fn bytes(&self) -> Vec<u8> {
            bcs::to_bytes(self).unwrap_or_default()
        }
    }
}
