//! `sui.rpc.v2.SignatureVerificationService`: personal-message and transaction signatures.
//!
//! Every scheme `sui-crypto` verifies offline is supported (Ed25519, Secp256k1, Secp256r1,
//! multisig, passkey). zkLogin needs the chain's JWKs and a prover's verifying key; the
//! emulator answers it with a clear "not supported" reason instead of a wrong verdict.

use sui_crypto::SuiVerifier;
use sui_rpc::proto::sui::rpc::v2 as proto;
use sui_rpc::proto::sui::rpc::v2::signature_verification_service_server::SignatureVerificationService;
use sui_sdk_types::{PersonalMessage, Transaction, UserSignature};
use tonic::{Request, Response, Status};

/// The signature verification service.
#[derive(Debug, Clone, Default)]
pub struct SignatureApi;

fn verdict(result: Result<(), String>) -> Response<proto::VerifySignatureResponse> {
    let mut response = proto::VerifySignatureResponse::default();
    response.is_valid = Some(result.is_ok());
    response.reason = result.err();
    Response::new(response)
}

#[tonic::async_trait]
impl SignatureVerificationService for SignatureApi {
    async fn verify_signature(
        &self,
        request: Request<proto::VerifySignatureRequest>,
    ) -> Result<Response<proto::VerifySignatureResponse>, Status> {
        let request = request.into_inner();
        let message = request
            .message
            .as_ref()
            .ok_or_else(|| Status::invalid_argument("missing message"))?;
        let bytes = message
            .value
            .as_deref()
            .ok_or_else(|| Status::invalid_argument("missing message value"))?;
        let signature = UserSignature::try_from(
            request
                .signature
                .as_ref()
                .ok_or_else(|| Status::invalid_argument("missing signature"))?,
        )
        .map_err(|e| Status::invalid_argument(format!("invalid signature: {e}")))?;
        if matches!(signature, UserSignature::ZkLogin(_)) {
            return Ok(verdict(Err(
                "zkLogin signatures are not supported by seal-localnet".into(),
            )));
        }
        if let Some(address) = request.address.as_deref() {
            let address = super::parse_address("address", Some(address))?;
            if !signature.derive_addresses().any(|a| a == address) {
                return Ok(verdict(Err(format!(
                    "signature does not belong to {address}"
                ))));
            }
        }
        let verifier = sui_crypto::UserSignatureVerifier::new();
        let result = match message.name.as_deref() {
            Some("PersonalMessage") | None => {
                let text: Vec<u8> = bcs::from_bytes(bytes).map_err(|_| {
                    Status::invalid_argument("message is not a BCS PersonalMessage")
                })?;
                verifier.verify_personal_message(&PersonalMessage(text.into()), &signature)
            }
            Some("TransactionData") => {
                let transaction: Transaction = bcs::from_bytes(bytes).map_err(|_| {
                    Status::invalid_argument("message is not a BCS TransactionData")
                })?;
                verifier.verify_transaction(&transaction, &signature)
            }
            Some(other) => {
                return Err(Status::invalid_argument(format!(
                    "unknown message type {other}"
                )));
            }
        };
        Ok(verdict(result.map_err(|e| e.to_string())))
    }
}
