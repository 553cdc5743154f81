//! Seal encryption to a set of key servers, and decryption with their derived keys
//! (§4.8, §4.11).
//!
//! A fresh 32-byte base key is split with Shamir; each share is encrypted with Boneh–Franklin
//! IBE under one server's public key for the identity `package ‖ id`; the payload is encrypted
//! with a key derived from the base key. Decryption needs derived keys from `threshold`
//! servers; the recovered randomness must reproduce the nonce, and with the servers' public
//! keys every share is checked to lie on one polynomial.

use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use ff::Field;
use group::Group;
use rand::RngCore;
use seal_protocol::Address;
use seal_protocol::crypto::{
    DST_DERIVE_KEY, G1Point, G2Point, PairingOutput, hash_full_id, kdf, scalar_from_be_bytes,
};
use seal_protocol::encrypted_object::{Ciphertext, EncryptedObject, FixedBytes, IbeEncryptions};
use sha3::{Digest, Sha3_256};

use crate::shamir::{Share, combine, interpolate_at, split};
use crate::{Error, dem};

/// A key server to encrypt to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyServerKey {
    /// Its key-server object id.
    pub object_id: Address,
    /// Its public key.
    pub public_key: G2Point,
}

/// Which DEM encrypts the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dem {
    /// AES-256-GCM (the SDKs' default).
    Aes256Gcm,
    /// HMAC-SHA3-256 counter mode (decryptable on chain).
    Hmac256Ctr,
}

/// `derive_key(purpose)`: SHA3-256 over the base key, the purpose, the threshold, the encrypted
/// shares and the server ids.
fn derive_key(
    base_key: &[u8],
    purpose: u8,
    threshold: u8,
    shares: &[FixedBytes<32>],
    services: &[Address],
) -> [u8; 32] {
    let mut hasher = Sha3_256::new();
    hasher.update(DST_DERIVE_KEY);
    hasher.update(base_key);
    hasher.update([purpose, threshold]);
    for share in shares {
        hasher.update(share.0);
    }
    for service in services {
        hasher.update(service.as_bytes());
    }
    hasher.finalize().into()
}

const PURPOSE_RANDOMNESS: u8 = 0;
const PURPOSE_DEM: u8 = 1;

fn xor32(a: &[u8], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, (x, y)) in out.iter_mut().zip(a.iter().zip(b)) {
        *o = x ^ y;
    }
    out
}

fn g1_times(point: &G1Point, scalar: &Scalar) -> G1Point {
    G1Point::from(G1Affine::from(
        G1Projective::from(point.as_affine()) * scalar,
    ))
}

/// Encrypts `plaintext` for `package_id ‖ id` to `servers` (a server may repeat, for weight),
/// any `threshold` of which can release the keys. Returns the object and the DEM key (which
/// the SDKs also return, as a backup).
#[allow(clippy::too_many_arguments)]
pub fn encrypt(
    package_id: Address,
    id: &[u8],
    servers: &[KeyServerKey],
    threshold: u8,
    plaintext: &[u8],
    aad: Option<&[u8]>,
    dem: Dem,
    rng: &mut impl RngCore,
) -> Result<(EncryptedObject, [u8; 32]), Error> {
    let mut base_key = [0u8; 32];
    rng.fill_bytes(&mut base_key);
    let shares = split(&base_key, usize::from(threshold), servers.len(), rng)?;
    let r = Scalar::random(&mut *rng);
    let nonce = G2Point::from(G2Affine::from(G2Projective::generator() * r));
    let full_id = seal_protocol::ptb::full_id(&package_id, id);
    let id_point = hash_full_id(&full_id);
    let id_point_r = g1_times(&id_point, &r);
    let encrypted_shares: Vec<FixedBytes<32>> = servers
        .iter()
        .zip(&shares)
        .map(|(server, share)| {
            let shared = PairingOutput::compute(&id_point_r, &server.public_key);
            FixedBytes(xor32(
                &share.value,
                &kdf(&shared, &nonce, &id_point, &server.object_id, share.index),
            ))
        })
        .collect();
    let service_ids: Vec<Address> = servers.iter().map(|s| s.object_id).collect();
    let randomness_key = derive_key(
        &base_key,
        PURPOSE_RANDOMNESS,
        threshold,
        &encrypted_shares,
        &service_ids,
    );
    let encrypted_randomness = FixedBytes(xor32(&r.to_bytes_be(), &randomness_key));
    let dem_key = derive_key(
        &base_key,
        PURPOSE_DEM,
        threshold,
        &encrypted_shares,
        &service_ids,
    );
    base_key.fill(0);
    let aad_bytes = aad.unwrap_or_default();
    let ciphertext = match dem {
        Dem::Aes256Gcm => Ciphertext::Aes256Gcm {
            blob: dem::aes_encrypt(&dem_key, plaintext, aad_bytes),
            aad: aad.map(<[u8]>::to_vec),
        },
        Dem::Hmac256Ctr => {
            let (blob, mac) = dem::hmac_ctr_encrypt(&dem_key, plaintext, aad_bytes);
            Ciphertext::Hmac256Ctr {
                blob,
                aad: aad.map(<[u8]>::to_vec),
                mac: FixedBytes(mac),
            }
        }
    };
    let object = EncryptedObject {
        version: 0,
        package_id,
        id: id.to_vec(),
        services: servers
            .iter()
            .zip(&shares)
            .map(|(s, share)| (s.object_id, share.index))
            .collect(),
        threshold,
        encrypted_shares: IbeEncryptions::BonehFranklinBLS12381 {
            nonce: FixedBytes(nonce.to_bytes()),
            encrypted_shares,
            encrypted_randomness,
        },
        ciphertext,
    };
    Ok((object, dem_key))
}

/// Decrypts with derived keys `(key-server object id, derived key)` for the object's full id.
/// With `public_keys` of every listed server, also checks that the shares are consistent.
pub fn decrypt(
    object: &EncryptedObject,
    derived_keys: &[(Address, G1Point)],
    public_keys: Option<&[(Address, G2Point)]>,
) -> Result<Vec<u8>, Error> {
    if object.version != 0 {
        return Err(Error::Unsupported("version is not 0"));
    }
    object
        .check()
        .map_err(|_| Error::InvalidCiphertext("inconsistent object"))?;
    let IbeEncryptions::BonehFranklinBLS12381 {
        nonce,
        encrypted_shares,
        encrypted_randomness,
    } = &object.encrypted_shares;
    let nonce =
        G2Point::from_bytes(&nonce.0).map_err(|_| Error::InvalidCiphertext("invalid nonce"))?;
    let id_point = hash_full_id(&object.full_id());
    let threshold = usize::from(object.threshold);
    let decrypt_share = |(service, index): &(Address, u8),
                         encrypted: &FixedBytes<32>,
                         shared: PairingOutput| Share {
        index: *index,
        value: xor32(
            &encrypted.0,
            &kdf(&shared, &nonce, &id_point, service, *index),
        )
        .to_vec(),
    };
    let shares: Vec<Share> = object
        .services
        .iter()
        .zip(encrypted_shares)
        .filter_map(|(service, encrypted)| {
            let (_, key) = derived_keys.iter().find(|(id, _)| *id == service.0)?;
            Some(decrypt_share(
                service,
                encrypted,
                PairingOutput::compute(key, &nonce),
            ))
        })
        .take(threshold)
        .collect();
    if shares.len() < threshold {
        return Err(Error::NotEnoughKeys {
            available: shares.len(),
            threshold,
        });
    }
    let base_key = combine(&shares)?;
    let service_ids: Vec<Address> = object.services.iter().map(|(id, _)| *id).collect();
    let randomness_key = derive_key(
        &base_key,
        PURPOSE_RANDOMNESS,
        object.threshold,
        encrypted_shares,
        &service_ids,
    );
    let randomness = scalar_from_be_bytes(&xor32(&encrypted_randomness.0, &randomness_key))
        .map_err(|_| Error::InvalidCiphertext("invalid nonce"))?;
    if G2Point::from(G2Affine::from(G2Projective::generator() * randomness)) != nonce {
        return Err(Error::InvalidCiphertext("invalid nonce"));
    }
    if let Some(public_keys) = public_keys {
        let id_point_r = g1_times(&id_point, &randomness);
        let all: Vec<Share> = object
            .services
            .iter()
            .zip(encrypted_shares)
            .map(|(service, encrypted)| {
                let (_, key) = public_keys
                    .iter()
                    .find(|(id, _)| *id == service.0)
                    .ok_or(Error::InvalidCiphertext("missing public key"))?;
                Ok(decrypt_share(
                    service,
                    encrypted,
                    PairingOutput::compute(&id_point_r, key),
                ))
            })
            .collect::<Result<_, Error>>()?;
        for share in &all {
            if interpolate_at(&all[..threshold], share.index)? != share.value {
                return Err(Error::InvalidCiphertext("inconsistent shares"));
            }
        }
    }
    let dem_key = derive_key(
        &base_key,
        PURPOSE_DEM,
        object.threshold,
        encrypted_shares,
        &service_ids,
    );
    match &object.ciphertext {
        Ciphertext::Aes256Gcm { blob, aad } => {
            dem::aes_decrypt(&dem_key, blob, aad.as_deref().unwrap_or_default())
        }
        Ciphertext::Hmac256Ctr { blob, aad, mac } => {
            dem::hmac_ctr_decrypt(&dem_key, blob, aad.as_deref().unwrap_or_default(), &mac.0)
        }
        Ciphertext::Plain => Ok(dem_key.to_vec()),
    }
}
