//! The RPC service between the frontend and the keyvault, as one tarpc trait.
//!
//! The keyvault exposes four verbs and nothing else: its public keys, a proof of possession for
//! a key-server object id, derive-and-encrypt for a batch of ids, and its status. It never
//! returns a derived key in the clear: only ElGamal ciphertexts under the caller's `enc_key`.
//!
//! Arguments that could be malformed travel as plain bytes and are validated by the keyvault
//! itself ([`DeriveRequest::validate`]), so that a bad argument gets a typed [`VaultError`]
//! instead of a dropped connection, and a compromised frontend gains nothing by skipping its own
//! checks.

use serde::{Deserialize, Serialize};

use crate::Address;
use crate::crypto::{ElGamalCiphertext, G1Point, G2Point};
use crate::ptb::MAX_INNER_ID_LEN;

/// Most ids in one derive call: the most a PTB can name (one per command).
pub const MAX_IDS_PER_CALL: usize = crate::ptb::MAX_COMMANDS;

/// Longest full id: a 32-byte package id and the longest inner id.
pub const MAX_FULL_ID_LEN: usize = 32 + MAX_INNER_ID_LEN;

/// Largest RPC frame either side accepts, in bytes. A maximal derive request is
/// 100 × (1056 + 8) bytes plus small change; the largest reply is far smaller.
pub const MAX_FRAME_LEN: usize = 256 * 1024;

/// The framing both ends use on the Unix socket: a 4-byte big-endian length, then a bincode
/// message of at most [`MAX_FRAME_LEN`] bytes. A longer frame is refused before it is buffered.
pub fn frame_codec() -> tarpc::tokio_util::codec::LengthDelimitedCodec {
    tarpc::tokio_util::codec::LengthDelimitedCodec::builder()
        .max_frame_length(MAX_FRAME_LEN)
        .new_codec()
}

/// Which master key to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyRef {
    /// Open mode: the one master key.
    Master,
    /// Permissioned mode: the key derived from the seed at this index (§4.6).
    Derived(u64),
}

impl std::fmt::Display for KeyRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyRef::Master => f.write_str("master"),
            KeyRef::Derived(index) => write!(f, "derived:{index}"),
        }
    }
}

/// A key the keyvault serves and its public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeyInfo {
    /// The key.
    pub key: KeyRef,
    /// `g2^msk`.
    pub public_key: G2Point,
}

/// Arguments of [`Vault::derive_and_encrypt`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeriveRequest {
    /// The master key to derive with.
    pub key: KeyRef,
    /// Compressed G1 ElGamal public key of the requester (48 bytes).
    pub enc_key: Vec<u8>,
    /// Full ids (§3.2), at most [`MAX_IDS_PER_CALL`], each at most [`MAX_FULL_ID_LEN`] bytes.
    pub full_ids: Vec<Vec<u8>>,
}

impl DeriveRequest {
    /// Checks the limits and decodes `enc_key`, which must be a subgroup point other than the
    /// identity (encrypting "under" the identity would publish the derived key).
    pub fn validate(&self) -> Result<G1Point, VaultError> {
        if self.full_ids.is_empty() {
            return Err(VaultError::NoIds);
        }
        if self.full_ids.len() > MAX_IDS_PER_CALL {
            return Err(VaultError::TooManyIds {
                count: self.full_ids.len(),
                max: MAX_IDS_PER_CALL,
            });
        }
        if let Some(id) = self.full_ids.iter().find(|id| id.len() > MAX_FULL_ID_LEN) {
            return Err(VaultError::IdTooLong {
                len: id.len(),
                max: MAX_FULL_ID_LEN,
            });
        }
        G1Point::from_bytes(&self.enc_key)
            .and_then(G1Point::require_non_identity)
            .map_err(|err| VaultError::InvalidEncKey(err.to_string()))
    }
}

/// What the keyvault reports about itself; no secret is derivable from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultStatus {
    /// The keyvault's version.
    pub version: String,
    /// Keys served.
    pub keys: Vec<KeyRef>,
    /// Ids derived since start.
    pub derived_ids: u64,
    /// Derive calls refused for the budget since start.
    pub throttled_calls: u64,
    /// Ids that can be derived right now without waiting for the budget.
    pub budget_available: u64,
    /// Seconds since start.
    pub uptime_secs: u64,
    /// Lines in the audit trail, and the SHA-256 (hex) of the last one: an anchor that lets an
    /// operator detect a truncated or rewritten tail later.
    pub audit_head: Option<(u64, String)>,
}

/// Why the keyvault refused a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum VaultError {
    /// The key is not loaded, or not on this keyvault's allowlist.
    #[error("key {0} is not served by this keyvault")]
    UnknownKey(KeyRef),
    /// A derive call without ids.
    #[error("no ids to derive")]
    NoIds,
    /// Too many ids in one call.
    #[error("{count} ids in one call, at most {max}")]
    TooManyIds {
        /// Ids sent.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An id longer than the limit.
    #[error("id of {len} bytes, at most {max}")]
    IdTooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// `enc_key` is not a usable G1 point.
    #[error("invalid ElGamal key: {0}")]
    InvalidEncKey(String),
    /// The extraction budget is spent; retry after this many milliseconds.
    #[error("extraction budget exhausted, retry in {retry_after_ms} ms")]
    Throttled {
        /// When enough budget will be back.
        retry_after_ms: u64,
    },
    /// The keyvault could not do the work (for example, its worker pool is gone).
    #[error("keyvault internal failure")]
    Internal,
}

/// The keyvault service.
#[tarpc::service]
pub trait Vault {
    /// The public key of every key served.
    async fn public_keys() -> Vec<PublicKeyInfo>;
    /// `hash_to_G1(DST_POP ‖ pk ‖ object id)^msk` for the key (§4.4).
    async fn proof_of_possession(
        key: KeyRef,
        key_server_object_id: Address,
    ) -> Result<G1Point, VaultError>;
    /// For each full id, in order: ElGamal encryption of `H1(id)^msk` under `enc_key` (§3.8).
    async fn derive_and_encrypt(
        request: DeriveRequest,
    ) -> Result<Vec<ElGamalCiphertext>, VaultError>;
    /// Counters and budget.
    async fn status() -> VaultStatus;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(ids: Vec<Vec<u8>>, enc_key: Vec<u8>) -> DeriveRequest {
        DeriveRequest {
            key: KeyRef::Master,
            enc_key,
            full_ids: ids,
        }
    }

    #[test]
    fn limits_are_enforced_with_typed_errors() {
        let g = G1Point::generator().to_bytes().to_vec();
        assert!(
            request(vec![vec![0; MAX_FULL_ID_LEN]; MAX_IDS_PER_CALL], g.clone())
                .validate()
                .is_ok()
        );
        assert_eq!(
            request(vec![], g.clone()).validate(),
            Err(VaultError::NoIds)
        );
        assert_eq!(
            request(vec![vec![1]; MAX_IDS_PER_CALL + 1], g.clone()).validate(),
            Err(VaultError::TooManyIds {
                count: 101,
                max: 100
            })
        );
        assert_eq!(
            request(vec![vec![1], vec![0; MAX_FULL_ID_LEN + 1]], g).validate(),
            Err(VaultError::IdTooLong {
                len: MAX_FULL_ID_LEN + 1,
                max: MAX_FULL_ID_LEN
            })
        );
        let mut identity = vec![0u8; 48];
        identity[0] = 0xc0;
        assert!(matches!(
            request(vec![vec![1]], identity).validate(),
            Err(VaultError::InvalidEncKey(_))
        ));
        assert!(matches!(
            request(vec![vec![1]], vec![1, 2, 3]).validate(),
            Err(VaultError::InvalidEncKey(_))
        ));
    }

    #[test]
    fn a_maximal_request_fits_in_a_frame() {
        let g = G1Point::generator().to_bytes().to_vec();
        let max = request(vec![vec![0xff; MAX_FULL_ID_LEN]; MAX_IDS_PER_CALL], g);
        // bincode-like size estimate: BCS is at least as compact as bincode's varint encoding
        // used on the socket, plus tarpc's envelope of a few dozen bytes.
        let size = bcs::to_bytes(&max).unwrap().len();
        assert!(size + 1024 < MAX_FRAME_LEN, "{size}");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_requests_never_panic(
            enc_key in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..60),
            count in 0usize..120,
            len in 0usize..1100,
        ) {
            let _ = request(vec![vec![0; len]; count], enc_key).validate();
        }

        #[test]
        fn requests_round_trip_through_bincode_like_encodings(ids in proptest::collection::vec(proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40), 0..5), index in proptest::prelude::any::<u64>()) {
            let original = DeriveRequest { key: KeyRef::Derived(index), enc_key: vec![1, 2], full_ids: ids };
            let bytes = bcs::to_bytes(&original).unwrap();
            proptest::prop_assert_eq!(bcs::from_bytes::<DeriveRequest>(&bytes).unwrap(), original);
        }
    }
}
