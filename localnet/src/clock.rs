//! The Sui clock object (`0x2::clock::Clock` at `0x6`) and where its time comes from.
//!
//! In real-time mode the clock follows the machine's wall clock, advancing (with a new
//! checkpoint) whenever the ledger is read. In manual mode it moves only when told, which makes
//! time-dependent tests (time-locks, staleness) deterministic.

use serde::{Deserialize, Serialize};
use sui_sdk_types::{Address, Identifier, StructTag};

/// The clock's object id.
pub const CLOCK_ID: Address = Address::from_static("0x6");

/// The clock's initial shared version.
pub const CLOCK_INITIAL_SHARED_VERSION: u64 = 1;

/// BCS layout of `0x2::clock::Clock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockContents {
    /// `UID`: the object id.
    pub id: Address,
    /// Milliseconds since the Unix epoch.
    pub timestamp_ms: u64,
}

/// `0x2::clock::Clock`.
pub fn clock_type() -> StructTag {
    StructTag::new(
        Address::TWO,
        Identifier::from_static("clock"),
        Identifier::from_static("Clock"),
        vec![],
    )
}

/// Where the clock's time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    /// The machine's wall clock.
    RealTime,
    /// Only explicit sets and advances move it.
    Manual,
}

/// Milliseconds since the Unix epoch, now.
pub fn wall_clock_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}
