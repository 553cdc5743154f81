//! On-chain decryption, as Seal's Move library `seal::bf_hmac_encryption` offers it to
//! packages such as `patterns::voting`: parse an encrypted object (HMAC DEM only), verify
//! derived keys against public keys, and decrypt — returning nothing, rather than aborting,
//! when a ciphertext does not decrypt.
//!
//! The cryptography is the client library's (`seal_client::seal::decrypt`): the chain and the
//! client must agree bit for bit, so there is one implementation, checked against the §7.5
//! vectors in that crate and the §7.7 vectors in `voting.rs`.

use seal_client::seal::decrypt as client_decrypt;
use seal_protocol::crypto::{G1Point, G2Point, verify_derived_key};
use seal_protocol::encrypted_object::{Ciphertext, EncryptedObject, FixedBytes, IbeEncryptions};
use serde::{Deserialize, Serialize};
use sui_sdk_types::Address;

/// `EWrongVerifiedKeys`: the same server's key twice.
pub const E_WRONG_VERIFIED_KEYS: u64 = 0;
/// `EIncompatibleInputLengths`.
pub const E_INCOMPATIBLE_INPUT_LENGTHS: u64 = 2;
/// `EInvalidEncryptedObject`: not a version-0, Boneh–Franklin, HMAC-CTR object, or
/// inconsistent (indices, threshold, share count).
pub const E_INVALID_ENCRYPTED_OBJECT: u64 = 3;
/// `EInvalidVerifiedKey`: a derived key that does not match its public key and id.
pub const E_INVALID_VERIFIED_KEY: u64 = 5;

/// `seal::bf_hmac_encryption::EncryptedObject`, in its Move layout (the nonce is an
/// `Element<G2>`, i.e. a byte vector; services and indices are split).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveEncryptedObject {
    /// The policy package's first-version id.
    pub package_id: Address,
    /// The inner id.
    pub id: Vec<u8>,
    /// Share index of each service.
    pub indices: Vec<u8>,
    /// Key-server object ids.
    pub services: Vec<Address>,
    /// Shares needed.
    pub threshold: u8,
    /// `g2^r`, compressed.
    pub nonce: Vec<u8>,
    /// One 32-byte encrypted share per service.
    pub encrypted_shares: Vec<Vec<u8>>,
    /// The encrypted randomness, 32 bytes.
    pub encrypted_randomness: Vec<u8>,
    /// The DEM ciphertext.
    pub blob: Vec<u8>,
    /// Associated data.
    pub aad: Option<Vec<u8>>,
    /// The DEM's MAC, 32 bytes.
    pub mac: Vec<u8>,
}

/// `parse_encrypted_object`: `None` where Move aborts with `EInvalidEncryptedObject`.
pub fn parse(bytes: &[u8]) -> Option<MoveEncryptedObject> {
    let object = EncryptedObject::from_bytes(bytes).ok()?;
    if object.version != 0 || object.check().is_err() {
        return None;
    }
    let IbeEncryptions::BonehFranklinBLS12381 {
        nonce,
        encrypted_shares,
        encrypted_randomness,
    } = object.encrypted_shares;
    let Ciphertext::Hmac256Ctr { blob, aad, mac } = object.ciphertext else {
        return None;
    };
    // Move decodes the nonce with `g2_from_bytes`, which refuses points off the group.
    G2Point::from_bytes(&nonce.0).ok()?;
    Some(MoveEncryptedObject {
        package_id: object.package_id,
        id: object.id,
        indices: object.services.iter().map(|(_, index)| *index).collect(),
        services: object.services.iter().map(|(id, _)| *id).collect(),
        threshold: object.threshold,
        nonce: nonce.0.to_vec(),
        encrypted_shares: encrypted_shares.iter().map(|s| s.0.to_vec()).collect(),
        encrypted_randomness: encrypted_randomness.0.to_vec(),
        blob,
        aad,
        mac: mac.0.to_vec(),
    })
}

impl MoveEncryptedObject {
    /// Back to the wire form; `None` if a fixed-size field has the wrong length (impossible
    /// for a value made by [`parse`]).
    fn to_encrypted_object(&self) -> Option<EncryptedObject> {
        Some(EncryptedObject {
            version: 0,
            package_id: self.package_id,
            id: self.id.clone(),
            services: self
                .services
                .iter()
                .copied()
                .zip(self.indices.iter().copied())
                .collect(),
            threshold: self.threshold,
            encrypted_shares: IbeEncryptions::BonehFranklinBLS12381 {
                nonce: FixedBytes(self.nonce.as_slice().try_into().ok()?),
                encrypted_shares: self
                    .encrypted_shares
                    .iter()
                    .map(|s| Some(FixedBytes(s.as_slice().try_into().ok()?)))
                    .collect::<Option<_>>()?,
                encrypted_randomness: FixedBytes(
                    self.encrypted_randomness.as_slice().try_into().ok()?,
                ),
            },
            ciphertext: Ciphertext::Hmac256Ctr {
                blob: self.blob.clone(),
                aad: self.aad.clone(),
                mac: FixedBytes(self.mac.as_slice().try_into().ok()?),
            },
        })
    }
}

/// A derived key checked against its server's public key for one full id.
#[derive(Debug, Clone, Copy)]
pub struct VerifiedDerivedKey {
    /// The key server it came from.
    pub key_server: Address,
    /// The key.
    pub key: G1Point,
}

/// `verify_derived_keys`: every key must verify for `package_id ‖ id` under the public key at
/// the same position. Errors are the library's abort codes.
pub fn verify_derived_keys(
    derived_keys: &[G1Point],
    package_id: Address,
    id: &[u8],
    public_keys: &[(Address, G2Point)],
) -> Result<Vec<VerifiedDerivedKey>, u64> {
    if derived_keys.len() != public_keys.len() {
        return Err(E_INCOMPATIBLE_INPUT_LENGTHS);
    }
    let full_id = [package_id.as_bytes(), id].concat();
    derived_keys
        .iter()
        .zip(public_keys)
        .map(|(key, (key_server, public_key))| {
            verify_derived_key(key, &full_id, public_key)
                .map(|()| VerifiedDerivedKey {
                    key_server: *key_server,
                    key: *key,
                })
                .map_err(|_| E_INVALID_VERIFIED_KEY)
        })
        .collect()
}

/// `decrypt`: the plaintext, or `None` when the object does not decrypt with these keys (wrong
/// keys for its id, a bad MAC, inconsistent shares). Aborts (`Err`) only on misuse: keys for
/// another id, or the same server twice.
pub fn decrypt(
    object: &MoveEncryptedObject,
    keys: &[VerifiedDerivedKey],
    full_id_of_keys: (Address, &[u8]),
    public_keys: &[(Address, G2Point)],
) -> Result<Option<Vec<u8>>, u64> {
    if full_id_of_keys != (object.package_id, object.id.as_slice()) {
        return Err(E_WRONG_VERIFIED_KEYS);
    }
    for (i, key) in keys.iter().enumerate() {
        if keys[..i].iter().any(|k| k.key_server == key.key_server) {
            return Err(E_WRONG_VERIFIED_KEYS);
        }
    }
    let Some(wire) = object.to_encrypted_object() else {
        return Ok(None);
    };
    let derived: Vec<(Address, G1Point)> = keys.iter().map(|k| (k.key_server, k.key)).collect();
    Ok(client_decrypt(&wire, &derived, Some(public_keys)).ok())
}
