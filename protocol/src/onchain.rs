//! BCS layouts of the Seal objects a key server and its clients read from chain (§5), and the
//! object ids derived from them.
//!
//! A `KeyServer` object holds only its version range; the server's name, URL and public key sit
//! in a dynamic field `Field<u64, KeyServerV1 | KeyServerV2>` named by the version.

use serde::{Deserialize, Serialize};
use sui_sdk_types::{Identifier, StructTag, TypeTag};

use crate::{Address, Error};

/// `key_type` of a Boneh–Franklin BLS12-381 key, the only type there is.
pub const KEY_TYPE_BONEH_FRANKLIN_BLS12381: u8 = 0;

/// `seal::key_server::KeyServer`: `{ id: UID, first_version: u64, last_version: u64 }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyServer {
    /// The object id.
    pub id: Address,
    /// Lowest version of the server record available.
    pub first_version: u64,
    /// Highest version of the server record available.
    pub last_version: u64,
}

impl KeyServer {
    /// The newest record version a reader understands, as the SDK picks it: 2, else 1.
    pub fn preferred_version(&self) -> Option<u64> {
        [2, 1]
            .into_iter()
            .find(|v| self.first_version <= *v && *v <= self.last_version)
    }
}

/// `seal::key_server::KeyServerV1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyServerV1 {
    /// Display name.
    pub name: String,
    /// Base URL clients append `/v1/...` to.
    pub url: String,
    /// Always [`KEY_TYPE_BONEH_FRANKLIN_BLS12381`].
    pub key_type: u8,
    /// 96-byte compressed G2 public key.
    pub pk: Vec<u8>,
}

/// `seal::key_server::KeyServerV2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyServerV2 {
    /// Display name.
    pub name: String,
    /// Always [`KEY_TYPE_BONEH_FRANKLIN_BLS12381`].
    pub key_type: u8,
    /// 96-byte compressed G2 public key (the aggregated key for a committee).
    pub pk: Vec<u8>,
    /// Independent server or committee.
    pub server_type: ServerType,
}

/// `seal::key_server::ServerType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerType {
    /// One server with its own URL.
    Independent {
        /// Base URL.
        url: String,
    },
    /// A threshold committee reached through an aggregator.
    Committee {
        /// Committee version, bumped on rotation.
        version: u32,
        /// Members needed.
        threshold: u16,
        /// The members.
        partial_key_servers: Vec<PartialKeyServer>,
    },
}

/// `seal::key_server::PartialKeyServer`, a committee member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialKeyServer {
    /// Display name.
    pub name: String,
    /// Member URL.
    pub url: String,
    /// 96-byte compressed G2 share public key.
    pub partial_pk: Vec<u8>,
    /// Index in the committee.
    pub party_id: u16,
}

/// `sui::dynamic_field::Field<N, V>`: `{ id: UID, name: N, value: V }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DynamicField<N, V> {
    /// The field object's id.
    pub id: Address,
    /// The key.
    pub name: N,
    /// The value.
    pub value: V,
}

/// Decodes BCS that must use every byte; `what` names the type in errors.
pub fn from_bcs<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    what: &'static str,
) -> Result<T, Error> {
    bcs::from_bytes(bytes).map_err(|err| Error::bcs(what, err))
}

/// Id of a dynamic field: `BLAKE2b-256(0xf0 ‖ parent ‖ u64le(len) ‖ key ‖ BCS(key type))` (§5.4).
pub fn dynamic_field_id(parent: &Address, key_type: &TypeTag, key_bcs: &[u8]) -> Address {
    parent.derive_dynamic_child_id(key_type, key_bcs)
}

/// Id of the `KeyServerV{version}` field of a key-server object (name type `u64`).
pub fn key_server_field_id(key_server: &Address, version: u64) -> Address {
    dynamic_field_id(key_server, &TypeTag::U64, &version.to_le_bytes())
}

/// The address-alias state object `0xa` (§5.5).
pub const ADDRESS_ALIAS_STATE: Address = Address::from_static("0xa");

/// Id the address-alias object of `user` would have: a derived object of `0xa` keyed by
/// `0x2::address_alias::AliasKey` with the raw address bytes (§5.5). If it exists, the user has
/// delegated signing, and the server refuses the certificate.
pub fn address_alias_id(user: &Address) -> Address {
    let alias_key = StructTag::new(
        Address::TWO,
        Identifier::from_static("address_alias"),
        Identifier::from_static("AliasKey"),
        vec![],
    );
    ADDRESS_ALIAS_STATE.derive_object_id(&alias_key.into(), user.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_object_id_vector() {
        // sui-types derived_object.rs, reproduced in §5.4: parent 0x2, key type vector<u8>,
        // key BCS(b"foo").
        let id = Address::TWO.derive_object_id(
            &TypeTag::Vector(Box::new(TypeTag::U8)),
            &hex::decode("03666f6f").unwrap(),
        );
        assert_eq!(
            id.to_string(),
            "0xa2b411aa9588c398d8e3bc97dddbdd430b5ded7f81545d05e33916c3ca0f30c3"
        );
    }

    #[test]
    fn key_server_field_ids_differ_by_version_and_parent() {
        let a = Address::from_static("0x1234");
        assert_ne!(key_server_field_id(&a, 1), key_server_field_id(&a, 2));
        assert_ne!(
            key_server_field_id(&a, 1),
            key_server_field_id(&Address::TWO, 1)
        );
        assert_ne!(address_alias_id(&a), address_alias_id(&Address::TWO));
    }

    #[test]
    fn key_server_layouts_round_trip() {
        let ks = KeyServer {
            id: Address::from_static("0x99"),
            first_version: 1,
            last_version: 2,
        };
        let bytes = bcs::to_bytes(&ks).unwrap();
        assert_eq!(bytes.len(), 48);
        assert_eq!(from_bcs::<KeyServer>(&bytes, "KeyServer").unwrap(), ks);
        assert_eq!(ks.preferred_version(), Some(2));
        assert_eq!(
            KeyServer {
                last_version: 1,
                ..ks.clone()
            }
            .preferred_version(),
            Some(1)
        );
        assert_eq!(
            KeyServer {
                first_version: 3,
                last_version: 4,
                ..ks
            }
            .preferred_version(),
            None
        );

        let v2 = KeyServerV2 {
            name: "s".into(),
            key_type: 0,
            pk: vec![7; 96],
            server_type: ServerType::Independent {
                url: "http://x".into(),
            },
        };
        let field = DynamicField {
            id: Address::from_static("0x5"),
            name: 2u64,
            value: v2,
        };
        let bytes = bcs::to_bytes(&field).unwrap();
        // id (32) ‖ name u64 (8) ‖ name "s" ‖ key type ‖ pk ‖ enum tag 0 ‖ url
        assert_eq!(&bytes[32..40], &2u64.to_le_bytes());
        assert_eq!(&bytes[40..42], &[1, b's']);
        assert_eq!(bytes[42], 0);
        assert_eq!(bytes[43], 96);
        assert_eq!(bytes[140], 0);
        assert_eq!(
            from_bcs::<DynamicField<u64, KeyServerV2>>(&bytes, "field").unwrap(),
            field
        );
        assert!(from_bcs::<KeyServer>(&bytes, "KeyServer").is_err());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            if let Ok(ks) = from_bcs::<KeyServer>(&bytes, "KeyServer") {
                proptest::prop_assert_eq!(bcs::to_bytes(&ks).unwrap(), bytes.clone());
            }
            if let Ok(field) = from_bcs::<DynamicField<u64, KeyServerV2>>(&bytes, "field") {
                proptest::prop_assert_eq!(bcs::to_bytes(&field).unwrap(), bytes.clone());
            }
            let _ = from_bcs::<DynamicField<u64, KeyServerV1>>(&bytes, "field");
        }

        #[test]
        fn v1_records_round_trip(name in ".{0,20}", url in ".{0,40}", pk in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..100)) {
            let record = KeyServerV1 { name, url, key_type: 0, pk };
            let bytes = bcs::to_bytes(&record).unwrap();
            proptest::prop_assert_eq!(from_bcs::<KeyServerV1>(&bytes, "v1").unwrap(), record);
        }
    }
}
