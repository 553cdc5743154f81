//! The stack's dealings with its local chain: the admin surface (funding, clock, publishing)
//! and registering key servers as an operator would.

use seal_protocol::Address;
use seal_protocol::crypto::G2Point;
use sui_crypto::ed25519::Ed25519PrivateKey;

use super::{DevError, DevStack};

/// `(id, type)` pairs from the local chain's `[{"object_id", "object_type"}]` lists (genesis
/// objects, what a publish's `init` created).
pub fn created_objects(list: &serde_json::Value) -> Vec<(Address, String)> {
    let Some(objects) = list.as_array() else {
        return Vec::new();
    };
    objects
        .iter()
        .filter_map(|o| {
            let id = o["object_id"].as_str()?.parse().ok()?;
            Some((id, o["object_type"].as_str()?.to_owned()))
        })
        .collect()
}

/// The object of type `<package>::module_and_name` in such a list.
pub fn object_of_type(
    objects: &[(Address, String)],
    package: Address,
    module_and_name: &str,
) -> Option<Address> {
    let type_ = format!("{package}::{module_and_name}");
    objects.iter().find(|(_, t)| *t == type_).map(|(id, _)| *id)
}

impl DevStack {
    /// POSTs to the local chain's admin surface.
    pub async fn admin(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> Result<serde_json::Value, DevError> {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.grpc_url))
            .json(&body)
            .send()
            .await
            .map_err(|e| DevError::Chain(e.to_string()))?;
        if !response.status().is_success() {
            return Err(DevError::Chain(format!(
                "{path}: HTTP {}",
                response.status()
            )));
        }
        response
            .json()
            .await
            .map_err(|e| DevError::Chain(e.to_string()))
    }

    /// Gives `address` `amount` MIST of fresh SUI (a new gas coin).
    pub async fn fund(&self, address: Address, amount: u64) -> Result<(), DevError> {
        self.admin(
            "/admin/fund",
            serde_json::json!({ "address": address, "amount": amount }),
        )
        .await?;
        Ok(())
    }

    /// Sets the chain clock. It may go backwards; a real-time clock then catches up with the
    /// wall clock at its next reading, a manual one stays there.
    pub async fn set_clock(&self, timestamp_ms: u64) -> Result<(), DevError> {
        self.admin(
            "/admin/clock",
            serde_json::json!({ "set_ms": timestamp_ms }),
        )
        .await?;
        Ok(())
    }

    /// Registers a V1 key server for `url` with `public_key`, from a funded account (one per
    /// `operator` number); returns its object id.
    pub async fn register_key_server(
        &self,
        operator: u8,
        public_key: &G2Point,
        url: &str,
    ) -> Result<Address, DevError> {
        let operator = Ed25519PrivateKey::new([0x5e ^ operator; 32]);
        let address = operator.public_key().derive_address();
        self.fund(address, 10_000_000_000).await?;
        let mut chain =
            crate::chain::Chain::new(&self.grpc_url).map_err(|e| DevError::Chain(e.0))?;
        chain
            .register_key_server(
                &operator,
                self.seal_package,
                &format!("seal-dev-{address}"),
                url,
                public_key,
                false,
            )
            .await
            .map_err(|e| DevError::Chain(e.0))
    }
}
