//! Hash-to-G1, proofs of possession, derived-key verification and the IBE KDF (§4.2–§4.4, §4.8).
//!
//! Seal's "DSTs" are *message prefixes*: every hash to G1 uses the standard BLS signature
//! domain-separation tag of RFC 9380 ([`HASH_TO_G1_DST`]) over `prefix ‖ message`. Confusing the
//! two gives points that no official client will accept.

use blstrs::{G1Affine, G1Projective, pairing};
use sha3::{Digest, Sha3_256};

use super::points::{G1Point, G2Point};
use crate::{Address, Error};

/// RFC 9380 DST used for every hash to G1 (suite `BLS12381G1_XMD:SHA-256_SSWU_RO_`).
pub const HASH_TO_G1_DST: &[u8] = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";
/// Message prefix of identities: `H1(id) = hash_to_G1(DST_ID ‖ id)`.
pub const DST_ID: &[u8] = b"SUI-SEAL-IBE-BLS12381-00";
/// Message prefix of the proof of possession.
pub const DST_POP: &[u8] = b"SUI-SEAL-IBE-BLS12381-POP-00";
/// Prefix of the share KDF (H2).
pub const DST_KDF: &[u8] = b"SUI-SEAL-IBE-BLS12381-H2-00";
/// Prefix of the randomness/DEM key derivation (H3).
pub const DST_DERIVE_KEY: &[u8] = b"SUI-SEAL-IBE-BLS12381-H3-00";

/// Hashes a message to G1 with the standard BLS DST.
pub fn hash_to_g1(message: &[u8]) -> G1Point {
    G1Affine::from(G1Projective::hash_to_curve(message, HASH_TO_G1_DST, &[])).into()
}

/// `H1(full_id)`: the G1 point of an identity (§4.3). `full_id` is the first package id followed
/// by the inner id (§3.2).
pub fn hash_full_id(full_id: &[u8]) -> G1Point {
    hash_to_g1(&[DST_ID, full_id].concat())
}

/// The message a proof of possession signs: `DST_POP ‖ pk (96) ‖ key-server object id (32)`.
pub fn pop_message(public_key: &G2Point, key_server_object_id: &Address) -> Vec<u8> {
    [
        DST_POP,
        &public_key.to_bytes(),
        key_server_object_id.as_bytes(),
    ]
    .concat()
}

/// `e(a, b) == e(c, d)`.
fn pairings_equal(a: &G1Point, b: &G2Point, c: &G1Point, d: &G2Point) -> bool {
    pairing(a.as_affine(), b.as_affine()) == pairing(c.as_affine(), d.as_affine())
}

/// Verifies a proof of possession: `e(pop, g2) == e(H(pop_message), pk)` (§4.4).
pub fn verify_pop(
    pop: &G1Point,
    public_key: &G2Point,
    key_server_object_id: &Address,
) -> Result<(), Error> {
    let hashed = hash_to_g1(&pop_message(public_key, key_server_object_id));
    pairings_equal(pop, &G2Point::generator(), &hashed, public_key)
        .then_some(())
        .ok_or(Error::Verification("proof of possession"))
}

/// Verifies a derived (user secret) key: `e(usk, g2) == e(H1(full_id), pk)` (§4.3).
pub fn verify_derived_key(
    derived_key: &G1Point,
    full_id: &[u8],
    public_key: &G2Point,
) -> Result<(), Error> {
    pairings_equal(
        derived_key,
        &G2Point::generator(),
        &hash_full_id(full_id),
        public_key,
    )
    .then_some(())
    .ok_or(Error::Verification("derived key"))
}

/// A pairing output `e(P, Q)` in GT, as blst computes it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PairingOutput(blst::blst_fp12);

impl PairingOutput {
    /// `e(p, q)`.
    pub fn compute(p: &G1Point, q: &G2Point) -> Self {
        let p: &blst::blst_p1_affine = p.as_affine().as_ref();
        let q: &blst::blst_p2_affine = q.as_affine().as_ref();
        Self(blst::blst_fp12::miller_loop(q, p).final_exp())
    }

    /// The 576-byte serialization of fastcrypto and Sui Move (§4.1): blst's big-endian Fp12
    /// layout, twelve 48-byte Fp elements.
    pub fn to_bytes(&self) -> [u8; 576] {
        self.0.to_bendian()
    }
}

impl std::fmt::Debug for PairingOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PairingOutput({}…)", hex::encode(&self.to_bytes()[..8]))
    }
}

/// The share KDF (§4.8):
/// `SHA3-256(DST_KDF ‖ GT(k) ‖ U ‖ G ‖ object id ‖ share index)`.
pub fn kdf(
    shared: &PairingOutput,
    nonce: &G2Point,
    id_point: &G1Point,
    key_server_object_id: &Address,
    share_index: u8,
) -> [u8; 32] {
    let mut hasher = Sha3_256::new();
    hasher.update(DST_KDF);
    hasher.update(shared.to_bytes());
    hasher.update(nonce.to_bytes());
    hasher.update(id_point.to_bytes());
    hasher.update(key_server_object_id.as_bytes());
    hasher.update([share_index]);
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use blstrs::{G2Affine, Scalar};
    use group::Group;

    use super::*;

    fn g1(hex_str: &str) -> G1Point {
        G1Point::from_bytes(&hex::decode(hex_str).unwrap()).unwrap()
    }
    fn g2(hex_str: &str) -> G2Point {
        G2Point::from_bytes(&hex::decode(hex_str).unwrap()).unwrap()
    }

    #[test]
    fn hash_with_prefix_regression() {
        // Seal crates/crypto/src/lib.rs::test_hash_with_prefix_regression (§7.2).
        let full_id = [[0u8; 32].as_slice(), &[1, 2, 3, 4]].concat();
        assert_eq!(
            hex::encode(hash_full_id(&full_id).to_bytes()),
            "a2f2624fda29c88ccacd286b560572d8c1261a5687e0c0cdbdcbef93bf0ec5c373563fac64a2cb5bb326cc6181ee65d7"
        );
    }

    #[test]
    fn gt_encoding_of_the_generator_pairing() {
        // First 96 bytes of e(g1, g2) under the fastcrypto order (§4.1, computed with noble).
        let gt = PairingOutput::compute(&G1Point::generator(), &G2Point::generator());
        assert_eq!(
            hex::encode(&gt.to_bytes()[..96]),
            "1250ebd871fc0a92a7b2d83168d0d727272d441befa15c503dd8e90ce98db3e7b6d194f60839c508a84305aaca1789b6089a1c5b46e5110b86750ec6a532348868a84045483c92b7af5af689452eafabf1a8943e50439f1d59882a98eaa0170f"
        );
    }

    #[test]
    fn kdf_regression() {
        // Seal crates/crypto/src/ibe.rs::test_kdf_regression, also move/seal kdf.move::test_kdf (§7.2):
        // r = 12345, x = e(g1, g2)^r, U = g2^r, G = H1([0]), object id 0, index 42.
        // G is H1 of the one-byte id [0], identity prefix included.
        let r = Scalar::from(12345u64);
        let g1r = G1Point::from(G1Affine::from(G1Projective::generator() * r));
        let x = PairingOutput::compute(&g1r, &G2Point::generator());
        let nonce = G2Point::from(G2Affine::from(blstrs::G2Projective::generator() * r));
        let id_point = hash_full_id(&[0]);
        assert_eq!(
            hex::encode(kdf(&x, &nonce, &id_point, &Address::ZERO, 42)),
            "89befdfd6aecdce1305ddbca891d1c29f0507cfd5225cd6b11e52e60f088ea87"
        );
    }

    #[test]
    fn proof_of_possession_vector() {
        // Computed with the SDK's algorithm (§7.2): msk 3c18…f0c7, object id 0x0344…ab96.
        let pk = g2(
            "a58bfa576a8efe2e2730bc664b3dbe70257d8e35106e4af7353d007dba092d722314a0aeb6bca5eed735466bbf471aef01e4da8d2efac13112c51d1411f6992b8604656ea2cf6a33ec10ce8468de20e1d7ecbfed8688a281d462f72a41602161",
        );
        let object_id: Address =
            "0x034401905bebdf8c04f3cd5f04f442a39372c8dc321c29edfb4f9cb30b23ab96"
                .parse()
                .unwrap();
        let pop = G1Point::from_base64(
            "hkEZyH2vRZStRCTddpG3W1MFSoIvwfPwfmnNRuuOvIZebU/FMVqqk7Kwyd3lhKbk",
            "pop",
        )
        .unwrap();
        assert_eq!(
            hex::encode(pop.to_bytes()),
            "864119c87daf4594ad4424dd7691b75b53054a822fc1f3f07e69cd46eb8ebc865e6d4fc5315aaa93b2b0c9dde584a6e4"
        );
        verify_pop(&pop, &pk, &object_id).unwrap();
        // The same proof for another object id, or another key, is refused.
        assert!(verify_pop(&pop, &pk, &Address::ZERO).is_err());
        assert!(verify_pop(&pop, &G2Point::generator(), &object_id).is_err());
        // And it is H(msg)^msk for the documented msk.
        let msk = crate::crypto::scalar_from_be_bytes(
            &hex::decode("3c185eb32f1ab43a013c7d84659ec7b59791ca76764af4ee8d387bf05621f0c7")
                .unwrap()
                .try_into()
                .unwrap(),
        )
        .unwrap();
        let expected = G1Affine::from(
            G1Projective::from(*hash_to_g1(&pop_message(&pk, &object_id)).as_affine()) * msk,
        );
        assert_eq!(pop, G1Point::from(expected));
    }

    #[test]
    fn derived_key_vectors() {
        // move/seal bf_hmac_encryption.move::test_verify_derived_key (§7.6).
        let full_id = [[0u8; 32].as_slice(), &[1, 2, 3, 4]].concat();
        let pk = g2(
            "ae7577bd3fe7f470f31ad2c9209e58eaa703d8585581d5e327e3c411805b7723b2f8403f7606d2c7bce6fafc27f3b091053c5e4b215e2e4be81877c499e7f26c5c7ebc0c5fdf657c53cd72f37cb1d9dc29e1a8f9cf5a8257a2f6ffdcb84589dc",
        );
        let usk = g1(
            "b86c7e836fe7c4b5ab9258f9e8c223b85db2892b3c91da2ad32e103ffad2238c38fd64e6fb9575c62a2076942cf28e9d",
        );
        verify_derived_key(&usk, &full_id, &pk).unwrap();
        let other_pk = g2(
            "a0c2e4dd4830aec2d6c6bf13bb98e20db09a1354d48eabbe2cdbfeb36d3d8a87efb25c5f7ccc771f7b1c0e387bc6432b009dbd1ed9374059fb5b7c7497fddb2e8c5a08cd5cd1c0ae421868ca2c1250390223273288bcbb47ea4ac5e4850d6d27",
        );
        let other_usk = g1(
            "85e9ccf31b955739a70a18e20cfa77a44c0275c4781b563aaa453cfb7a947259df8f16be0ef4288d7994432f9f0f3713",
        );
        assert!(verify_derived_key(&usk, &full_id, &other_pk).is_err());
        assert!(verify_derived_key(&other_usk, &full_id, &pk).is_err());
        let mut other_package = full_id.clone();
        other_package[31] = 1;
        assert!(verify_derived_key(&usk, &other_package, &pk).is_err());

        // test_verify_derived_keys: three more valid (pk, usk) pairs for the same id.
        for (pk, usk) in [
            (
                "8fcce930177ddbe52e2efb4a81d306d67b4325bc9ac1abe9add4a357c1004e53e1956ecdae9395c527a838dea2b7ff5b1007c3793950bfb2f5cd053eab7925ce15189d42650aa88e93a7ad95aad45e8cdb99020fb9c83573673cd66a484bba80",
                "8b34f8188bedf3aa7cb87f94ce7bf457f5546dc47beb35b5a8a068d978caa7067558106d7868015a860b2404e943ecc3",
            ),
            (
                "a5988b80eb9eda86299c1ffa7a9b8937dc6b576bf505f7ea3d5e5f5736ed176228289419d62c88aa3fd56cd1e11ee10d1348f4ab336f940763b1d5c6843a5233edbf51c294ad2afaf2dfede72998ec41c005d8a177df90bfb868449b6434791f",
                "834b2758d1d6ba335affc0b2268e3f9883e19984a501d6419e0d206d2819c9ea499eb8de8e24b9fb6bfd57d15769719c",
            ),
            (
                "b45f4e2988d9d2b2bda53d3c086bbd7b6a3d7ad8402f869bc58b55b0915e9dda5d2335b60054bcc177d049b879876f9d0c7f9d86d99eb33053bbbc36b1a48993d3f8590b50bec358323083f6edef4384e4581ff6e9c3757b92592bb990fdfddf",
                "9274d5ca9113924e81fad704c36147758f1178212a15c29e072d55cf8d405e07b8730f3794bc6519d17e9cf0d519f38d",
            ),
        ] {
            verify_derived_key(&g1(usk), &full_id, &g2(pk)).unwrap();
        }
        // test_verify_invalid_derived_keys: a wrong first key.
        let wrong = g1(
            "b422f84796342a08487df375e705d896e2eef13aded6e2c64344eb6c0c795020741173489994f238891491e8026a5992",
        );
        assert!(verify_derived_key(&wrong, &full_id, &g2("8fcce930177ddbe52e2efb4a81d306d67b4325bc9ac1abe9add4a357c1004e53e1956ecdae9395c527a838dea2b7ff5b1007c3793950bfb2f5cd053eab7925ce15189d42650aa88e93a7ad95aad45e8cdb99020fb9c83573673cd66a484bba80")).is_err());
    }
}
