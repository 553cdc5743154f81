//! The session certificate and the two signatures a fetch-key request carries (§2).
//!
//! - The user's wallet signs a *personal message* ([`Certificate::personal_message`]) that names
//!   the package, the lifetime and the session key. Verifying that Sui signature (every scheme,
//!   zkLogin through a fullnode) is the frontend's job; this module fixes the text.
//! - The session key signs the BCS [`RequestFormat`] of the PTB and the ElGamal keys with plain
//!   Ed25519 ([`verify_session_signature`]).

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::crypto::{G1Point, G2Point};
use crate::encoding::{base64_bytes, from_base64_array, to_base64};
use crate::{Address, Error};

/// A session certificate, as the `certificate` object of a fetch-key request (§1.6).
///
/// Field order and encodings follow what `@mysten/seal` sends, so that serializing a parsed
/// request gives back the bytes the SDK wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// The user's Sui address (`0x` + 64 hex).
    pub user: Address,
    /// The session's Ed25519 public key (base64 of 32 bytes).
    #[serde(with = "session_key_base64")]
    pub session_vk: VerifyingKey,
    /// Creation time in milliseconds since the Unix epoch.
    pub creation_time: u64,
    /// Lifetime in minutes.
    pub ttl_min: u16,
    /// The user's serialized Sui signature over [`Certificate::personal_message`] (base64).
    #[serde(with = "base64_bytes")]
    pub signature: Vec<u8>,
    /// Optional MVR name that replaces the package id in the personal message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mvr_name: Option<String>,
}

impl Certificate {
    /// The personal message the user signed (§2.1), for the given first (original) package id.
    ///
    /// `Accessing keys of package <PKG> for <TTL> mins from <YYYY-MM-DD HH:MM:SS> UTC, session key <VK>`
    /// where `<PKG>` is the MVR name if the certificate has one.
    pub fn personal_message(&self, first_package: &Address) -> Result<String, Error> {
        let package = match &self.mvr_name {
            Some(name) => name.clone(),
            None => first_package.to_string(),
        };
        personal_message(&package, self.ttl_min, self.creation_time, &self.session_vk)
    }
}

/// Builds the personal-message text (§2.1) from its parts; `package` is the `0x`-hex first
/// package id or an MVR name, verbatim.
pub fn personal_message(
    package: &str,
    ttl_min: u16,
    creation_time_ms: u64,
    session_vk: &VerifyingKey,
) -> Result<String, Error> {
    let time = format_creation_time(creation_time_ms)?;
    let key = to_base64(session_vk.as_bytes());
    Ok(format!(
        "Accessing keys of package {package} for {ttl_min} mins from {time}, session key {key}"
    ))
}

/// Formats milliseconds since the epoch as `YYYY-MM-DD HH:MM:SS UTC`, whole seconds (floored).
pub fn format_creation_time(creation_time_ms: u64) -> Result<String, Error> {
    let seconds = i64::try_from(creation_time_ms / 1000)
        .map_err(|_| Error::TimeOutOfRange(creation_time_ms))?;
    let time: DateTime<Utc> =
        DateTime::from_timestamp(seconds, 0).ok_or(Error::TimeOutOfRange(creation_time_ms))?;
    Ok(time.format("%Y-%m-%d %H:%M:%S UTC").to_string())
}

/// What the session key signs (§2.4), in this field order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestFormat {
    /// BCS of the `ProgrammableTransaction` (the decoded `ptb` field).
    pub ptb: Vec<u8>,
    /// The 48-byte compressed ElGamal public key.
    pub enc_key: Vec<u8>,
    /// The 96-byte compressed ElGamal verification key.
    pub enc_verification_key: Vec<u8>,
}

/// The bytes the session key signs: `BCS(RequestFormat { ptb, enc_key, enc_verification_key })`,
/// that is `uleb128(len) ‖ ptb ‖ 0x30 ‖ enc_key ‖ 0x60 ‖ enc_verification_key`.
///
/// Written out by hand because it cannot fail; a test holds it equal to the BCS encoding of
/// [`RequestFormat`].
pub fn request_signing_bytes(
    ptb_bcs: &[u8],
    enc_key: &G1Point,
    enc_verification_key: &G2Point,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(ptb_bcs.len() + 5 + 1 + G1Point::LEN + 1 + G2Point::LEN);
    push_uleb128(&mut out, ptb_bcs.len());
    out.extend_from_slice(ptb_bcs);
    push_uleb128(&mut out, G1Point::LEN);
    out.extend_from_slice(&enc_key.to_bytes());
    push_uleb128(&mut out, G2Point::LEN);
    out.extend_from_slice(&enc_verification_key.to_bytes());
    out
}

/// Appends a BCS (ULEB128) length.
fn push_uleb128(out: &mut Vec<u8>, mut value: usize) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Verifies the session key's plain Ed25519 signature (no intent, no hashing) over the request.
///
/// The official server verifies with ZIP-215 rules; ed25519-dalek's `verify` is slightly
/// stricter (it refuses non-canonical encodings of `R` and `S`), which no honest signer produces.
pub fn verify_session_signature(
    session_vk: &VerifyingKey,
    ptb_bcs: &[u8],
    enc_key: &G1Point,
    enc_verification_key: &G2Point,
    signature: &Signature,
) -> Result<(), Error> {
    let message = request_signing_bytes(ptb_bcs, enc_key, enc_verification_key);
    session_vk
        .verify(&message, signature)
        .map_err(|_| Error::SessionSignature)
}

/// Parses a 32-byte Ed25519 public key from base64.
pub fn session_key_from_base64(text: &str) -> Result<VerifyingKey, Error> {
    let bytes = from_base64_array::<32>(text, "session_vk")?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| Error::SessionKey)
}

/// Serde adapter: an Ed25519 public key as base64 of its 32 bytes.
pub(crate) mod session_key_base64 {
    use ed25519_dalek::VerifyingKey;
    use serde::de::Error as _;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(key: &VerifyingKey, serializer: S) -> Result<S::Ok, S::Error> {
        crate::encoding::base64_bytes::serialize(key.as_bytes(), serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<VerifyingKey, D::Error> {
        let bytes = crate::encoding::base64_bytes::deserialize(deserializer)?;
        let array = crate::encoding::exact::<32>(bytes, "session_vk").map_err(D::Error::custom)?;
        VerifyingKey::from_bytes(&array).map_err(|_| D::Error::custom(crate::Error::SessionKey))
    }
}

/// Serde adapter: an Ed25519 signature as base64 of its 64 bytes.
pub(crate) mod signature_base64 {
    use ed25519_dalek::Signature;
    use serde::de::Error as _;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        signature: &Signature,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        crate::encoding::base64_bytes::serialize(&signature.to_bytes(), serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Signature, D::Error> {
        let bytes = crate::encoding::base64_bytes::deserialize(deserializer)?;
        let array =
            crate::encoding::exact::<64>(bytes, "request_signature").map_err(D::Error::custom)?;
        Ok(Signature::from_bytes(&array))
    }
}

#[cfg(test)]
mod tests;
