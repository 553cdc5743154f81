//! Known-answer parsing of the official encrypted objects (§7.5, §7.7) and round trips.

use proptest::prelude::*;

use super::*;
use crate::encoding::from_base64;

/// crates/crypto/src/lib.rs::typescript_test_vector (AES-256-GCM, written by the TS SDK).
const TS_VECTOR_B64: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAECAwQDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEqAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAALCAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMeAgCEy0p0JVyGZjTiAwvuhfbZgRbVf6B/7mt4YBW+QVwzyxJvwg7EWKC3fsVYdwiazbEZrmUt+DVDuTiiIvecSoBHN0eOW5WN77xC9ZX5IDVDqyLgP0/CzLPZav3kQES7HlkDUTPTRQGs51AtW3VBP7XW8eVDynrkuNBIAlmK8VpacwqhfgGc9jEeEyI8Radr3vFWawYpBc9NHdRgvD9GRmqhg0aGM4iKmAvnny2XR2i+O59QCk8K77YYsMPCSybazYjQGnUB2DGYvu/mXWg1dle5PPqH004F0vjlyHbNU+IQ+j4AJ2JiOXauUC7qc6NHcDrPkrdwyo4vMO7sxDK54lb719lK5r0M86MwXQEEAQIDBA==";

/// move/seal/sources/bf_hmac_encryption.move::test_parse_encrypted_object (HMAC-CTR).
const MOVE_VECTOR_HEX: &str = "00000000000000000000000000000000000000000000000000000000000000000020381dd9078c322a4663c392761a0211b527c127b29583851217f948d62131f40903034401905bebdf8c04f3cd5f04f442a39372c8dc321c29edfb4f9cb30b23ab96b7d726ecf6f7036ee3557cd6c7b93a49b231070e8eecada9cfa157e40e3f02e5d3fcdba72804cc9504a82bbaa13ed4a83a0e2c6219d7e45125cf57fd10cbab957a977b02008812277be43199222d173eed91b480ce4c8cda5aea008ef884e77c990311136486a7daf8e2d99c0389ae40319714ffef1212ffcb456f0de08a7fa1bb185c936f9efe86fb5e32232d5e433230d04b1f2b27614b3b5b13f04db7d5c3b995e7e02e036315d5a9515d050595ea15b326ebcd510baf50463afd6517b5895d0756e39878bd656bd98418df11556d1ced740c7f839d97b81ee60238b3221fb45adfb0a5d1e4aec4f777271e5674bd7ded20421aa929755426501ba8366e465f5ebb861722b2909e5ac2e8608abd885014f2fb6006dd5896ab76ea243dea0d6d6ff4c3396b010de6062eb2dcb2f86bca32f83c9301200000000000000000000000000000000000000000000000000000000000000001184b788b4f5168aff51c0e6da7e2970caa02386c4dc179666ef4c6296807cda9";

/// bf_hmac_encryption.move::test_decryption_from_sdk (HMAC-CTR, written by the TS SDK).
const SDK_HMAC_VECTOR_HEX: &str = "008afa5d31dbaa0a8fb07082692940ca3d56b5e856c5126cb5a3693f0a4de63b82205809c296d41e0d6177e8cf956010c1d2387299892bb9122ca4ba4ffd165e05cb023cf2a38f061ede3239c1629cb80a9be0e0676b1c15d34c94d104d4ba9d99076f0181aeaa8c25d2c912e1dc23b4372305b7a602c4ec4cc3e510963bc635e500aa37020200a4a3c3f42e4b30cb2926ef3247cfeb056027e8518c277bae03abc754bf34817fc803257a6fd5503ddc1f58f93c735cd219b0e2384014e84feddac5e0cf579be19b1afa42c5ffd8ca6b70070a569b98de59f03dff1d2ae11d24de92bc498ae666027010da668f4afd9491668ab40aba618eee3365a5f97c6c4795043b35e298d7a826e223ac636377538c303e756f8efd2c4b1858f21c9cb9b045d5b061deb348bc84dfcb593d51e59f298a4e2faca80b94d5dd3822b584abf759d8b8bc78a8380e0103dff0f201007d56f2bf4cb3ec66527892198502c6b76282fdbd57e1af2ccf3fc56b15c9ea8e";

fn parts(object: &EncryptedObject) -> (&FixedBytes<96>, &Vec<FixedBytes<32>>, &FixedBytes<32>) {
    let IbeEncryptions::BonehFranklinBLS12381 {
        nonce,
        encrypted_shares,
        encrypted_randomness,
    } = &object.encrypted_shares;
    (nonce, encrypted_shares, encrypted_randomness)
}

#[test]
fn typescript_vector_parses_field_by_field() {
    let bytes = from_base64(TS_VECTOR_B64, "vector").unwrap();
    let object = EncryptedObject::from_bytes(&bytes).unwrap();
    assert_eq!(object.version, 0);
    assert_eq!(object.package_id, Address::ZERO);
    assert_eq!(object.id, [1, 2, 3, 4]);
    let services: Vec<(Address, u8)> = vec![
        (Address::from_static("0x1"), 42),
        (Address::from_static("0x2"), 194),
        (Address::from_static("0x3"), 30),
    ];
    assert_eq!(object.services, services);
    assert_eq!(object.threshold, 2);
    let (nonce, shares, randomness) = parts(&object);
    assert_eq!(
        hex::encode(nonce.0),
        "84cb4a74255c866634e2030bee85f6d98116d57fa07fee6b786015be415c33cb126fc20ec458a0b77ec55877089acdb119ae652df83543b938a222f79c4a804737478e5b958defbc42f595f9203543ab22e03f4fc2ccb3d96afde44044bb1e59"
    );
    let shares: Vec<String> = shares.iter().map(|s| hex::encode(s.0)).collect();
    assert_eq!(
        shares,
        [
            "5133d34501ace7502d5b75413fb5d6f1e543ca7ae4b8d04802598af15a5a730a",
            "a17e019cf6311e13223c45a76bdef1566b062905cf4d1dd460bc3f46466aa183",
            "468633888a980be79f2d974768be3b9f500a4f0aefb618b0c3c24b26dacd88d0",
        ]
    );
    assert_eq!(
        hex::encode(randomness.0),
        "1a7501d83198beefe65d68357657b93cfa87d34e05d2f8e5c876cd53e210fa3e"
    );
    assert_eq!(
        object.ciphertext,
        Ciphertext::Aes256Gcm {
            blob: hex::decode(
                "62623976ae502eea73a347703acf92b770ca8e2f30eeecc432b9e256fbd7d94ae6bd0cf3a3305d"
            )
            .unwrap(),
            aad: Some(vec![1, 2, 3, 4]),
        }
    );
    object.check().unwrap();
    assert_eq!(object.to_bytes().unwrap(), bytes);
    assert_eq!(
        object.full_id(),
        [[0u8; 32].as_slice(), &[1, 2, 3, 4]].concat()
    );
}

#[test]
fn move_vector_parses_and_its_negative_variants_fail() {
    let bytes = hex::decode(MOVE_VECTOR_HEX).unwrap();
    let object = EncryptedObject::from_bytes(&bytes).unwrap();
    assert_eq!(
        hex::encode(&object.id),
        "381dd9078c322a4663c392761a0211b527c127b29583851217f948d62131f409"
    );
    let indices: Vec<u8> = object.services.iter().map(|(_, i)| *i).collect();
    assert_eq!(indices, [0xb7, 0xfc, 0x7b]);
    assert_eq!(
        object.services[0].0.to_string(),
        "0x034401905bebdf8c04f3cd5f04f442a39372c8dc321c29edfb4f9cb30b23ab96"
    );
    let Ciphertext::Hmac256Ctr { blob, aad, mac } = &object.ciphertext else {
        panic!("HMAC expected")
    };
    assert_eq!(hex::encode(blob), "e6062eb2dcb2f86bca32f83c93");
    assert_eq!(aad.as_deref(), Some(Address::from_static("0x1").as_bytes()));
    assert_eq!(
        hex::encode(mac.0),
        "184b788b4f5168aff51c0e6da7e2970caa02386c4dc179666ef4c6296807cda9"
    );
    object.check().unwrap();
    assert_eq!(object.to_bytes().unwrap(), bytes);

    // One trailing byte: refused.
    let mut trailing = bytes.clone();
    trailing.push(0);
    assert!(matches!(
        EncryptedObject::from_bytes(&trailing),
        Err(Error::Bcs { .. })
    ));
    // Duplicate share indices: parses, but the consistency check refuses it.
    let mut duplicate = object.clone();
    duplicate.services[1].1 = 0xb7;
    assert!(duplicate.check().is_err());
}

#[test]
fn consistency_rules() {
    let object = EncryptedObject::from_bytes(&hex::decode(SDK_HMAC_VECTOR_HEX).unwrap()).unwrap();
    object.check().unwrap();
    let mut zero_index = object.clone();
    zero_index.services[0].1 = 0;
    assert!(zero_index.check().is_err());
    let mut threshold = object.clone();
    threshold.threshold = 3;
    assert!(threshold.check().is_err());
    threshold.threshold = 0;
    assert!(threshold.check().is_err());
    let mut shares = object;
    let IbeEncryptions::BonehFranklinBLS12381 {
        encrypted_shares, ..
    } = &mut shares.encrypted_shares;
    encrypted_shares.pop();
    assert!(shares.check().is_err());
}

#[test]
fn plain_and_absent_aad_encode_as_documented() {
    let object = EncryptedObject {
        version: 0,
        package_id: Address::ZERO,
        id: vec![],
        services: vec![],
        threshold: 1,
        encrypted_shares: IbeEncryptions::BonehFranklinBLS12381 {
            nonce: FixedBytes([0; 96]),
            encrypted_shares: vec![],
            encrypted_randomness: FixedBytes([0; 32]),
        },
        ciphertext: Ciphertext::Plain,
    };
    let bytes = object.to_bytes().unwrap();
    // version, package, empty id, no services, threshold, tag 0, nonce, no shares, randomness, tag 2.
    assert_eq!(bytes.len(), 1 + 32 + 1 + 1 + 1 + 1 + 96 + 1 + 32 + 1);
    assert_eq!(*bytes.last().unwrap(), 2);
    let gcm = EncryptedObject {
        ciphertext: Ciphertext::Aes256Gcm {
            blob: vec![9],
            aad: None,
        },
        ..object
    };
    assert!(gcm.to_bytes().unwrap().ends_with(&[0, 1, 9, 0]));
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(object) = EncryptedObject::from_bytes(&bytes) {
            // Anything that parses re-encodes to the same bytes: BCS is canonical.
            prop_assert_eq!(object.to_bytes().unwrap(), bytes);
            let _ = object.check();
        }
    }

    #[test]
    fn mutated_vectors_never_panic(position in 0usize..700, value in any::<u8>()) {
        let mut bytes = hex::decode(SDK_HMAC_VECTOR_HEX).unwrap();
        let at = position % bytes.len();
        bytes[at] = value;
        if let Ok(object) = EncryptedObject::from_bytes(&bytes) {
            prop_assert_eq!(object.to_bytes().unwrap(), bytes);
        }
    }
}
