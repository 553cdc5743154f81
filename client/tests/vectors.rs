//! Decryption of the official encrypted objects (protocol doc §7.5) and round trips.

use blstrs::{G1Affine, G1Projective};
use seal_client::Error;
use seal_client::seal::{Dem, KeyServerKey, decrypt, encrypt};
use seal_protocol::Address;
use seal_protocol::crypto::{G1Point, G2Point, hash_full_id, scalar_from_be_bytes};
use seal_protocol::encoding::from_base64;
use seal_protocol::encrypted_object::EncryptedObject;

fn g1(text: &str) -> G1Point {
    G1Point::from_bytes(&hex::decode(text).unwrap()).unwrap()
}
fn g2(text: &str) -> G2Point {
    G2Point::from_bytes(&hex::decode(text).unwrap()).unwrap()
}
fn object(hex_text: &str) -> EncryptedObject {
    EncryptedObject::from_bytes(&hex::decode(hex_text.trim()).unwrap()).unwrap()
}
fn id(text: &str) -> Address {
    text.parse().unwrap()
}

/// `H1(full id)^msk`, what a key server releases.
fn derive(msk: &[u8], full_id: &[u8]) -> G1Point {
    let msk = scalar_from_be_bytes(&msk.try_into().unwrap()).unwrap();
    G1Point::from(G1Affine::from(
        G1Projective::from(hash_full_id(full_id).as_affine()) * msk,
    ))
}

const OBJECT_IDS_C: [&str; 3] = [
    "0x034401905bebdf8c04f3cd5f04f442a39372c8dc321c29edfb4f9cb30b23ab96",
    "0xd726ecf6f7036ee3557cd6c7b93a49b231070e8eecada9cfa157e40e3f02e5d3",
    "0xdba72804cc9504a82bbaa13ed4a83a0e2c6219d7e45125cf57fd10cbab957a97",
];
const PKS_C: [&str; 3] = [
    "a58bfa576a8efe2e2730bc664b3dbe70257d8e35106e4af7353d007dba092d722314a0aeb6bca5eed735466bbf471aef01e4da8d2efac13112c51d1411f6992b8604656ea2cf6a33ec10ce8468de20e1d7ecbfed8688a281d462f72a41602161",
    "a9ce55cfa7009c3116ea29341151f3c40809b816f4ad29baa4f95c1bb23085ef02a46cf1ae5bd570d99b0c6e9faf525306224609300b09e422ae2722a17d2a969777d53db7b52092e4d12014da84bffb1e845c2510e26b3c259ede9e42603cd6",
    "93b3220f4f3a46fb33074b590cda666c0ebc75c7157d2e6492c62b4aebc452c29f581361a836d1abcbe1386268a5685103d12dec04aadccaebfa46d4c92e2f2c0381b52d6f2474490d02280a9e9d8c889a3fce2753055e06033f39af86676651",
];
const USK0_C: &str = "8cb19351dbd351d02292a77a18e2f0f4ec0d3becf23f37cc87e4870bf35522c3e59487e0ee5023d5e2e383e40b77bd98";
const USK1_C: &str = "a7f6b22719b8ca2e3bfc07bf22ea59245b4aec7a394020cf826199b3cc71e58045e5d6b52506145851e71370e524c362";

fn public_keys_c() -> Vec<(Address, G2Point)> {
    OBJECT_IDS_C
        .iter()
        .zip(PKS_C)
        .map(|(o, p)| (id(o), g2(p)))
        .collect()
}

#[test]
fn typescript_aes_vector() {
    // crates/crypto/src/lib.rs::typescript_test_vector (§7.5 a): written by the TS SDK.
    let bytes = from_base64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABAECAwQDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEqAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAALCAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMeAgCEy0p0JVyGZjTiAwvuhfbZgRbVf6B/7mt4YBW+QVwzyxJvwg7EWKC3fsVYdwiazbEZrmUt+DVDuTiiIvecSoBHN0eOW5WN77xC9ZX5IDVDqyLgP0/CzLPZav3kQES7HlkDUTPTRQGs51AtW3VBP7XW8eVDynrkuNBIAlmK8VpacwqhfgGc9jEeEyI8Radr3vFWawYpBc9NHdRgvD9GRmqhg0aGM4iKmAvnny2XR2i+O59QCk8K77YYsMPCSybazYjQGnUB2DGYvu/mXWg1dle5PPqH004F0vjlyHbNU+IQ+j4AJ2JiOXauUC7qc6NHcDrPkrdwyo4vMO7sxDK54lb719lK5r0M86MwXQEEAQIDBA==", "vector").unwrap();
    let object = EncryptedObject::from_bytes(&bytes).unwrap();
    let full_id = object.full_id();
    let msks = [
        "GpR7SBGd3si0yeCtH/Zf5SbMT8b7wwTi532/NPGNCZI=",
        "bbcjgCVjr8bl3To5S7cQdYEA/o1Tnr4jTk+uZ1ifs8A=",
        "QHBhV16RiH4JfZBofMLa4yHS4qX6Nv8Je0MlB4W2BV0=",
    ]
    .map(|m| from_base64(m, "msk").unwrap());
    let servers = [id("0x1"), id("0x2"), id("0x3")];
    let keys: Vec<(Address, G1Point)> = servers
        .iter()
        .zip(&msks)
        .map(|(s, m)| (*s, derive(m, &full_id)))
        .collect();
    let public_keys: Vec<(Address, G2Point)> = servers
        .iter()
        .zip(&msks)
        .map(|(s, m)| {
            let msk = scalar_from_be_bytes(&m.as_slice().try_into().unwrap()).unwrap();
            (
                *s,
                G2Point::from(blstrs::G2Affine::from(
                    blstrs::G2Projective::generator() * msk,
                )),
            )
        })
        .collect();
    use group::Group;
    let secret = b"My super secret message".to_vec();
    assert_eq!(decrypt(&object, &keys, Some(&public_keys)).unwrap(), secret);
    // Any two keys suffice; one does not.
    assert_eq!(decrypt(&object, &keys[1..], None).unwrap(), secret);
    assert_eq!(
        decrypt(&object, &keys[..1], None),
        Err(Error::NotEnoughKeys {
            available: 1,
            threshold: 2
        })
    );
}

#[test]
fn move_hmac_vectors() {
    // bf_hmac_encryption.move::test_decryption and test_decryption_one_server (§7.5 c).
    let keys = vec![
        (id(OBJECT_IDS_C[0]), g1(USK0_C)),
        (id(OBJECT_IDS_C[1]), g1(USK1_C)),
    ];
    let two_of_three = object(
        "00000000000000000000000000000000000000000000000000000000000000000020381dd9078c322a4663c392761a0211b527c127b29583851217f948d62131f40903034401905bebdf8c04f3cd5f04f442a39372c8dc321c29edfb4f9cb30b23ab9601d726ecf6f7036ee3557cd6c7b93a49b231070e8eecada9cfa157e40e3f02e5d302dba72804cc9504a82bbaa13ed4a83a0e2c6219d7e45125cf57fd10cbab957a97030200b687baf3e9b78786fa50237861cb07f5f25febd790769eec41859f353deed5ab6301cbbf4e2616effe8a04a0b46dd2101531117eed7514e59f9ddbf33119eaeb2fd85c35e9c01cccc5a1d20c7000afbc4ad95ff11de52e098ee129be51d6b63b034693204591c2f2904595850da29007772266e36faecf2385c19daca728d8cd4fa354f4cb57faee6f19bff2d7f2736646bb07048a9355869a6975f0c338030d6d422ddfc436e3d077be2c53b521dd73416e9c57ccf53003456d9bc18c1e9b6020825d9248023240d255fe4897349d2e0a0f5a1c32c68a48c45eba309fd5fa8510010d59416fff28cf98412a42787bbc012000000000000000000000000000000000000000000000000000000000000000017b70af332dbf79873c7fa4996aceec9e9507210e34f0bc3066e7328beedeabc8",
    );
    assert_eq!(
        decrypt(&two_of_three, &keys, Some(&public_keys_c())).unwrap(),
        b"Hello, world!"
    );
    let one = object(
        "00000000000000000000000000000000000000000000000000000000000000000020381dd9078c322a4663c392761a0211b527c127b29583851217f948d62131f40901034401905bebdf8c04f3cd5f04f442a39372c8dc321c29edfb4f9cb30b23ab96010100b7452a3ea753ef5ba8afa990cac0b48319a583a13443bfd34ad172601434669963b530cd587d54d6eaa58685c3b0516b02050261e5c8a18f21cb9dd41803ab66baaff02c987e33ea9bd579d541dcc5d5608fe08751888d4360c4405d6aea0b65017f724abd69e0825e4aa59cdd8cb271333bc4e35587f6e7775a1dfb1f15f3d8018e3b2279ee7c5ae1b51152ff2b85177dda0ef60cdf065c72ed98b108575aa6fa010d798e404fbf5cb28034b941a6d4012000000000000000000000000000000000000000000000000000000000000000018a00ea13a81aa512647815af7d535b3c9248b142c0f825a6a15acdc778229453",
    );
    assert_eq!(decrypt(&one, &keys[..1], None).unwrap(), b"Hello, world!");
}

#[test]
fn sdk_hmac_vector() {
    // bf_hmac_encryption.move::test_decryption_from_sdk (§7.5 d), written by the TS SDK.
    let object = object(include_str!(
        "../../protocol/tests/fixtures/sdk-hmac-object.hex"
    ));
    let services: Vec<Address> = object.services.iter().map(|(s, _)| *s).collect();
    let keys = vec![
        (
            services[0],
            g1(
                "abe09fb34c00508aec5ba32657388453b09df06ffda7e2e84ba79016ef9ac60c865d0c5e231bd2be187d42f88ad17fd6",
            ),
        ),
        (
            services[1],
            g1(
                "80962df1763bc11aa373fe572c52bb04840a604bbf3fa57c0d75fe987c55ac1b42934b36cf775e02cf1f639e3a4e77e9",
            ),
        ),
    ];
    assert_eq!(decrypt(&object, &keys, None).unwrap(), vec![1, 2, 3]);
}

#[test]
fn a_key_of_another_key_pair_fails_the_nonce_check() {
    // bf_hmac_encryption.move::test_decryption_invalid_usk (§7.5 e).
    let object = object(
        "0000000000000000000000000000000000000000000000000000000000000000000401020304030000000000000000000000000000000000000000000000000000000000000001010000000000000000000000000000000000000000000000000000000000000002020000000000000000000000000000000000000000000000000000000000000003030200b033d20cbcd66b8bf60345065f376e1b15387d5628106be2d27ec2736f7eb8570d2e98eb6b4adbbc3e0290a53b9ede93147895a3a3e693d6531c05d28cc002da7f0a3b529a53f41eec23f3a92f5cfa757e5d680a10b866e33644da02e39c6fbe0379efc1173902a140e49cebb7382ce2237a6d99583e8bb7984afd1a5f077b436a0f97672ecee3138690b4901ca3a1813c4bf743b8d0ce20f11cc67004fe6913fbceda166a681cacb1e9f8c7f5d3d096ec4c7e8ec691f30712cc8f7641ca08399d442aae27ae0c4e6a7e56cb077ec5a30b4d5c1350cc3934219a0371d95d17257e010d82ce7de56a5b2378b0f68ea8470109736f6d657468696e67d47a95162d980ddcef6e15255204130cc2fb5a2cdaa418a92e3f85e1538c73e8",
    );
    let usk1 = g1(
        "ada471bc5a75eb99dc3bbe9ed2bc7a598529b7b86de6d8a569fc0b6381117b58097bb49e64f8105a87654e7e58f30b0d",
    );
    let good = vec![
        (
            id("0x1"),
            g1(
                "852e8f37b45b153cc5121848c6ef2f3539b2de8d3f5b5b80e57ea115f65883b7d17b68637356159cfcdd546f1bd671cc",
            ),
        ),
        (id("0x2"), usk1),
    ];
    assert_eq!(decrypt(&object, &good, None).unwrap(), b"Hello, World!");
    let other = vec![
        (
            id("0x1"),
            g1(
                "ae81562ca1748f625b818b92829e07eb67d9ce646005ea893f8d364c5ee01174faf7e85e0de8307021c67aadb30190ed",
            ),
        ),
        (id("0x2"), usk1),
    ];
    assert_eq!(
        decrypt(&object, &other, None),
        Err(Error::InvalidCiphertext("invalid nonce"))
    );
}

#[test]
fn tampered_shares_are_caught_with_public_keys() {
    // bf_hmac_encryption.move::test_inconsistent_shares (§7.5 f).
    let object = object(include_str!(
        "../../protocol/tests/fixtures/inconsistent-shares-object.hex"
    ));
    let services: Vec<Address> = object.services.iter().map(|(s, _)| *s).collect();
    let keys = vec![
        (
            services[1],
            g1(
                "b22dadcaa4787729141c936a773f78ff2eed8a3f0507eb65298dc4aa3362076891c54430fe24821d081c80d35f096eb3",
            ),
        ),
        (
            services[2],
            g1(
                "986980b01b2b410c0d174253d36010626d30edac624cf8702f2079bb59245b17fbea26d5e1cdf3fc4dd088b82233c3e6",
            ),
        ),
    ];
    let public_keys: Vec<(Address, G2Point)> = services
        .iter()
        .zip([
            "a92411a2e7ff0a76bfb4e6e033b114e15908884778defef5d13b31bd9a6c7d0440aa6ffca5bc1a3e0448594b032fe9310e4c33b8f8134f495698c00965385bc6c680bd0fa5224309ee7f537096b44e0baf4a23a382873156a747178fc9f1365c",
            "870b95522bf7e89b43cbda10c37ece8a71226e3d07f2bed7e353e88abd9467dce75fcdb165886832ad3d6e5502c43465112748fce3f44ff824365bf398f5f9cc9544149c74736cd2c7caf54137489b57c9345d47473768f85197c2ff3928879a",
            "ae4d78e2851c0945ee45d8452cbd7026871cf042ee396f09d1f64841db5026a0edc1d5da6f030cfde62112d5d6bf6f9606ed3d4913494741cab577c7e860437f564df0ba7868262e525614cd4e9c8f4d1c50e36542c00ae86178b83d061cf601",
        ])
        .map(|(s, p)| (*s, g2(p)))
        .collect();
    assert_eq!(
        decrypt(&object, &keys, Some(&public_keys)),
        Err(Error::InvalidCiphertext("inconsistent shares"))
    );
}

#[test]
fn encryption_round_trips_with_both_dems_and_weights() {
    use group::Group;
    let mut rng = rand::thread_rng();
    let msks: Vec<[u8; 32]> = (1u8..=3)
        .map(|i| blstrs::Scalar::from(u64::from(i) * 7919).to_bytes_be())
        .collect();
    let servers: Vec<KeyServerKey> = msks
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let msk = scalar_from_be_bytes(m).unwrap();
            KeyServerKey {
                object_id: Address::from([i as u8 + 1; 32]),
                public_key: G2Point::from(blstrs::G2Affine::from(
                    blstrs::G2Projective::generator() * msk,
                )),
            }
        })
        .collect();
    let package = id("0xabc");
    let inner = b"document-42".to_vec();
    let full_id = seal_protocol::ptb::full_id(&package, &inner);
    let keys: Vec<(Address, G1Point)> = servers
        .iter()
        .zip(&msks)
        .map(|(s, m)| (s.object_id, derive(m, &full_id)))
        .collect();
    let public_keys: Vec<(Address, G2Point)> = servers
        .iter()
        .map(|s| (s.object_id, s.public_key))
        .collect();
    for dem in [Dem::Aes256Gcm, Dem::Hmac256Ctr] {
        for aad in [None, Some(b"context".as_slice())] {
            let (object, _) = encrypt(
                package,
                &inner,
                &servers,
                2,
                b"the payload",
                aad,
                dem,
                &mut rng,
            )
            .unwrap();
            let bytes = object.to_bytes().unwrap();
            let parsed = EncryptedObject::from_bytes(&bytes).unwrap();
            assert_eq!(
                decrypt(&parsed, &keys[1..], Some(&public_keys)).unwrap(),
                b"the payload"
            );
            assert!(decrypt(&parsed, &keys[..1], None).is_err());
        }
    }
    // A server listed twice carries two shares: its key alone meets a threshold of 2.
    let weighted = [servers[0], servers[0], servers[1]];
    let (object, _) = encrypt(
        package,
        &inner,
        &weighted,
        2,
        b"weighted",
        None,
        Dem::Aes256Gcm,
        &mut rng,
    )
    .unwrap();
    let only_first = [keys[0]];
    assert_eq!(decrypt(&object, &only_first, None).unwrap(), b"weighted");
}
