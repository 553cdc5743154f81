//! What a dApp does with key servers: encrypt to all of them, open a session as a user, and
//! fetch keys for a policy transaction over HTTP, each answer verified.

use std::collections::BTreeMap;

use seal_client::demo::now_ms;
use seal_client::fetch::{FetchError, ServerKeys, fetch_from, fetch_keys};
use seal_client::ptb::PtbBuilder;
use seal_client::seal::{Dem, decrypt, encrypt};
use seal_client::session::SessionKey;
use seal_protocol::Address;
use seal_protocol::crypto::G1Point;
use seal_protocol::encrypted_object::EncryptedObject;

use crate::{SealTestCluster, TestUser};

/// The derived keys a fetch returned, by key server.
pub type KeyAnswer = BTreeMap<Address, ServerKeys>;

/// The Seal error kinds (e.g. `NoAccess`) of the servers that refused, in no particular order.
pub fn refusal_kinds(error: &FetchError) -> Vec<String> {
    match error {
        FetchError::Refused { error, .. } => vec![error.clone()],
        FetchError::Unreachable { .. } => vec![],
        FetchError::Threshold { errors, .. } => errors.iter().flat_map(refusal_kinds).collect(),
    }
}

impl SealTestCluster {
    /// Encrypts `plaintext` for `package ‖ id` to every key server, HMAC DEM (so it can also
    /// be decrypted on chain), with `aad`.
    pub fn encrypt(
        &self,
        package: Address,
        id: &[u8],
        threshold: u8,
        plaintext: &[u8],
        aad: Option<&[u8]>,
    ) -> EncryptedObject {
        let (object, _) = encrypt(
            package,
            id,
            &self.stack.key_server_keys(),
            threshold,
            plaintext,
            aad,
            Dem::Hmac256Ctr,
            &mut rand::thread_rng(),
        )
        .unwrap_or_else(|e| panic!("encryption: {e}"));
        object
    }

    /// A signed session of `user` for `package` (the first version's id).
    pub fn session(&self, user: &TestUser, package: Address) -> SessionKey {
        let mut session = SessionKey::new(user.address, package, 10, now_ms())
            .unwrap_or_else(|e| panic!("session: {e}"));
        session
            .sign_with(&user.key)
            .unwrap_or_else(|e| panic!("signing the session: {e}"));
        session
    }

    /// Asks every key server for the keys of `ids` (inner ids under `package`) approved by
    /// `ptb`, as `user`; succeeds once `threshold` servers returned verified keys for all.
    pub async fn fetch_keys(
        &self,
        user: &TestUser,
        package: Address,
        ptb: PtbBuilder,
        ids: &[&[u8]],
        threshold: usize,
    ) -> Result<KeyAnswer, FetchError> {
        let session = self.session(user, package);
        let (request, secret) = session
            .request(&ptb.finish())
            .unwrap_or_else(|e| panic!("request: {e}"));
        let full_ids: Vec<Vec<u8>> = ids
            .iter()
            .map(|id| seal_protocol::ptb::full_id(&package, id))
            .collect();
        fetch_keys(
            &self.http,
            &self.endpoints(),
            &request,
            &secret,
            &full_ids,
            threshold,
        )
        .await
    }

    /// What a dApp's round trip gives: encrypts `plaintext` for `package ‖ id` to every key
    /// server (all needed), fetches the keys through `ptb` as `user`, and decrypts. `Err` holds
    /// the error kinds of the servers that refused.
    pub async fn round_trip(
        &self,
        user: &TestUser,
        package: Address,
        id: &[u8],
        ptb: PtbBuilder,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, Vec<String>> {
        let servers = self.stack.servers.len();
        let threshold = u8::try_from(servers).unwrap_or(u8::MAX);
        let object = self.encrypt(package, id, threshold, plaintext, None);
        let keys = self
            .fetch_keys(user, package, ptb, &[id], servers)
            .await
            .map_err(|e| refusal_kinds(&e))?;
        Ok(open(&object, &keys)
            .unwrap_or_else(|e| panic!("keys that verified did not decrypt: {e}")))
    }

    /// Asks one key server (by index) only.
    pub async fn fetch_from(
        &self,
        server: usize,
        user: &TestUser,
        package: Address,
        ptb: PtbBuilder,
    ) -> Result<ServerKeys, FetchError> {
        let session = self.session(user, package);
        let (request, secret) = session
            .request(&ptb.finish())
            .unwrap_or_else(|e| panic!("request: {e}"));
        fetch_from(&self.http, &self.endpoints()[server], &request, &secret).await
    }
}

/// Decrypts `object` with the keys of a fetch (any `threshold` of the servers).
pub fn open(object: &EncryptedObject, answer: &KeyAnswer) -> Result<Vec<u8>, seal_client::Error> {
    let full_id = object.full_id();
    let keys: Vec<(Address, G1Point)> = answer
        .iter()
        .filter_map(|(server, keys)| Some((*server, *keys.get(&full_id)?)))
        .collect();
    decrypt(object, &keys, None)
}
