//! The ledger: live objects, the checkpoint sequence, the epoch and its reference gas price.
//!
//! Objects are kept as `sui_sdk_types::Object`, so ids, digests and BCS are computed exactly as
//! Sui computes them, and the RPC layer renders them with `sui-rpc`'s own field-mask code. Only
//! the latest version of each object is kept: a fullnode without history answers older versions
//! with NOT_FOUND too.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use sui_sdk_types::hash::Hasher;
use sui_sdk_types::{Address, Digest, Object, Transaction, TransactionEffects, UserSignature};

use crate::clock::{CLOCK_ID, ClockContents, ClockMode, wall_clock_ms};
use crate::natives::NativePackage;

/// Start-up options of the ledger.
#[derive(Debug, Clone)]
pub struct LedgerConfig {
    /// Real-time or manual clock.
    pub clock: ClockMode,
    /// The clock's first reading; `None`: the wall clock at start.
    pub start_time_ms: Option<u64>,
    /// The epoch's reference gas price.
    pub reference_gas_price: u64,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        Self {
            clock: ClockMode::RealTime,
            start_time_ms: None,
            reference_gas_price: 1000,
        }
    }
}

/// The state of the local chain.
pub struct Ledger {
    objects: BTreeMap<Address, Object>,
    clock_mode: ClockMode,
    timestamp_ms: u64,
    checkpoint: u64,
    checkpoint_digest: Digest,
    epoch: u64,
    epoch_start_ms: u64,
    reference_gas_price: u64,
    chain_id: Digest,
    /// Which native implementation backs each package id, and the package's original id.
    packages: BTreeMap<Address, (&'static NativePackage, Address)>,
    /// Executed transactions, by digest.
    transactions: BTreeMap<Digest, ExecutedRecord>,
    /// Coins created by the faucet so far.
    faucet_count: u64,
    /// What the genesis packages' `init` created (their `PackageVersion` objects, …).
    genesis_objects: Vec<crate::publish::CreatedByInit>,
    /// Packages published through the admin surface so far.
    publish_count: u64,
}

/// An executed transaction as kept by the ledger.
#[derive(Debug, Clone)]
pub struct ExecutedRecord {
    /// The transaction.
    pub transaction: Transaction,
    /// Its signatures.
    pub signatures: Vec<UserSignature>,
    /// Its effects.
    pub effects: TransactionEffects,
    /// The checkpoint that includes it.
    pub checkpoint: u64,
    /// The clock when it ran.
    pub timestamp_ms: u64,
}

/// Deterministic id of a genesis native package.
pub fn genesis_package_id(name: &str) -> Address {
    Address::new(digest_of("seal-localnet package", name.as_bytes()).into_inner())
}

/// A digest of a domain tag and some bytes, for the emulator's own identifiers.
pub fn digest_of(tag: &str, bytes: &[u8]) -> Digest {
    let mut hasher = Hasher::new();
    hasher.update(tag.as_bytes());
    hasher.update(bytes);
    hasher.finalize()
}

impl Ledger {
    /// The genesis state.
    pub fn new(config: LedgerConfig) -> Self {
        let timestamp_ms = config.start_time_ms.unwrap_or_else(wall_clock_ms);
        let objects = crate::genesis::objects(timestamp_ms)
            .into_iter()
            .map(|o| (o.object_id(), o))
            .collect();
        let chain_id = digest_of("seal-localnet genesis", &[]);
        let mut ledger = Self {
            objects,
            clock_mode: config.clock,
            timestamp_ms,
            checkpoint: 0,
            checkpoint_digest: chain_id,
            epoch: 0,
            epoch_start_ms: timestamp_ms,
            reference_gas_price: config.reference_gas_price,
            chain_id,
            packages: BTreeMap::new(),
            transactions: BTreeMap::new(),
            faucet_count: 0,
            genesis_objects: Vec::new(),
            publish_count: 0,
        };
        ledger.packages.insert(
            Address::TWO,
            (&crate::natives::framework::FRAMEWORK, Address::TWO),
        );
        for native in [
            &crate::natives::seal::SEAL,
            &crate::natives::patterns::PATTERNS,
        ] {
            ledger.publish_native(native, genesis_package_id(native.name));
        }
        ledger
    }

    /// Publishes a native package at `id` (version 1, its own original id). Genesis has no
    /// publisher: what `init` would hand the publisher goes to `0x0`, which no one controls.
    pub fn publish_native(&mut self, native: &'static NativePackage, id: Address) {
        self.register_package(native, id, 1, id);
        let created = self.run_inits(native, id, Address::ZERO);
        self.genesis_objects.extend(created);
    }

    /// Records a package object backed by `native`, with its original id.
    pub(crate) fn register_package(
        &mut self,
        native: &'static NativePackage,
        id: Address,
        version: u64,
        origin: Address,
    ) {
        let object = crate::genesis::package_object(
            id,
            version,
            &native.module_names(),
            &native.structs(),
            origin,
        );
        self.objects.insert(id, object);
        self.packages.insert(id, (native, origin));
    }

    /// A fresh number for ids the admin surface creates (packages, caps).
    pub(crate) fn next_admin_count(&mut self) -> u64 {
        self.publish_count += 1;
        self.publish_count
    }

    /// The native implementation of a package and its original id.
    pub fn native_package(&self, id: &Address) -> Option<(&'static NativePackage, Address)> {
        self.packages.get(id).copied()
    }

    /// Ids of the packages with this original id, with their versions, oldest first.
    pub fn package_versions(&self, original: &Address) -> Vec<(Address, u64)> {
        let mut versions: Vec<(Address, u64)> = self
            .packages
            .iter()
            .filter(|(_, (_, origin))| origin == original)
            .filter_map(|(id, _)| Some((*id, self.objects.get(id)?.version())))
            .collect();
        versions.sort_by_key(|(_, version)| *version);
        versions
    }

    /// Applies an executed transaction's writes and records it under a new checkpoint.
    pub fn apply(
        &mut self,
        written: Vec<Object>,
        deleted: Vec<Address>,
        record: ExecutedRecord,
    ) -> Digest {
        for object in written {
            self.objects.insert(object.object_id(), object);
        }
        for id in deleted {
            self.objects.remove(&id);
        }
        let digest = record.transaction.digest();
        self.set_clock(self.timestamp_ms);
        let record = ExecutedRecord {
            checkpoint: self.checkpoint,
            timestamp_ms: self.timestamp_ms,
            ..record
        };
        self.transactions.insert(digest, record);
        digest
    }

    /// Creates a `Coin<SUI>` of `amount` MIST owned by `owner` (the faucet); returns its id.
    pub fn fund(&mut self, owner: Address, amount: u64) -> Address {
        self.faucet_count += 1;
        let id = Address::new(
            digest_of("seal-localnet faucet", &self.faucet_count.to_le_bytes()).into_inner(),
        );
        let contents = bcs::to_bytes(&crate::exec::commands::CoinContents { id, value: amount })
            .unwrap_or_default();
        let value = crate::exec::ObjectValue {
            type_: sui_sdk_types::StructTag::gas_coin(),
            contents,
            owner: sui_sdk_types::Owner::Address(owner),
        };
        let digest = digest_of(
            "seal-localnet faucet transaction",
            &self.faucet_count.to_le_bytes(),
        );
        if let Some(object) = crate::exec::build_object(value, self.checkpoint + 1, digest) {
            self.objects.insert(id, object);
        }
        self.set_clock(self.timestamp_ms);
        id
    }

    /// An executed transaction.
    pub fn transaction(&self, digest: &Digest) -> Option<&ExecutedRecord> {
        self.transactions.get(digest)
    }

    /// Every live object (for owner and dynamic-field listings).
    pub fn objects(&self) -> impl Iterator<Item = &Object> {
        self.objects.values()
    }

    /// Brings a real-time clock up to the wall clock (a new checkpoint if it moved).
    pub fn tick(&mut self) {
        if self.clock_mode == ClockMode::RealTime {
            let now = wall_clock_ms();
            if now > self.timestamp_ms {
                self.set_clock(now);
            }
        }
    }

    /// Sets the clock to `timestamp_ms` (it may go backwards: tests use that to simulate a
    /// lagging fullnode) and seals a checkpoint.
    pub fn set_clock(&mut self, timestamp_ms: u64) {
        self.timestamp_ms = timestamp_ms;
        self.checkpoint += 1;
        let checkpoint_bytes = [self.checkpoint.to_le_bytes(), timestamp_ms.to_le_bytes()].concat();
        self.checkpoint_digest = digest_of("seal-localnet checkpoint", &checkpoint_bytes);
        let version = self
            .objects
            .get(&CLOCK_ID)
            .map(|clock| clock.version() + 1)
            .unwrap_or(1);
        let clock = crate::genesis::clock_object(version, timestamp_ms, self.checkpoint_digest);
        self.objects.insert(CLOCK_ID, clock);
    }

    /// Moves the clock forward by `delta_ms`.
    pub fn advance_clock(&mut self, delta_ms: u64) {
        self.set_clock(self.timestamp_ms.saturating_add(delta_ms));
    }

    /// What the genesis packages' `init` created.
    pub fn genesis_objects(&self) -> &[crate::publish::CreatedByInit] {
        &self.genesis_objects
    }

    /// The live object with this id.
    pub fn object(&self, id: &Address) -> Option<&Object> {
        self.objects.get(id)
    }

    /// Adds or replaces an object.
    pub fn put_object(&mut self, object: Object) {
        self.objects.insert(object.object_id(), object);
    }

    /// The clock's current reading.
    pub fn timestamp_ms(&self) -> u64 {
        self.timestamp_ms
    }

    /// The clock contents as stored (for checks in tests).
    pub fn clock_contents(&self) -> Option<ClockContents> {
        let object = self.objects.get(&CLOCK_ID)?;
        match object.data() {
            sui_sdk_types::ObjectData::Struct(s) => bcs::from_bytes(s.contents()).ok(),
            sui_sdk_types::ObjectData::Package(_) => None,
        }
    }

    /// Latest checkpoint sequence number.
    pub fn checkpoint(&self) -> u64 {
        self.checkpoint
    }

    /// Latest checkpoint digest.
    pub fn checkpoint_digest(&self) -> Digest {
        self.checkpoint_digest
    }

    /// Current epoch.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// When the current epoch started.
    pub fn epoch_start_ms(&self) -> u64 {
        self.epoch_start_ms
    }

    /// Reference gas price of the current epoch.
    pub fn reference_gas_price(&self) -> u64 {
        self.reference_gas_price
    }

    /// Starts a new epoch with a new reference gas price.
    pub fn new_epoch(&mut self, reference_gas_price: u64) {
        self.epoch += 1;
        self.epoch_start_ms = self.timestamp_ms;
        self.reference_gas_price = reference_gas_price;
        self.set_clock(self.timestamp_ms);
    }

    /// The chain identifier (digest of the genesis checkpoint).
    pub fn chain_id(&self) -> Digest {
        self.chain_id
    }
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("objects", &self.objects.len())
            .field("checkpoint", &self.checkpoint)
            .field("timestamp_ms", &self.timestamp_ms)
            .finish_non_exhaustive()
    }
}

/// The ledger shared between the RPC services and the admin surface.
#[derive(Debug, Clone)]
pub struct SharedLedger(Arc<Mutex<Ledger>>);

impl SharedLedger {
    /// Wraps a ledger.
    pub fn new(ledger: Ledger) -> Self {
        Self(Arc::new(Mutex::new(ledger)))
    }

    /// Locks the ledger after bringing its clock up to date. A poisoned lock (a panic while
    /// holding it) is recovered: every mutation leaves the ledger consistent between statements.
    pub fn lock(&self) -> MutexGuard<'_, Ledger> {
        let mut guard = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        guard.tick();
        guard
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manual(start: u64) -> Ledger {
        Ledger::new(LedgerConfig {
            clock: ClockMode::Manual,
            start_time_ms: Some(start),
            reference_gas_price: 500,
        })
    }

    #[test]
    fn genesis_is_deterministic() {
        let (a, b) = (manual(1000), manual(1000));
        assert_eq!(a.chain_id(), b.chain_id());
        let digests = |l: &Ledger| l.objects.values().map(|o| o.digest()).collect::<Vec<_>>();
        assert_eq!(digests(&a), digests(&b));
        assert_eq!(
            a.clock_contents(),
            Some(ClockContents {
                id: CLOCK_ID,
                timestamp_ms: 1000
            })
        );
    }

    #[test]
    fn the_manual_clock_moves_only_when_told_and_bumps_versions() {
        let mut ledger = manual(1000);
        ledger.tick();
        assert_eq!(ledger.timestamp_ms(), 1000);
        let v1 = ledger.object(&CLOCK_ID).unwrap().version();
        ledger.advance_clock(500);
        assert_eq!(ledger.clock_contents().unwrap().timestamp_ms, 1500);
        assert_eq!(ledger.object(&CLOCK_ID).unwrap().version(), v1 + 1);
        assert_eq!(ledger.checkpoint(), 1);
        ledger.set_clock(200);
        assert_eq!(ledger.clock_contents().unwrap().timestamp_ms, 200);
    }

    #[test]
    fn the_real_time_clock_follows_the_wall_clock() {
        let mut ledger = Ledger::new(LedgerConfig {
            start_time_ms: Some(0),
            ..LedgerConfig::default()
        });
        ledger.tick();
        assert!(ledger.timestamp_ms() + 60_000 > wall_clock_ms());
    }

    #[test]
    fn epochs_change_the_gas_price() {
        let mut ledger = manual(0);
        ledger.new_epoch(750);
        assert_eq!((ledger.epoch(), ledger.reference_gas_price()), (1, 750));
    }
}
