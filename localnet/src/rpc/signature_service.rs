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

#[cfg(test)]
mod tests {
    use sui_crypto::SuiSigner;
    use sui_crypto::ed25519::Ed25519PrivateKey;
    use sui_crypto::multisig::MultisigAggregator;
    use sui_crypto::secp256k1::Secp256k1PrivateKey;
    use sui_crypto::secp256r1::Secp256r1PrivateKey;
    use sui_sdk_types::{MultisigCommittee, MultisigMember, MultisigMemberPublicKey};

    use super::*;

    async fn verify(
        text: &[u8],
        signature: &UserSignature,
        address: sui_sdk_types::Address,
    ) -> bool {
        let mut message = proto::Bcs::default();
        message.name = Some("PersonalMessage".into());
        message.value = Some(bcs::to_bytes(&text.to_vec()).unwrap().into());
        let mut request = proto::VerifySignatureRequest::default();
        request.message = Some(message);
        request.signature = Some(signature.clone().into());
        request.address = Some(address.to_string());
        let response = SignatureApi
            .verify_signature(Request::new(request))
            .await
            .unwrap()
            .into_inner();
        response.is_valid.unwrap()
    }

    #[tokio::test]
    async fn every_offline_scheme_verifies_and_a_wrong_message_does_not() {
        let text = b"Accessing keys of package 0x2 for 10 mins";
        let message = PersonalMessage(text.to_vec().into());
        let ed = Ed25519PrivateKey::new([1; 32]);
        let k1 = Secp256k1PrivateKey::new([2; 32]).unwrap();
        let r1 = Secp256r1PrivateKey::new([3; 32]);
        let cases = [
            (
                ed.sign_personal_message(&message).unwrap(),
                ed.public_key().derive_address(),
            ),
            (
                k1.sign_personal_message(&message).unwrap(),
                k1.public_key().derive_address(),
            ),
            (
                r1.sign_personal_message(&message).unwrap(),
                r1.public_key().derive_address(),
            ),
        ];
        for (signature, address) in &cases {
            assert!(
                verify(text, signature, *address).await,
                "{:?}",
                signature.scheme()
            );
            assert!(!verify(b"another message", signature, *address).await);
        }
        // A 2-of-3 multisig of the three keys, signed by two of them.
        let committee = MultisigCommittee::new(
            vec![
                MultisigMember::new(MultisigMemberPublicKey::Ed25519(ed.public_key()), 1),
                MultisigMember::new(MultisigMemberPublicKey::Secp256k1(k1.public_key()), 1),
                MultisigMember::new(MultisigMemberPublicKey::Secp256r1(r1.public_key()), 1),
            ],
            2,
        );
        let mut aggregator = MultisigAggregator::new_with_message(committee.clone(), &message);
        aggregator.add_signature(cases[0].0.clone()).unwrap();
        aggregator.add_signature(cases[2].0.clone()).unwrap();
        let multisig = UserSignature::Multisig(aggregator.finish().unwrap());
        assert!(verify(text, &multisig, committee.derive_address()).await);
        assert!(
            !verify(text, &multisig, cases[0].1).await,
            "a multisig is not its member's signature"
        );
    }
}
