//! Key-server registration through real transactions: the `KeyServer` object and its
//! versioned records as dynamic fields (V1, upgraded to V2, updated), and a bad key type that
//! aborts while the gas is still charged.

mod common;

use common::*;
use seal_protocol::onchain::{
    DynamicField, KeyServer, KeyServerV1, KeyServerV2, ServerType, key_server_field_id,
};
use sui_sdk_types::{Address, Argument, Input};

const PK: &str = "a58bfa576a8efe2e2730bc664b3dbe70257d8e35106e4af7353d007dba092d722314a0aeb6bca5eed735466bbf471aef01e4da8d2efac13112c51d1411f6992b8604656ea2cf6a33ec10ce8468de20e1d7ecbfed8688a281d462f72a41602161";

fn registration(
    user: &User,
    gas: sui_sdk_types::ObjectReference,
    function: &str,
    key_type: u8,
) -> sui_sdk_types::Transaction {
    let inputs = vec![
        pure(&"server".to_owned()),
        pure(&"http://127.0.0.1:1".to_owned()),
        pure(&key_type),
        pure(&hex::decode(PK).unwrap()),
    ];
    let args = (0..4).map(Argument::Input).collect();
    transaction(
        user.address,
        inputs,
        vec![call(seal_package(), "key_server", function, args)],
        vec![gas],
        10_000_000,
    )
}

fn key_server_of(
    ledger: &seal_localnet::ledger::SharedLedger,
    owner: Address,
) -> Option<(Address, KeyServer)> {
    let ledger = ledger.lock();
    ledger.objects().find_map(|object| match object.data() {
        sui_sdk_types::ObjectData::Struct(s)
            if s.object_type().name().as_str() == "KeyServer"
                && object.owner() == &sui_sdk_types::Owner::Address(owner) =>
        {
            Some((object.object_id(), bcs::from_bytes(s.contents()).unwrap()))
        }
        _ => None,
    })
}

fn field_contents(ledger: &seal_localnet::ledger::SharedLedger, id: Address) -> Vec<u8> {
    match ledger.lock().object(&id).unwrap().data() {
        sui_sdk_types::ObjectData::Struct(s) => s.contents().to_vec(),
        _ => panic!("not a struct"),
    }
}

#[tokio::test]
async fn key_servers_are_registered_with_their_records() {
    let net = Localnet::start().await;
    let user = User::new(3);
    let coin = net.ledger.lock().fund(user.address, 1_000_000_000);
    let tx = registration(
        &user,
        reference(&net.ledger, coin),
        "create_and_transfer_v1",
        0,
    );
    let executed = execute(&net, &tx, vec![user.sign(&tx)]).await.unwrap();
    assert_eq!(status(&executed).success, Some(true), "{executed:?}");

    let (id, server) =
        key_server_of(&net.ledger, user.address).expect("a KeyServer owned by the user");
    assert_eq!((server.first_version, server.last_version), (1, 1));
    // The record lives at the derived dynamic-field id; the value starts after id and name.
    let record = field_contents(&net.ledger, key_server_field_id(&id, 1));
    let field: DynamicField<u64, KeyServerV1> = bcs::from_bytes(&record).unwrap();
    assert_eq!(field.value.url, "http://127.0.0.1:1");
    assert_eq!(hex::encode(&field.value.pk), PK);
    let value: KeyServerV1 = bcs::from_bytes(&record[32 + 8..]).unwrap();
    assert_eq!(value, field.value);

    // Upgrade to V2, then update the URL in both records.
    let gas = reference(&net.ledger, coin);
    let server_ref = reference(&net.ledger, id);
    let upgrade = transaction(
        user.address,
        vec![
            Input::ImmutableOrOwned(server_ref),
            pure(&"https://new.example".to_owned()),
        ],
        vec![
            call(
                seal_package(),
                "key_server",
                "upgrade_v1_to_independent_v2",
                vec![Argument::Input(0)],
            ),
            call(
                seal_package(),
                "key_server",
                "update",
                vec![Argument::Input(0), Argument::Input(1)],
            ),
        ],
        vec![gas],
        10_000_000,
    );
    let executed = execute(&net, &upgrade, vec![user.sign(&upgrade)])
        .await
        .unwrap();
    assert_eq!(status(&executed).success, Some(true), "{executed:?}");
    let v2: DynamicField<u64, KeyServerV2> =
        bcs::from_bytes(&field_contents(&net.ledger, key_server_field_id(&id, 2))).unwrap();
    assert_eq!(
        v2.value.server_type,
        ServerType::Independent {
            url: "https://new.example".into()
        }
    );
    let v1: DynamicField<u64, KeyServerV1> =
        bcs::from_bytes(&field_contents(&net.ledger, key_server_field_id(&id, 1))).unwrap();
    assert_eq!(v1.value.url, "https://new.example");
    assert_eq!(
        key_server_of(&net.ledger, user.address)
            .unwrap()
            .1
            .last_version,
        2
    );
}

#[tokio::test]
async fn bad_key_types_abort_and_the_gas_is_still_charged() {
    let net = Localnet::start().await;
    let user = User::new(4);
    let coin = net.ledger.lock().fund(user.address, 1_000_000_000);
    let tx = registration(
        &user,
        reference(&net.ledger, coin),
        "create_and_transfer_v2_independent_server",
        1,
    );
    let executed = execute(&net, &tx, vec![user.sign(&tx)]).await.unwrap();
    assert_eq!(abort_of(&status(&executed)).0, 1);
    assert!(key_server_of(&net.ledger, user.address).is_none());
    let charged = 1000 * (1000 + 100);
    let coin_now: seal_localnet::exec::commands::CoinContents =
        bcs::from_bytes(&field_contents(&net.ledger, coin)).unwrap();
    assert_eq!(coin_now.value, 1_000_000_000 - charged);
}
