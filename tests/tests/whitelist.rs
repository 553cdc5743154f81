//! `whitelist`: an admin (holding the `Cap`) lists addresses; listed addresses get the keys of
//! ids `[whitelist id][nonce]`.

use seal_client::chain::Executed;
use seal_client::ptb::{PtbBuilder, seal_approve};
use seal_protocol::Address;
use seal_tests::{ClusterError, SealTestCluster, TestUser};

struct Whitelist {
    id: Address,
    cap: Address,
}

async fn create(cluster: &SealTestCluster, admin: &TestUser) -> Whitelist {
    let mut ptb = PtbBuilder::new();
    ptb.call(
        cluster.patterns(),
        "whitelist",
        "create_whitelist_entry",
        vec![],
    )
    .unwrap();
    let created = cluster.execute_ok(admin, ptb).await.unwrap();
    Whitelist {
        id: created.created_of("whitelist::Whitelist")[0],
        cap: created.created_of("whitelist::Cap")[0],
    }
}

/// `whitelist::add` or `whitelist::remove` of `who`, by `admin`.
async fn change(
    cluster: &SealTestCluster,
    admin: &TestUser,
    list: &Whitelist,
    function: &str,
    who: Address,
) -> Result<Executed, ClusterError> {
    let mut chain = cluster.chain();
    let mut ptb = PtbBuilder::new();
    let wl = ptb.input(chain.shared_input(list.id, true).await.unwrap());
    let cap = ptb.input(chain.object_input(list.cap).await.unwrap());
    let who = ptb.pure(&who).unwrap();
    ptb.call(
        cluster.patterns(),
        "whitelist",
        function,
        vec![wl, cap, who],
    )
    .unwrap();
    cluster.execute(admin, ptb).await
}

/// `whitelist::seal_approve(id, &Whitelist)`.
async fn approve(cluster: &SealTestCluster, list: &Whitelist, id: &[u8]) -> PtbBuilder {
    let wl = cluster.chain().shared_input(list.id, false).await.unwrap();
    seal_approve(cluster.patterns(), "whitelist", id, vec![wl]).unwrap()
}

async fn fetch(
    cluster: &SealTestCluster,
    user: &TestUser,
    list: &Whitelist,
    id: &[u8],
) -> Result<Vec<u8>, Vec<String>> {
    let ptb = approve(cluster, list, id).await;
    cluster
        .round_trip(user, cluster.patterns(), id, ptb, b"listed only")
        .await
}

#[tokio::test]
async fn members_get_keys_until_removed_and_only_under_the_list() {
    let cluster = SealTestCluster::start(2).await;
    let admin = cluster.user().await.unwrap();
    let member = cluster.user().await.unwrap();
    let outsider = cluster.user().await.unwrap();
    let list = create(&cluster, &admin).await;
    let added = change(&cluster, &admin, &list, "add", member.address).await;
    assert_eq!(added.unwrap().failure, None);
    // Twice: EDuplicate (3).
    let again = change(&cluster, &admin, &list, "add", member.address).await;
    assert_eq!(
        again.unwrap().failure.unwrap().abort,
        Some((3, "whitelist".into()))
    );
    let id = [list.id.as_bytes(), b"report-2026".as_slice()].concat();
    let refused = Err(vec!["NoAccess".to_owned(); 2]);

    assert_eq!(
        fetch(&cluster, &member, &list, &id).await,
        Ok(b"listed only".to_vec())
    );
    assert_eq!(fetch(&cluster, &outsider, &list, &id).await, refused);

    // An id under another object is not this list's to give.
    let foreign = [Address::TWO.as_bytes(), b"report-2026".as_slice()].concat();
    assert_eq!(fetch(&cluster, &member, &list, &foreign).await, refused);

    // Only the Cap's holder changes the list: the chain refuses the outsider's use of it.
    let stolen = change(&cluster, &outsider, &list, "remove", member.address).await;
    assert!(
        matches!(&stolen, Err(ClusterError::Chain(e)) if e.0.contains("not owned by the sender")),
        "{stolen:?}"
    );
    let removed = change(&cluster, &admin, &list, "remove", member.address).await;
    assert_eq!(removed.unwrap().failure, None);
    assert_eq!(fetch(&cluster, &member, &list, &id).await, refused);
}
