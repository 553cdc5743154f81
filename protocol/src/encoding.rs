//! Text encodings used on the wire: standard padded base64 and hex.
//!
//! The official server decodes base64 strictly (standard alphabet, canonical padding), so do we:
//! a client that sends URL-safe or unpadded base64 is talking to some other protocol.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::Error;

/// Encodes bytes as standard, padded base64.
pub fn to_base64(bytes: impl AsRef<[u8]>) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard, padded base64; `what` names the field in the error.
pub fn from_base64(text: &str, what: &'static str) -> Result<Vec<u8>, Error> {
    STANDARD.decode(text).map_err(|_| Error::Base64 { what })
}

/// Decodes base64 into exactly `N` bytes.
pub fn from_base64_array<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N], Error> {
    exact(from_base64(text, what)?, what)
}

/// Decodes hex with an optional lowercase `0x` prefix (upper- or lowercase digits, even length),
/// as the official server reads keys and ids from its environment (§6.2).
pub fn from_hex(text: &str, what: &'static str) -> Result<Vec<u8>, Error> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    hex::decode(digits).map_err(|_| Error::Hex { what })
}

/// Decodes hex (see [`from_hex`]) into exactly `N` bytes.
pub fn from_hex_array<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N], Error> {
    exact(from_hex(text, what)?, what)
}

/// Converts a byte vector into a fixed-size array, reporting the length on mismatch.
pub fn exact<const N: usize>(bytes: Vec<u8>, what: &'static str) -> Result<[u8; N], Error> {
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| Error::Length {
        what,
        expected: N,
        actual: bytes.len(),
    })
}

/// Serde adapter for byte strings: base64 text in human-readable formats (JSON), plain bytes in
/// binary ones (BCS, bincode). Use with `#[serde(with = "seal_protocol::encoding::base64_bytes")]`.
pub mod base64_bytes {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serializes `bytes`.
    pub fn serialize<S: Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.serialize_str(&super::to_base64(bytes))
        } else {
            serializer.serialize_bytes(bytes)
        }
    }

    /// Deserializes bytes.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
        if deserializer.is_human_readable() {
            let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
            super::from_base64(&text, "base64 field").map_err(D::Error::custom)
        } else {
            <Vec<u8>>::deserialize(deserializer)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_strict_and_padded() {
        assert_eq!(from_base64("AQID", "x").unwrap(), vec![1, 2, 3]);
        assert_eq!(from_base64("AQ==", "x").unwrap(), vec![1]);
        // Unpadded, URL-safe and non-canonical trailing bits are refused.
        assert!(from_base64("AQ", "x").is_err());
        assert!(from_base64("-_8=", "x").is_err());
        assert!(from_base64("AR==", "x").is_err());
        assert_eq!(to_base64([1, 2, 3]), "AQID");
    }

    #[test]
    fn hex_accepts_optional_lowercase_prefix_only() {
        assert_eq!(from_hex("0x0aFF", "x").unwrap(), vec![0x0a, 0xff]);
        assert_eq!(from_hex("0aff", "x").unwrap(), vec![0x0a, 0xff]);
        assert!(from_hex("0X0aff", "x").is_err());
        assert!(from_hex("0x0af", "x").is_err());
        assert_eq!(
            from_hex_array::<3>("0x0102", "key"),
            Err(Error::Length {
                what: "key",
                expected: 3,
                actual: 2
            })
        );
    }
}
