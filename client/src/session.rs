//! Session keys, certificates and fetch-key requests, built as `@mysten/seal` builds them.
//!
//! A session key is a fresh Ed25519 key that the user's wallet authorizes once, by signing the
//! certificate's personal message; it then signs each request (the PTB and a fresh ElGamal key)
//! for the session's lifetime.

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ed25519_dalek::{Signer, SigningKey};
use ff::Field;
use group::Group;
use seal_protocol::Address;
use seal_protocol::api::FetchKeyRequest;
use seal_protocol::certificate::{Certificate, request_signing_bytes};
use seal_protocol::crypto::{G1Point, G2Point};
use sui_crypto::SuiSigner;
use sui_sdk_types::{PersonalMessage, ProgrammableTransaction};

use crate::Error;

/// A session for one package.
pub struct SessionKey {
    user: Address,
    package_id: Address,
    creation_time_ms: u64,
    ttl_min: u16,
    session: SigningKey,
    signature: Option<Vec<u8>>,
}

/// A session in a storable form (`SessionKey::export`); it contains the session's secret key,
/// so store it as you would a short-lived credential.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExportedSessionKey {
    /// The user.
    pub user: Address,
    /// The first package id.
    pub package_id: Address,
    /// Creation time, ms since the epoch.
    pub creation_time_ms: u64,
    /// Lifetime, minutes.
    pub ttl_min: u16,
    /// The session's Ed25519 secret key, hex.
    pub session_key: String,
    /// The user's signature over the personal message, hex (if signed).
    pub signature: Option<String>,
}

/// The ephemeral ElGamal secret of one request; it decrypts the servers' answers.
pub struct ElGamalSecret(pub(crate) Scalar);

impl SessionKey {
    /// A new session of `ttl_min` minutes (1 to 30) for `user` on `package_id` (the package's
    /// first version), created at `now_ms`.
    pub fn new(
        user: Address,
        package_id: Address,
        ttl_min: u16,
        now_ms: u64,
    ) -> Result<Self, Error> {
        if !(1..=30).contains(&ttl_min) {
            return Err(Error::Unsupported("a session lasts 1 to 30 minutes"));
        }
        let session = SigningKey::generate(&mut rand::rngs::OsRng);
        Ok(Self {
            user,
            package_id,
            creation_time_ms: now_ms,
            ttl_min,
            session,
            signature: None,
        })
    }

    /// The personal message the user's wallet must sign.
    pub fn personal_message(&self) -> String {
        let certificate = self.unsigned_certificate();
        certificate
            .personal_message(&self.package_id)
            .unwrap_or_default()
    }

    fn unsigned_certificate(&self) -> Certificate {
        Certificate {
            user: self.user,
            session_vk: self.session.verifying_key(),
            creation_time: self.creation_time_ms,
            ttl_min: self.ttl_min,
            signature: self.signature.clone().unwrap_or_default(),
            mvr_name: None,
        }
    }

    /// Signs the personal message with the user's key (any `sui-crypto` signer).
    pub fn sign_with(&mut self, signer: &impl SuiSigner) -> Result<(), Error> {
        let message = self.personal_message();
        let signature = signer
            .sign_personal_message(&PersonalMessage(message.as_bytes().into()))
            .map_err(|_| Error::Unsupported("the signer refused"))?;
        self.signature = Some(signature.to_bytes());
        Ok(())
    }

    /// Whether the session is past its lifetime (with the SDK's 10-second margin).
    pub fn is_expired(&self, now_ms: u64) -> bool {
        self.creation_time_ms + u64::from(self.ttl_min) * 60_000 < now_ms + 10_000
    }

    /// The first package id the session is for.
    pub fn package_id(&self) -> Address {
        self.package_id
    }

    /// The session in a storable form.
    pub fn export(&self) -> ExportedSessionKey {
        ExportedSessionKey {
            user: self.user,
            package_id: self.package_id,
            creation_time_ms: self.creation_time_ms,
            ttl_min: self.ttl_min,
            session_key: hex::encode(self.session.to_bytes()),
            signature: self.signature.as_ref().map(hex::encode),
        }
    }

    /// A session back from its stored form; refused once expired (at `now_ms`).
    pub fn import(exported: &ExportedSessionKey, now_ms: u64) -> Result<Self, Error> {
        let secret: [u8; 32] = hex::decode(&exported.session_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(Error::Unsupported("malformed session key"))?;
        let signature = exported
            .signature
            .as_deref()
            .map(hex::decode)
            .transpose()
            .map_err(|_| Error::Unsupported("malformed signature"))?;
        let session = Self {
            user: exported.user,
            package_id: exported.package_id,
            creation_time_ms: exported.creation_time_ms,
            ttl_min: exported.ttl_min,
            session: SigningKey::from_bytes(&secret),
            signature,
        };
        if session.is_expired(now_ms) {
            return Err(Error::Unsupported("the session has expired"));
        }
        Ok(session)
    }

    /// A signed request for `ptb`, and the ElGamal secret that opens its answers.
    pub fn request(
        &self,
        ptb: &ProgrammableTransaction,
    ) -> Result<(FetchKeyRequest, ElGamalSecret), Error> {
        if self.signature.is_none() {
            return Err(Error::Unsupported("the session has no user signature yet"));
        }
        let esk = Scalar::random(rand::rngs::OsRng);
        let enc_key = G1Point::from(G1Affine::from(G1Projective::generator() * esk));
        let enc_verification_key = G2Point::from(G2Affine::from(G2Projective::generator() * esk));
        let ptb_bytes =
            bcs::to_bytes(ptb).map_err(|_| Error::Unsupported("unencodable transaction"))?;
        let request_signature = self.session.sign(&request_signing_bytes(
            &ptb_bytes,
            &enc_key,
            &enc_verification_key,
        ));
        let request = FetchKeyRequest {
            ptb: seal_protocol::encoding::to_base64(&ptb_bytes),
            enc_key,
            enc_verification_key,
            request_signature,
            certificate: self.unsigned_certificate(),
        };
        Ok((request, ElGamalSecret(esk)))
    }
}

#[cfg(test)]
mod tests {
    use sui_crypto::ed25519::Ed25519PrivateKey;

    use super::*;

    #[test]
    fn sessions_sign_export_import_and_expire() {
        let user = Ed25519PrivateKey::new([3; 32]);
        let address = user.public_key().derive_address();
        let now = 1_751_271_540_123;
        let mut session = SessionKey::new(address, Address::TWO, 10, now).unwrap();
        assert!(
            session
                .personal_message()
                .contains("for 10 mins from 2025-06-30 08:19:00 UTC")
        );
        let ptb = ProgrammableTransaction {
            inputs: vec![],
            commands: vec![],
        };
        assert!(
            session.request(&ptb).is_err(),
            "unsigned sessions make no requests"
        );
        session.sign_with(&user).unwrap();
        let exported = session.export();
        let json = serde_json::to_string(&exported).unwrap();
        let restored =
            SessionKey::import(&serde_json::from_str(&json).unwrap(), now + 60_000).unwrap();
        assert_eq!(restored.personal_message(), session.personal_message());
        let (request, _) = restored.request(&ptb).unwrap();
        assert_eq!(
            request.certificate.session_vk,
            session.session.verifying_key()
        );
        assert!(
            SessionKey::import(&exported, now + 10 * 60_000).is_err(),
            "expired"
        );
        assert!(SessionKey::new(address, Address::TWO, 31, now).is_err());
    }
}
