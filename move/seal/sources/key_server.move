// Key-server registration, with the object layout the Seal SDKs read:
// a `KeyServer` object whose versioned records live in dynamic fields named by a u64 version.
// seal-localnet runs this module natively (localnet/src/natives/seal.rs).
module seal::key_server;

use std::string::String;
use sui::bls12381::g2_from_bytes;
use sui::dynamic_field as df;

/// The only key type: Boneh-Franklin over BLS12-381.
const KEY_TYPE_BONEH_FRANKLIN_BLS12381: u8 = 0;

const EInvalidKeyType: u64 = 1;
const EInvalidVersion: u64 = 2;
const EInvalidServerType: u64 = 3;

/// A registered key server. Its records are dynamic fields: version 1 holds a `KeyServerV1`,
/// version 2 a `KeyServerV2`; readers take the newest version they understand.
public struct KeyServer has key, store {
    id: UID,
    first_version: u64,
    last_version: u64,
}

public struct KeyServerV1 has store {
    name: String,
    url: String,
    key_type: u8,
    pk: vector<u8>,
}

public struct PartialKeyServer has copy, drop, store {
    name: String,
    url: String,
    partial_pk: vector<u8>,
    party_id: u16,
}

public enum ServerType has drop, store {
    Independent { url: String },
    Committee { version: u32, threshold: u16, partial_key_servers: vector<PartialKeyServer> },
}

public struct KeyServerV2 has store {
    name: String,
    key_type: u8,
    pk: vector<u8>,
    server_type: ServerType,
}

/// Checks what every registration must satisfy: a known key type and a valid G2 public key
/// (`g2_from_bytes` aborts on anything else).
fun check_key(key_type: u8, pk: &vector<u8>) {
    assert!(key_type == KEY_TYPE_BONEH_FRANKLIN_BLS12381, EInvalidKeyType);
    let _ = g2_from_bytes(pk);
}

/// Registers a server with a V1 record and sends the object to the caller.
public fun create_and_transfer_v1(name: String, url: String, key_type: u8, pk: vector<u8>, ctx: &mut TxContext) {
    check_key(key_type, &pk);
    let mut server = KeyServer { id: object::new(ctx), first_version: 1, last_version: 1 };
    df::add(&mut server.id, 1u64, KeyServerV1 { name, url, key_type, pk });
    transfer::transfer(server, ctx.sender());
}

/// Registers an independent server with a V2 record and sends the object to the caller.
public fun create_and_transfer_v2_independent_server(name: String, url: String, key_type: u8, pk: vector<u8>, ctx: &mut TxContext) {
    check_key(key_type, &pk);
    let mut server = KeyServer { id: object::new(ctx), first_version: 2, last_version: 2 };
    let record = KeyServerV2 { name, key_type, pk, server_type: ServerType::Independent { url } };
    df::add(&mut server.id, 2u64, record);
    transfer::transfer(server, ctx.sender());
}

/// Adds a V2 record, copied from the V1 record, to a V1 server.
public fun upgrade_v1_to_independent_v2(server: &mut KeyServer) {
    assert!(server.last_version == 1, EInvalidVersion);
    let v1: &KeyServerV1 = df::borrow(&server.id, 1u64);
    let record = KeyServerV2 {
        name: v1.name,
        key_type: v1.key_type,
        pk: v1.pk,
        server_type: ServerType::Independent { url: v1.url },
    };
    df::add(&mut server.id, 2u64, record);
    server.last_version = 2;
}

/// Changes the URL in every record the server has.
public fun update(server: &mut KeyServer, url: String) {
    if (server.first_version <= 1) {
        let v1: &mut KeyServerV1 = df::borrow_mut(&mut server.id, 1u64);
        v1.url = url;
    };
    if (server.last_version >= 2) {
        let v2: &mut KeyServerV2 = df::borrow_mut(&mut server.id, 2u64);
        match (&mut v2.server_type) {
            ServerType::Independent { url: current } => *current = url,
            ServerType::Committee { .. } => abort EInvalidServerType,
        }
    };
}
