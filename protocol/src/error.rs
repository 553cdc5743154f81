//! The one error type of this crate.
//!
//! Decoders report *what* was wrong (which field, which check) so that the caller can map the
//! failure to the right wire error and log something useful, without ever echoing secret bytes
//! (this crate never sees any).

use std::fmt;

use crate::ptb::PtbError;

/// The BLS12-381 group a point belongs to, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// G1, 48-byte compressed points.
    G1,
    /// G2, 96-byte compressed points.
    G2,
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Group::G1 => "G1",
            Group::G2 => "G2",
        })
    }
}

/// Why an input was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Not standard, padded base64.
    #[error("{what} is not valid base64 (standard alphabet, padded)")]
    Base64 {
        /// The field or object being decoded.
        what: &'static str,
    },
    /// Not valid hex.
    #[error("{what} is not valid hex")]
    Hex {
        /// The field or object being decoded.
        what: &'static str,
    },
    /// A fixed-size value had the wrong size.
    #[error("{what} must be {expected} bytes, got {actual}")]
    Length {
        /// The field or object being decoded.
        what: &'static str,
        /// Required length in bytes.
        expected: usize,
        /// Length received.
        actual: usize,
    },
    /// The bytes are not a valid compressed encoding of a curve point.
    #[error("bytes do not encode a {0} point on the curve")]
    NotOnCurve(Group),
    /// The point is on the curve but outside the prime-order subgroup.
    #[error("{0} point is not in the prime-order subgroup")]
    NotInSubgroup(Group),
    /// The identity (point at infinity) where a real key is required.
    #[error("the {0} identity point is not allowed here")]
    IdentityPoint(Group),
    /// A scalar that is not below the group order r.
    #[error("scalar is not canonical (must be below the group order)")]
    NonCanonicalScalar,
    /// BCS that does not decode as the expected type, or leaves trailing bytes.
    #[error("invalid BCS for {what}: {detail}")]
    Bcs {
        /// The type being decoded.
        what: &'static str,
        /// The decoder's complaint.
        detail: String,
    },
    /// The `ptb` field breaks a validity rule (§3.1).
    #[error("invalid PTB: {0}")]
    Ptb(#[from] PtbError),
    /// A 32-byte value that is not an Ed25519 public key.
    #[error("invalid Ed25519 session public key")]
    SessionKey,
    /// The session key's signature over the request does not verify.
    #[error("session key signature does not verify")]
    SessionSignature,
    /// A time that cannot be shown as a calendar date.
    #[error("creation time {0} ms is outside the representable calendar range")]
    TimeOutOfRange(u64),
    /// A pairing equation that must hold does not.
    #[error("{0} does not verify")]
    Verification(&'static str),
    /// A value outside the limits of the format (see the item's documentation).
    #[error("{what}: {detail}")]
    Limit {
        /// What exceeded its limit.
        what: &'static str,
        /// By how much.
        detail: String,
    },
}

impl Error {
    pub(crate) fn bcs(what: &'static str, err: bcs::Error) -> Self {
        Error::Bcs {
            what,
            detail: err.to_string(),
        }
    }
}
