//! The derived keys published with the official encryption vectors verify against their key
//! servers' public keys for the objects' full ids (protocol doc §7.5, §7.7). Decrypting those
//! objects needs the DEMs and Shamir sharing, which the client crate owns; what this crate can
//! check is that its hash-to-G1, encodings and pairing check agree with every published key.

use blstrs::{G2Affine, G2Projective};
use group::Group;
use seal_protocol::Address;
use seal_protocol::crypto::{G1Point, G2Point, scalar_from_be_bytes, verify_derived_key};
use seal_protocol::encrypted_object::EncryptedObject;

fn g1(text: &str) -> G1Point {
    G1Point::from_bytes(&hex::decode(text).unwrap()).unwrap()
}
fn g2(text: &str) -> G2Point {
    G2Point::from_bytes(&hex::decode(text).unwrap()).unwrap()
}
fn full_id(package: Address, inner_hex: &str) -> Vec<u8> {
    [package.as_bytes(), &hex::decode(inner_hex).unwrap()[..]].concat()
}

const PK0_C: &str = "a58bfa576a8efe2e2730bc664b3dbe70257d8e35106e4af7353d007dba092d722314a0aeb6bca5eed735466bbf471aef01e4da8d2efac13112c51d1411f6992b8604656ea2cf6a33ec10ce8468de20e1d7ecbfed8688a281d462f72a41602161";
const PK1_C: &str = "a9ce55cfa7009c3116ea29341151f3c40809b816f4ad29baa4f95c1bb23085ef02a46cf1ae5bd570d99b0c6e9faf525306224609300b09e422ae2722a17d2a969777d53db7b52092e4d12014da84bffb1e845c2510e26b3c259ede9e42603cd6";

#[test]
fn move_decryption_vector_keys() {
    // bf_hmac_encryption.move::test_decryption (§7.5 c): msk0/msk1 give pk0/pk1, and usk0/usk1
    // are the derived keys of package 0x0, id 381d…f409.
    for (msk, pk) in [
        (
            "3c185eb32f1ab43a013c7d84659ec7b59791ca76764af4ee8d387bf05621f0c7",
            PK0_C,
        ),
        (
            "09ba20939b2300c5ffa42e71809d3dc405b1e68259704b3cb8e04c36b0033e24",
            PK1_C,
        ),
    ] {
        let msk = scalar_from_be_bytes(&hex::decode(msk).unwrap().try_into().unwrap()).unwrap();
        assert_eq!(
            G2Point::from(G2Affine::from(G2Projective::generator() * msk)),
            g2(pk)
        );
    }
    let id = full_id(
        Address::ZERO,
        "381dd9078c322a4663c392761a0211b527c127b29583851217f948d62131f409",
    );
    verify_derived_key(&g1("8cb19351dbd351d02292a77a18e2f0f4ec0d3becf23f37cc87e4870bf35522c3e59487e0ee5023d5e2e383e40b77bd98"), &id, &g2(PK0_C)).unwrap();
    verify_derived_key(&g1("a7f6b22719b8ca2e3bfc07bf22ea59245b4aec7a394020cf826199b3cc71e58045e5d6b52506145851e71370e524c362"), &id, &g2(PK1_C)).unwrap();
    // Swapped keys do not verify.
    assert!(verify_derived_key(&g1("8cb19351dbd351d02292a77a18e2f0f4ec0d3becf23f37cc87e4870bf35522c3e59487e0ee5023d5e2e383e40b77bd98"), &id, &g2(PK1_C)).is_err());
}

#[test]
fn sdk_hmac_vector_keys() {
    // bf_hmac_encryption.move::test_decryption_from_sdk (§7.5 d): the full id comes from the object.
    let object = EncryptedObject::from_bytes(
        &hex::decode(include_str!("fixtures/sdk-hmac-object.hex").trim()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        object.package_id.to_string(),
        "0x8afa5d31dbaa0a8fb07082692940ca3d56b5e856c5126cb5a3693f0a4de63b82"
    );
    let id = object.full_id();
    verify_derived_key(
        &g1("abe09fb34c00508aec5ba32657388453b09df06ffda7e2e84ba79016ef9ac60c865d0c5e231bd2be187d42f88ad17fd6"),
        &id,
        &g2("a8efa40cb7f94048904b26526a6d7cb1363d5b6e5d317d06eefda3a62c685c20c20018dff944c9ed67293bec5dfafeb211aa615a8f4bcb0d1e7257bc9701ec2da9d45ae6b0ed2bf3aae350f841bf550cf145c782d132d4dcf76afb35515a652b"),
    )
    .unwrap();
    verify_derived_key(
        &g1("80962df1763bc11aa373fe572c52bb04840a604bbf3fa57c0d75fe987c55ac1b42934b36cf775e02cf1f639e3a4e77e9"),
        &id,
        &g2("af022ea8355995b863a43b6634954a3af5ec9cc14084fabcfce79367c35d0b03d4fd15e912704e64175f3d2a58829ab013379982bda344f2b65fc04813ea9f0ae920a6ae165d0fc9cb3f7d20cde5a3883ee660a0c5e8221ff5a3aae6babe669a"),
    )
    .unwrap();
}

#[test]
fn invalid_usk_vector_keys() {
    // bf_hmac_encryption.move::test_decryption_invalid_usk (§7.5 e): the right keys and the
    // "other key pair" each verify against their own public key only.
    let id = full_id(Address::ZERO, "01020304");
    let pk0 = g2(
        "8c7c2ded63f7ab30fe578f850349098c9537d4f7bc32ca45bbb45ac7254e696bf8c58ba71ea3d631abd03223b297cb8608e99455e276fdaf0ad24ece7b7fe835ec73b051d8622295627ed98c50e77c54d0529410c1d7025f57d90374fab18c52",
    );
    let pk1 = g2(
        "8483124f1ac60c5996f36fb217767b0262da1e321ea755242e10c4682466f1ef5f2d2a345d2bb904ae6218542ac92027134afd8794d52901838e9ca5a15f43258b146672495442b8fb5c98ef3b7147ed2739769096e16bd51009e81d51ad77b6",
    );
    let other_pk0 = g2(
        "8f7a86ee2fac3c635b4394deab61ced2a05c01b0669d43364ceb3ae2ba8648e2a02b5bdb0fa34cd146afc776dfc374890da84f1e973263571a7b1a67f80d80a1b5fc2d2caf9abd8c3b663bfb4fa78814dc54d7c182769d492ff89a6b6102f55b",
    );
    let usk0 = g1(
        "852e8f37b45b153cc5121848c6ef2f3539b2de8d3f5b5b80e57ea115f65883b7d17b68637356159cfcdd546f1bd671cc",
    );
    let usk1 = g1(
        "ada471bc5a75eb99dc3bbe9ed2bc7a598529b7b86de6d8a569fc0b6381117b58097bb49e64f8105a87654e7e58f30b0d",
    );
    let other_usk0 = g1(
        "ae81562ca1748f625b818b92829e07eb67d9ce646005ea893f8d364c5ee01174faf7e85e0de8307021c67aadb30190ed",
    );
    verify_derived_key(&usk0, &id, &pk0).unwrap();
    verify_derived_key(&usk1, &id, &pk1).unwrap();
    verify_derived_key(&other_usk0, &id, &other_pk0).unwrap();
    assert!(verify_derived_key(&other_usk0, &id, &pk0).is_err());
}

#[test]
fn inconsistent_shares_vector_keys() {
    // bf_hmac_encryption.move::test_inconsistent_shares (§7.5 f): usks 1 and 2 verify for the
    // object's full id.
    let object = EncryptedObject::from_bytes(
        &hex::decode(include_str!("fixtures/inconsistent-shares-object.hex").trim()).unwrap(),
    )
    .unwrap();
    let id = object.full_id();
    for (usk, pk) in [
        (
            "b22dadcaa4787729141c936a773f78ff2eed8a3f0507eb65298dc4aa3362076891c54430fe24821d081c80d35f096eb3",
            "870b95522bf7e89b43cbda10c37ece8a71226e3d07f2bed7e353e88abd9467dce75fcdb165886832ad3d6e5502c43465112748fce3f44ff824365bf398f5f9cc9544149c74736cd2c7caf54137489b57c9345d47473768f85197c2ff3928879a",
        ),
        (
            "986980b01b2b410c0d174253d36010626d30edac624cf8702f2079bb59245b17fbea26d5e1cdf3fc4dd088b82233c3e6",
            "ae4d78e2851c0945ee45d8452cbd7026871cf042ee396f09d1f64841db5026a0edc1d5da6f030cfde62112d5d6bf6f9606ed3d4913494741cab577c7e860437f564df0ba7868262e525614cd4e9c8f4d1c50e36542c00ae86178b83d061cf601",
        ),
    ] {
        verify_derived_key(&g1(usk), &id, &g2(pk)).unwrap();
    }
}

#[test]
fn voting_vector_keys() {
    // voting.move::test_vote (§7.7): dk0/dk1 for full id 0x00×32 ‖ 75c3…9e05 under pk0/pk1 of (c).
    let id = full_id(
        Address::ZERO,
        "75c3360eb19fd2c20fbba5e2da8cf1a39cdb1ee913af3802ba330b852e459e05",
    );
    verify_derived_key(&g1("a24161c1c8398aac9942aed38e9ad9c923f033f75f067f8a3a511f313d03e2b722671a01f20d9d56ae30913994190a5b"), &id, &g2(PK0_C)).unwrap();
    verify_derived_key(&g1("b1ecf1d8da591deac2cf271048a327cb731809e0187ae8bcd54c79e92bf58c7b96e415eb1dbe62b6ced54de3197b249b"), &id, &g2(PK1_C)).unwrap();
}
