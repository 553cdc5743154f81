//! The user's signature over the certificate's personal message (§2.2), in every Sui scheme.
//!
//! Ed25519, Secp256k1, Secp256r1, multisig and passkey are verified here with `sui-crypto`;
//! zkLogin needs the chain's JWKs and goes to the fullnode's `VerifySignature`, as in the
//! official server. The signature must also belong to the certificate's user.

use sui_crypto::SuiVerifier;
use sui_sdk_types::{Address, PersonalMessage, UserSignature};

use crate::chain::{Chain, ChainError};

/// The outcome of checking a user signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserSignatureCheck {
    /// Valid, and by the user.
    Valid,
    /// Malformed, invalid, or someone else's.
    Invalid,
}

/// Verifies `signature_bytes` (a serialized Sui signature) over `message` for `user`.
pub async fn verify_user_signature(
    chain: &Chain,
    user: Address,
    message: &str,
    signature_bytes: &[u8],
) -> Result<UserSignatureCheck, ChainError> {
    let Ok(signature) = UserSignature::from_bytes(signature_bytes) else {
        return Ok(UserSignatureCheck::Invalid);
    };
    if !signature.derive_addresses().any(|address| address == user) {
        return Ok(UserSignatureCheck::Invalid);
    }
    if matches!(signature, UserSignature::ZkLogin(_)) {
        return Ok(
            match chain
                .verify_personal_message(user, message.as_bytes(), &signature)
                .await?
            {
                true => UserSignatureCheck::Valid,
                false => UserSignatureCheck::Invalid,
            },
        );
    }
    let verifier = sui_crypto::UserSignatureVerifier::new();
    let personal = PersonalMessage(message.as_bytes().into());
    Ok(
        match verifier.verify_personal_message(&personal, &signature) {
            Ok(()) => UserSignatureCheck::Valid,
            Err(_) => UserSignatureCheck::Invalid,
        },
    )
}
