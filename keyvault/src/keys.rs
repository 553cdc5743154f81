//! The key ring: where master keys live and the only code that computes with them.
//!
//! Keys are `blst::min_sig::SecretKey` values (wiped on drop) in one page-aligned page that is
//! locked in RAM and excluded from core dumps ([`crate::memory`]). In permissioned mode the seed
//! is used once, at start-up, to derive the keys of the allowed derivation indices, and is wiped
//! before serving: a running keyvault holds only the keys it may use.
//!
//! With a key, the ring computes exactly three things:
//! - its public key `g2^msk`;
//! - a proof of possession `H(DST_POP ‖ pk ‖ object id)^msk` (§4.4);
//! - for each full id, `usk = H1(id)^msk` encrypted as `(g1^ρ, enc_key^ρ + usk)` with fresh ρ
//!   (§3.8, §4.5). `usk` itself is never returned.
//!
//! Extraction is BLS signing: `usk` is the min-sig signature of `DST_ID ‖ id` under the standard
//! hash-to-G1 DST, which blst computes without the master key leaving its `SecretKey`.

use blst::min_sig::{SecretKey, Signature};
use blstrs::{G1Affine, G1Projective, Scalar};
use ff::Field;
use group::Group;
use hkdf::Hkdf;
use rand::rngs::OsRng;
use seal_protocol::Address;
use seal_protocol::crypto::{
    DST_ID, ElGamalCiphertext, G1Point, G2Point, HASH_TO_G1_DST, pop_message,
};
use seal_protocol::vault::{KeyRef, PublicKeyInfo, VaultError};
use sha3::Sha3_256;
use zeroize::Zeroizing;

use crate::Error;
use crate::keyfile::SecretBytes;

/// Most keys one keyvault holds (one page of 32-byte keys, with room to spare).
pub const MAX_KEYS: usize = 64;

/// The locked page. Page-aligned and page-sized so that locking it touches nothing else.
#[repr(C, align(4096))]
struct KeyPage {
    keys: [SecretKey; MAX_KEYS],
}

/// The keys this keyvault serves.
pub struct KeyRing {
    page: Box<KeyPage>,
    served: Vec<PublicKeyInfo>,
}

impl KeyRing {
    /// An empty ring whose page is already locked and hidden, before any key is written to it.
    pub fn new() -> Result<Self, Error> {
        let page = Box::new(KeyPage {
            keys: std::array::from_fn(|_| SecretKey::default()),
        });
        crate::memory::lock_and_hide(&*page)?;
        Ok(Self {
            page,
            served: Vec::new(),
        })
    }

    /// Adds a key under `key_ref` from its 32 big-endian bytes (canonical and non-zero).
    pub fn insert(&mut self, key_ref: KeyRef, secret: &SecretBytes) -> Result<(), Error> {
        if self.served.iter().any(|info| info.key == key_ref) {
            return Err(Error::Config(format!("key {key_ref} given twice")));
        }
        let slot = self.served.len();
        if slot == MAX_KEYS {
            return Err(Error::Config(format!(
                "at most {MAX_KEYS} keys per keyvault"
            )));
        }
        self.page.keys[slot] =
            SecretKey::from_bytes(secret.as_slice()).map_err(|_| Error::KeyFormat {
                origin: key_ref.to_string(),
                problem: "the scalar is zero or not canonical",
            })?;
        let public_key = G2Point::from_bytes(&self.page.keys[slot].sk_to_pk().compress())
            .map_err(|_| Error::Config("blst produced an invalid public key".into()))?;
        self.served.push(PublicKeyInfo {
            key: key_ref,
            public_key,
        });
        Ok(())
    }

    /// The keys served and their public keys.
    pub fn public_keys(&self) -> &[PublicKeyInfo] {
        &self.served
    }

    fn find(&self, key_ref: KeyRef) -> Result<(&SecretKey, &G2Point), VaultError> {
        self.served
            .iter()
            .position(|info| info.key == key_ref)
            .map(|slot| (&self.page.keys[slot], &self.served[slot].public_key))
            .ok_or(VaultError::UnknownKey(key_ref))
    }

    /// `H(DST_POP ‖ pk ‖ object id)^msk`.
    pub fn proof_of_possession(
        &self,
        key_ref: KeyRef,
        object_id: &Address,
    ) -> Result<G1Point, VaultError> {
        let (secret, public_key) = self.find(key_ref)?;
        Ok(g1_from_signature(secret.sign(
            &pop_message(public_key, object_id),
            HASH_TO_G1_DST,
            &[],
        )))
    }

    /// For each full id, the ElGamal encryption of `H1(id)^msk` under `enc_key`.
    ///
    /// The caller has validated `enc_key` (a subgroup point, not the identity) and the ids'
    /// count and sizes; see `DeriveRequest::validate`.
    pub fn derive_and_encrypt(
        &self,
        key_ref: KeyRef,
        enc_key: &G1Point,
        full_ids: &[Vec<u8>],
    ) -> Result<Vec<ElGamalCiphertext>, VaultError> {
        let (secret, _) = self.find(key_ref)?;
        let enc_key = G1Projective::from(enc_key.as_affine());
        Ok(full_ids
            .iter()
            .map(|id| {
                let message = Zeroizing::new([DST_ID, id].concat());
                let usk = g1_from_signature(secret.sign(&message, HASH_TO_G1_DST, &[]));
                elgamal_encrypt(&enc_key, &usk)
            })
            .collect())
    }
}

/// `(g1^ρ, enc_key^ρ + usk)` with a fresh ρ from the operating system.
fn elgamal_encrypt(enc_key: &G1Projective, usk: &G1Point) -> ElGamalCiphertext {
    let rho = Scalar::random(OsRng);
    let c0 = G1Affine::from(G1Projective::generator() * rho);
    let c1 = G1Affine::from(enc_key * rho + usk.as_affine());
    ElGamalCiphertext(c0.into(), c1.into())
}

/// A blst signature (a G1 point) as a protocol point, without re-encoding.
fn g1_from_signature(signature: Signature) -> G1Point {
    let mut point = G1Affine::default();
    *point.as_mut() = blst::blst_p1_affine::from(signature);
    G1Point::from(point)
}

/// `derive_master_key(seed, index)` (§4.6): HKDF-SHA3-256 with empty salt, info = the index
/// as 8 big-endian bytes, 64 bytes of output read as a big-endian integer reduced mod r.
pub fn derive_master_key(seed: &SecretBytes, index: u64) -> SecretBytes {
    let mut okm = Zeroizing::new([0u8; 64]);
    // 64 bytes is far below HKDF's output limit (255 × 32), so expand cannot fail.
    let _ = Hkdf::<Sha3_256>::new(None, seed.as_slice())
        .expand(&index.to_be_bytes(), okm.as_mut_slice());
    // Horner's rule in the scalar field: reduces all 512 bits mod r.
    let radix = Scalar::from(256u64);
    let reduced = okm.iter().fold(Scalar::ZERO, |acc, byte| {
        acc * radix + Scalar::from(u64::from(*byte))
    });
    Zeroizing::new(reduced.to_bytes_be())
}

#[cfg(test)]
mod tests;
