//! The data-encapsulation mechanisms (§4.9).
//!
//! - AES-256-GCM with Seal's fixed 16-byte IV (a 128-bit GCM nonce, so J0 comes from GHASH):
//!   the key is used once, so a fixed IV is safe. `blob = ciphertext ‖ tag`.
//! - HMAC-SHA3-256 in counter mode, keyed directly with the DEM key: block `i` is XORed with
//!   `HMAC(key, "HMAC-CTR-ENC" ‖ u64le(i))`, and the MAC is
//!   `HMAC(key, "HMAC-CTR-MAC" ‖ u64le(len(aad)) ‖ aad ‖ blob)`. This is the DEM Move can
//!   decrypt on chain.

use aes_gcm::AesGcm;
use aes_gcm::aead::consts::U16;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::Aes256;
use hmac::{Hmac, Mac};
use sha3::Sha3_256;

use crate::Error;

/// Seal's fixed AES-GCM IV.
pub const AES_GCM_IV: [u8; 16] = [
    138, 55, 153, 253, 198, 46, 121, 219, 160, 128, 89, 7, 214, 156, 148, 220,
];

type Aes256Gcm16 = AesGcm<Aes256, U16>;

/// AES-256-GCM encryption; returns `ciphertext ‖ tag`.
pub fn aes_encrypt(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm16::new(key.into());
    // Encryption with a valid key and in-memory buffers cannot fail.
    cipher
        .encrypt(
            (&AES_GCM_IV).into(),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .unwrap_or_default()
}

/// AES-256-GCM decryption of `ciphertext ‖ tag`.
pub fn aes_decrypt(key: &[u8; 32], blob: &[u8], aad: &[u8]) -> Result<Vec<u8>, Error> {
    let cipher = Aes256Gcm16::new(key.into());
    cipher
        .decrypt((&AES_GCM_IV).into(), Payload { msg: blob, aad })
        .map_err(|_| Error::Authentication)
}

type HmacSha3 = Hmac<Sha3_256>;

fn hmac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = <HmacSha3 as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

fn hmac_ctr_xor(key: &[u8; 32], data: &[u8]) -> Vec<u8> {
    data.chunks(32)
        .enumerate()
        .flat_map(|(i, block)| {
            let stream = hmac(key, &[b"HMAC-CTR-ENC", &(i as u64).to_le_bytes()]);
            block
                .iter()
                .zip(stream)
                .map(|(b, s)| b ^ s)
                .collect::<Vec<u8>>()
        })
        .collect()
}

fn hmac_ctr_mac(key: &[u8; 32], aad: &[u8], blob: &[u8]) -> [u8; 32] {
    hmac(
        key,
        &[
            b"HMAC-CTR-MAC",
            &(aad.len() as u64).to_le_bytes(),
            aad,
            blob,
        ],
    )
}

/// HMAC-CTR encryption; returns `(blob, mac)`.
pub fn hmac_ctr_encrypt(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> (Vec<u8>, [u8; 32]) {
    let blob = hmac_ctr_xor(key, plaintext);
    let mac = hmac_ctr_mac(key, aad, &blob);
    (blob, mac)
}

/// HMAC-CTR decryption: the MAC is checked first (in constant time).
pub fn hmac_ctr_decrypt(
    key: &[u8; 32],
    blob: &[u8],
    aad: &[u8],
    mac: &[u8; 32],
) -> Result<Vec<u8>, Error> {
    let mut check = <HmacSha3 as Mac>::new_from_slice(key).map_err(|_| Error::Authentication)?;
    check.update(b"HMAC-CTR-MAC");
    check.update(&(aad.len() as u64).to_le_bytes());
    check.update(aad);
    check.update(blob);
    check.verify_slice(mac).map_err(|_| Error::Authentication)?;
    Ok(hmac_ctr_xor(key, blob))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &[u8] = b"The difference between a Miracle and a Fact is exactly the difference between a mermaid and a seal.";
    const AAD: &[u8] = b"Mark Twain";

    fn key(hex_text: &str) -> [u8; 32] {
        hex::decode(hex_text).unwrap().try_into().unwrap()
    }

    #[test]
    fn aes_gcm_regression() {
        // crates/crypto/src/dem.rs::regression_test_aes_gcm (§7.3).
        let key = key("43041389faab1f789fa56722b1def4c3ec6da22675e9bd8ad7329cd931bc840a");
        let blob = aes_encrypt(&key, MESSAGE, AAD);
        assert_eq!(
            hex::encode(&blob),
            "a3a5c857ee27937f43ccfb42b41ca2155c9a4a77a8e54af35f78a78ff102206142d1be22dfc39a6374463255934ae640adceeffb17e56b9190d8c5f6456e9e7ff1c4eaa45114b640b407efd371f26b1f7d7e48bd86d742a01c0ad7dbe18b86df188e27cb029978b7fd243d9a63bdabd76aa478"
        );
        assert_eq!(aes_decrypt(&key, &blob, AAD).unwrap(), MESSAGE);
        assert_eq!(
            aes_decrypt(&key, &blob, b"other"),
            Err(Error::Authentication)
        );
    }

    #[test]
    fn hmac_ctr_regression() {
        // crates/crypto/src/dem.rs::regression_test_hmac_ctr = Move test_decrypt_long (§7.3).
        let key = key("5bfdfd7c814903f1311bebacfffa3c001cbeb1cbb3275baa9aafe21fadd9f396");
        let (blob, mac) = hmac_ctr_encrypt(&key, MESSAGE, AAD);
        assert_eq!(
            hex::encode(&blob),
            "feadb8c8f781036f86b6a9f436cac6f9f68ba8fc8b8444f0331a5820f78580f32034f698f7ce15f25defae1749f0131c0a8b8c5e751b96aacf507d0dbd4d7790440d196a339fcb8498ca7dd236014e353729b7aa2cf524284a8d2305d2378494eadd6f"
        );
        assert_eq!(
            hex::encode(mac),
            "85d498365972c3dc7a53f94232f9cb10dcc94eff064d6835d41d7a7536b47b51"
        );
        assert_eq!(hmac_ctr_decrypt(&key, &blob, AAD, &mac).unwrap(), MESSAGE);
    }

    #[test]
    fn move_hmac_vectors() {
        // move/seal hmac256ctr.move::test_decrypt and test_decrypt_fail (§7.3).
        let ok = hmac_ctr_decrypt(
            &key("76532ed510f487739f775afe6b64bc506e0097b9709f33fc5a18cb1c57fac66d"),
            &hex::decode("711ec5be4348c6194475dd2a45").unwrap(),
            b"something",
            &key("a94c5de42a5a0219fcd6871d379df4870c35e6406ebdfb7a51594fc18a1192bd"),
        );
        assert_eq!(ok.unwrap(), b"Hello, world!");
        let fail = hmac_ctr_decrypt(
            &key("4804597e77d5025ab89d8559fe826dbd5591aaa5a0a3ca19ea572350e2a08c6b"),
            &hex::decode("98bf8da0ccbb35b6cf41effc83").unwrap(),
            b"something else",
            &key("6c3d7fdb9b3a16a552b43a3300d6493f328e97aebf0697645cd35348ac926ec2"),
        );
        assert_eq!(fail, Err(Error::Authentication));
    }
}
