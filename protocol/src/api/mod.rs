//! JSON bodies of the key-server HTTP API (§1), field for field as the official server and
//! `@mysten/seal` write them.
//!
//! Points and keys are validated while the JSON is parsed: a request whose `enc_key` is not a
//! subgroup point never becomes a [`FetchKeyRequest`], which is also where the official server
//! rejects it (a framework 422, not a Seal error, §1.11). The `ptb` field stays text here because
//! its failures are Seal errors (`InvalidPTB`), decided by [`crate::ptb::ValidPtb`].

mod errors;
pub mod headers;

use ed25519_dalek::Signature;
use serde::{Deserialize, Serialize};

pub use errors::{ApiError, ErrorKind, ErrorResponse};

use crate::Address;
use crate::Error;
use crate::certificate::{Certificate, signature_base64, verify_session_signature};
use crate::crypto::{ElGamalCiphertext, G1Point, G2Point};
use crate::ptb::{PtbError, ValidPtb};

/// Largest request body the server reads, in bytes (§1.5): 128 KiB of transaction, its base64
/// growth and room for the rest.
pub const MAX_REQUEST_SIZE: usize = 180 * 1024;

/// Body of `POST /v1/fetch_key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchKeyRequest {
    /// Base64 of `BCS(ProgrammableTransaction)` (the transaction kind minus its first byte).
    pub ptb: String,
    /// The requester's ElGamal public key `g1^esk`.
    pub enc_key: G1Point,
    /// The requester's ElGamal verification key `g2^esk`.
    pub enc_verification_key: G2Point,
    /// The session key's Ed25519 signature over [`crate::certificate::RequestFormat`].
    #[serde(with = "signature_base64")]
    pub request_signature: Signature,
    /// The session certificate.
    pub certificate: Certificate,
}

impl FetchKeyRequest {
    /// Decodes and checks the `ptb` field (§3.1).
    pub fn valid_ptb(&self) -> Result<ValidPtb, PtbError> {
        ValidPtb::from_base64(&self.ptb)
    }

    /// Verifies the session signature over `ptb` (as decoded and checked) and the ElGamal keys.
    pub fn verify_session_signature(&self, ptb: &ValidPtb) -> Result<(), Error> {
        verify_session_signature(
            &self.certificate.session_vk,
            ptb.bcs_bytes(),
            &self.enc_key,
            &self.enc_verification_key,
            &self.request_signature,
        )
    }
}

/// One released key: the full id and the ElGamal-encrypted derived key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecryptionKey {
    /// The full id (§3.2), serialized as a JSON array of integers: the SDK reads it element by
    /// element, so a string here would break it.
    pub id: Vec<u8>,
    /// `[c0, c1]`, each base64 of a compressed G1 point.
    pub encrypted_key: ElGamalCiphertext,
}

/// Body of a successful `POST /v1/fetch_key`: one entry per command, in command order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchKeyResponse {
    /// The released keys.
    pub decryption_keys: Vec<DecryptionKey>,
}

/// Body of a successful `GET /v1/service`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceResponse {
    /// The key-server object id, `0x` + 64 lowercase hex: the SDK compares it as a string.
    pub service_id: Address,
    /// Proof of possession (§4.4).
    pub pop: G1Point,
}

/// Body of `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    /// The server's package name.
    pub name: String,
    /// The server's version.
    pub version: String,
    /// Always `up` when the server answers.
    pub status: String,
}

/// Parses the `service_id` query parameter: hex with a `0x` prefix, short forms left-padded
/// (§1.7). Anything else is `InvalidServiceId`.
pub fn parse_service_id(text: &str) -> Result<Address, ApiError> {
    text.strip_prefix("0x")
        .filter(|digits| !digits.is_empty())
        .and_then(|_| text.parse::<Address>().ok())
        .ok_or_else(|| ApiError::new(ErrorKind::InvalidServiceId))
}

#[cfg(test)]
mod tests;
