//! The BCS `EncryptedObject` (version 0) that carries a Seal ciphertext (§4.10).
//!
//! Parsing is purely structural, as in the official decoders; [`EncryptedObject::check`] adds the
//! consistency rules that Move's `parse_encrypted_object` enforces, for callers that want them
//! before spending pairings on a malformed object.

use serde::de::{Error as _, SeqAccess, Visitor};
use serde::ser::SerializeTuple;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Address, Error};

/// A byte array serialized as a fixed-size tuple: no length prefix in BCS.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct FixedBytes<const N: usize>(pub [u8; N]);

impl<const N: usize> std::fmt::Debug for FixedBytes<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl<const N: usize> Serialize for FixedBytes<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut tuple = serializer.serialize_tuple(N)?;
        for byte in &self.0 {
            tuple.serialize_element(byte)?;
        }
        tuple.end()
    }
}

impl<'de, const N: usize> Deserialize<'de> for FixedBytes<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ArrayVisitor<const N: usize>;
        impl<'de, const N: usize> Visitor<'de> for ArrayVisitor<N> {
            type Value = FixedBytes<N>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{N} bytes")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = [0u8; N];
                for (i, slot) in out.iter_mut().enumerate() {
                    *slot = seq
                        .next_element()?
                        .ok_or_else(|| A::Error::invalid_length(i, &self))?;
                }
                Ok(FixedBytes(out))
            }
        }
        deserializer.deserialize_tuple(N, ArrayVisitor::<N>)
    }
}

/// A Seal ciphertext with everything needed to fetch keys and decrypt it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedObject {
    /// Format version; 0 is the only one.
    pub version: u8,
    /// First-version id of the policy package.
    pub package_id: Address,
    /// Inner id; the key id is `package_id ‖ id`.
    pub id: Vec<u8>,
    /// Key-server object ids with the Shamir share index each one holds.
    pub services: Vec<(Address, u8)>,
    /// Shares needed to decrypt.
    pub threshold: u8,
    /// The IBE-encrypted shares.
    pub encrypted_shares: IbeEncryptions,
    /// The DEM ciphertext.
    pub ciphertext: Ciphertext,
}

/// The KEM part (§4.8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IbeEncryptions {
    /// Boneh–Franklin over BLS12-381.
    BonehFranklinBLS12381 {
        /// `U = g2^r`, compressed G2.
        nonce: FixedBytes<96>,
        /// One 32-byte encrypted share per service.
        encrypted_shares: Vec<FixedBytes<32>>,
        /// `r` (big-endian) XOR a key derived from the shares.
        encrypted_randomness: FixedBytes<32>,
    },
}

/// The DEM part (§4.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ciphertext {
    /// AES-256-GCM with Seal's fixed 16-byte IV; `blob` is ciphertext ‖ tag.
    Aes256Gcm {
        /// Ciphertext and tag.
        blob: Vec<u8>,
        /// Associated data (`None` is the same as empty).
        aad: Option<Vec<u8>>,
    },
    /// HMAC-SHA3-256 in counter mode, the DEM Move can decrypt.
    Hmac256Ctr {
        /// Ciphertext.
        blob: Vec<u8>,
        /// Associated data (`None` is the same as empty).
        aad: Option<Vec<u8>>,
        /// MAC over the associated data and the ciphertext.
        mac: FixedBytes<32>,
    },
    /// No payload: the DEM key itself is the secret.
    Plain,
}

impl EncryptedObject {
    /// Decodes BCS; every byte must be used.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        bcs::from_bytes(bytes).map_err(|err| Error::bcs("EncryptedObject", err))
    }

    /// Encodes as BCS (fails only for vectors longer than BCS allows).
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        bcs::to_bytes(self).map_err(|err| Error::bcs("EncryptedObject", err))
    }

    /// The key id: `package_id ‖ id` (§3.2).
    pub fn full_id(&self) -> Vec<u8> {
        crate::ptb::full_id(&self.package_id, &self.id)
    }

    /// Checks what Move's `parse_encrypted_object` checks beyond the layout: share indices
    /// unique and non-zero, `0 < threshold ≤ services`, one encrypted share per service.
    pub fn check(&self) -> Result<(), Error> {
        let inconsistent = |detail: &str| Error::Limit {
            what: "encrypted object",
            detail: detail.to_owned(),
        };
        let mut seen = [false; 256];
        for (_, index) in &self.services {
            if *index == 0 || std::mem::replace(&mut seen[usize::from(*index)], true) {
                return Err(inconsistent("share indices must be unique and non-zero"));
            }
        }
        if self.threshold == 0 || usize::from(self.threshold) > self.services.len() {
            return Err(inconsistent(
                "threshold must be between 1 and the number of services",
            ));
        }
        let IbeEncryptions::BonehFranklinBLS12381 {
            encrypted_shares, ..
        } = &self.encrypted_shares;
        if encrypted_shares.len() != self.services.len() {
            return Err(inconsistent("one encrypted share per service is required"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
