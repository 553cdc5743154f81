//! Known-answer tests of the key ring (protocol doc §7.2, §7.5 c) and the ElGamal round trip.

use seal_protocol::crypto::{
    elgamal_decrypt, hash_full_id, scalar_from_be_bytes, verify_derived_key, verify_pop,
};

use super::*;

fn secret(hex_text: &str) -> SecretBytes {
    let mut out = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(hex_text, out.as_mut_slice()).unwrap();
    out
}

const MSK0: &str = "3c185eb32f1ab43a013c7d84659ec7b59791ca76764af4ee8d387bf05621f0c7";
const PK0: &str = "a58bfa576a8efe2e2730bc664b3dbe70257d8e35106e4af7353d007dba092d722314a0aeb6bca5eed735466bbf471aef01e4da8d2efac13112c51d1411f6992b8604656ea2cf6a33ec10ce8468de20e1d7ecbfed8688a281d462f72a41602161";

fn ring_with(msk: &str) -> KeyRing {
    let mut ring = KeyRing::new().unwrap();
    ring.insert(KeyRef::Master, &secret(msk)).unwrap();
    ring
}

#[test]
fn derive_key_regression() {
    // crates/crypto/src/ibe.rs::test_derive_key_regression: seed 0x01 × 32, index 42.
    let msk = derive_master_key(&Zeroizing::new([1u8; 32]), 42);
    assert_eq!(
        hex::encode(*msk),
        "17d496df95e12b5caec0c4a15b09a5ea41b4fb1cf3ba28f1c6c72556846a6db6"
    );
    assert_ne!(*derive_master_key(&Zeroizing::new([1u8; 32]), 43), *msk);
}

#[test]
fn public_key_of_a_documented_master_key() {
    // move/seal bf_hmac_encryption.move::test_decryption keys (§7.5 c).
    let ring = ring_with(MSK0);
    assert_eq!(
        hex::encode(ring.public_keys()[0].public_key.to_bytes()),
        PK0
    );
}

#[test]
fn derived_key_of_a_documented_master_key() {
    // §7.5 c: usk0 for package 0x0, id 381d…f409, decrypted from the ElGamal envelope.
    let ring = ring_with(MSK0);
    let full_id = [
        [0u8; 32].as_slice(),
        &hex::decode("381dd9078c322a4663c392761a0211b527c127b29583851217f948d62131f409").unwrap(),
    ]
    .concat();
    let esk = Scalar::random(OsRng);
    let enc_key = G1Point::from(G1Affine::from(G1Projective::generator() * esk));
    let envelopes = ring
        .derive_and_encrypt(KeyRef::Master, &enc_key, std::slice::from_ref(&full_id))
        .unwrap();
    let usk = elgamal_decrypt(&esk, &envelopes[0]);
    assert_eq!(
        hex::encode(usk.to_bytes()),
        "8cb19351dbd351d02292a77a18e2f0f4ec0d3becf23f37cc87e4870bf35522c3e59487e0ee5023d5e2e383e40b77bd98"
    );
    verify_derived_key(&usk, &full_id, &ring.public_keys()[0].public_key).unwrap();
}

#[test]
fn batches_decrypt_to_h1_of_each_id_times_msk() {
    let ring = ring_with(MSK0);
    let msk = scalar_from_be_bytes(&hex::decode(MSK0).unwrap().try_into().unwrap()).unwrap();
    let esk = Scalar::random(OsRng);
    let enc_key = G1Point::from(G1Affine::from(G1Projective::generator() * esk));
    let ids: Vec<Vec<u8>> = (0u8..10).map(|i| vec![i; usize::from(i)]).collect();
    let envelopes = ring
        .derive_and_encrypt(KeyRef::Master, &enc_key, &ids)
        .unwrap();
    assert_eq!(envelopes.len(), ids.len());
    for (id, envelope) in ids.iter().zip(&envelopes) {
        let expected = G1Point::from(G1Affine::from(
            G1Projective::from(hash_full_id(id).as_affine()) * msk,
        ));
        assert_eq!(elgamal_decrypt(&esk, envelope), expected);
        // The envelope does not contain the key in the clear.
        assert_ne!(envelope.0, expected);
        assert_ne!(envelope.1, expected);
    }
    // Fresh randomness per envelope: the same id twice gives different ciphertexts.
    let twice = ring
        .derive_and_encrypt(KeyRef::Master, &enc_key, &[ids[1].clone(), ids[1].clone()])
        .unwrap();
    assert_ne!(twice[0], twice[1]);
}

#[test]
fn proof_of_possession_verifies_and_matches_the_documented_one() {
    // §7.2: pop for object 0x0344…ab96 under msk0.
    let ring = ring_with(MSK0);
    let object_id: Address = "0x034401905bebdf8c04f3cd5f04f442a39372c8dc321c29edfb4f9cb30b23ab96"
        .parse()
        .unwrap();
    let pop = ring
        .proof_of_possession(KeyRef::Master, &object_id)
        .unwrap();
    assert_eq!(
        pop.to_base64(),
        "hkEZyH2vRZStRCTddpG3W1MFSoIvwfPwfmnNRuuOvIZebU/FMVqqk7Kwyd3lhKbk"
    );
    verify_pop(&pop, &ring.public_keys()[0].public_key, &object_id).unwrap();
}

#[test]
fn unknown_keys_duplicates_and_bad_scalars_are_refused() {
    let mut ring = ring_with(MSK0);
    assert_eq!(
        ring.proof_of_possession(KeyRef::Derived(0), &Address::ZERO),
        Err(VaultError::UnknownKey(KeyRef::Derived(0)))
    );
    assert!(ring.insert(KeyRef::Master, &secret(MSK0)).is_err());
    assert!(
        ring.insert(KeyRef::Derived(1), &Zeroizing::new([0u8; 32]))
            .is_err()
    );
    assert!(
        ring.insert(KeyRef::Derived(1), &Zeroizing::new([0xffu8; 32]))
            .is_err()
    );
    for index in 0..(MAX_KEYS as u64 - 1) {
        ring.insert(
            KeyRef::Derived(index),
            &derive_master_key(&Zeroizing::new([3u8; 32]), index),
        )
        .unwrap();
    }
    assert!(ring.insert(KeyRef::Derived(999), &secret(MSK0)).is_err());
}
