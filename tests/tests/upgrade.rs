//! Package upgrades: data encrypted under the first version stays readable through calls to
//! later versions, because the key id's namespace is the package's first-version id. A
//! permissioned key server serves a client's package in every version, and nothing else.

use seal_client::dev::ServerMode;
use seal_client::ptb::{PtbBuilder, seal_approve};
use seal_protocol::Address;
use seal_tests::{SealTestCluster, TestUser, open, refusal_kinds};

/// `<package>::account_based::seal_approve(user)`.
fn approve(package: Address, user: &TestUser) -> PtbBuilder {
    seal_approve(package, "account_based", user.address.as_bytes(), vec![]).unwrap()
}

#[tokio::test]
async fn keys_stay_under_the_first_version_after_an_upgrade() {
    let mut cluster = SealTestCluster::start(2).await;
    let (operator, user) = (cluster.user().await.unwrap(), cluster.user().await.unwrap());
    let v1 = cluster.publish("patterns", operator.address).await.unwrap();
    let id = user.address.as_bytes();
    let object = cluster.encrypt(v1.package_id, id, 2, b"written under v1", None);

    let v2 = cluster.upgrade("patterns", v1.upgrade_cap).await.unwrap();
    assert_ne!(v2, v1.package_id);
    let keys = cluster
        .fetch_keys(&user, v1.package_id, approve(v2, &user), &[id], 2)
        .await
        .unwrap();
    assert_eq!(open(&object, &keys).unwrap(), b"written under v1");

    // A permissioned server for this client's package answers calls to v2 as to v1 ...
    let server = cluster
        .add_key_server(ServerMode::Permissioned {
            package_ids: vec![v1.package_id],
        })
        .await
        .unwrap();
    let full_id = seal_protocol::ptb::full_id(&v1.package_id, id);
    for version in [v1.package_id, v2] {
        let keys = cluster
            .fetch_from(server, &user, v1.package_id, approve(version, &user))
            .await
            .unwrap();
        assert!(keys.contains_key(&full_id), "through {version}");
    }
    // ... and refuses a package it does not serve, however valid the policy.
    let other = cluster.patterns();
    let refused = cluster
        .fetch_from(server, &user, other, approve(other, &user))
        .await
        .unwrap_err();
    assert_eq!(refusal_kinds(&refused), vec!["UnsupportedPackageId"]);
}
