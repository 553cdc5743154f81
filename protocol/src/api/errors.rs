//! The error kinds of the key-server API: names, HTTP statuses and messages as the official
//! server sends them (§1.10), and the `{"error", "message"}` body.
//!
//! The TS SDK picks its exception class from `error` alone and shows `message` only for
//! `InvalidPTB` and unknown kinds (§1.12), so the kind and status are what matter most.

use serde::{Deserialize, Serialize};

/// A Seal API error kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(clippy::upper_case_acronyms)]
pub enum ErrorKind {
    /// The PTB breaks a rule, or calls a function that does not exist.
    InvalidPTB,
    /// The called package does not exist or is not a package.
    InvalidPackage,
    /// The policy refused (any Move abort in the dry run).
    NoAccess,
    /// Certificate TTL too long, creation time in the future, or expired.
    InvalidCertificate,
    /// The user's signature over the personal message is invalid.
    InvalidSignature,
    /// The session key's signature over the request is invalid.
    InvalidSessionSignature,
    /// The fullnode refused the transaction's arguments.
    InvalidParameter,
    /// The MVR name does not resolve to the package.
    InvalidMVRName,
    /// Unknown SDK type (aggregators only).
    InvalidSDKType,
    /// `Client-Sdk-Version` is not a SemVer version.
    InvalidSDKVersion,
    /// `service_id` missing, malformed, or not served here.
    InvalidServiceId,
    /// Permissioned mode: no client lists this package.
    UnsupportedPackageId,
    /// A required header is missing.
    MissingRequiredHeader,
    /// The SDK is older than this server accepts.
    DeprecatedSDKVersion,
    /// Anything the caller should retry: fullnode trouble, stale fullnode, keyvault unavailable.
    Failure,
}

impl ErrorKind {
    /// Every kind, for exhaustive tests and documentation.
    pub const ALL: [ErrorKind; 15] = [
        ErrorKind::InvalidPTB,
        ErrorKind::InvalidPackage,
        ErrorKind::NoAccess,
        ErrorKind::InvalidCertificate,
        ErrorKind::InvalidSignature,
        ErrorKind::InvalidSessionSignature,
        ErrorKind::InvalidParameter,
        ErrorKind::InvalidMVRName,
        ErrorKind::InvalidSDKType,
        ErrorKind::InvalidSDKVersion,
        ErrorKind::InvalidServiceId,
        ErrorKind::UnsupportedPackageId,
        ErrorKind::MissingRequiredHeader,
        ErrorKind::DeprecatedSDKVersion,
        ErrorKind::Failure,
    ];

    /// The name on the wire (the `error` field).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidPTB => "InvalidPTB",
            ErrorKind::InvalidPackage => "InvalidPackage",
            ErrorKind::NoAccess => "NoAccess",
            ErrorKind::InvalidCertificate => "InvalidCertificate",
            ErrorKind::InvalidSignature => "InvalidSignature",
            ErrorKind::InvalidSessionSignature => "InvalidSessionSignature",
            ErrorKind::InvalidParameter => "InvalidParameter",
            ErrorKind::InvalidMVRName => "InvalidMVRName",
            ErrorKind::InvalidSDKType => "InvalidSDKType",
            ErrorKind::InvalidSDKVersion => "InvalidSDKVersion",
            ErrorKind::InvalidServiceId => "InvalidServiceId",
            ErrorKind::UnsupportedPackageId => "UnsupportedPackageId",
            ErrorKind::MissingRequiredHeader => "MissingRequiredHeader",
            ErrorKind::DeprecatedSDKVersion => "DeprecatedSDKVersion",
            ErrorKind::Failure => "Failure",
        }
    }

    /// Parses a wire name; `None` for kinds this version does not know.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// The HTTP status the official server answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::InvalidPTB
            | ErrorKind::InvalidPackage
            | ErrorKind::NoAccess
            | ErrorKind::InvalidCertificate
            | ErrorKind::InvalidSignature
            | ErrorKind::InvalidSessionSignature
            | ErrorKind::InvalidParameter
            | ErrorKind::InvalidMVRName => 403,
            ErrorKind::InvalidSDKType
            | ErrorKind::InvalidSDKVersion
            | ErrorKind::InvalidServiceId
            | ErrorKind::UnsupportedPackageId
            | ErrorKind::MissingRequiredHeader => 400,
            ErrorKind::DeprecatedSDKVersion => 426,
            ErrorKind::Failure => 503,
        }
    }

    /// The fixed message, for kinds whose message has no detail part.
    fn fixed_message(self) -> &'static str {
        match self {
            ErrorKind::InvalidPTB => "Invalid PTB",
            ErrorKind::InvalidPackage => "Invalid package ID",
            ErrorKind::NoAccess => "Access denied",
            ErrorKind::InvalidCertificate => "Invalid certificate time or ttl",
            ErrorKind::InvalidSignature => "Invalid user signature",
            ErrorKind::InvalidSessionSignature => "Invalid session key signature",
            ErrorKind::InvalidParameter => "Invalid parameter to PTB",
            ErrorKind::InvalidMVRName => "Invalid MVR name",
            ErrorKind::InvalidSDKType => "Invalid SDK type",
            ErrorKind::InvalidSDKVersion => "Invalid SDK version",
            ErrorKind::InvalidServiceId => "Invalid service ID",
            ErrorKind::UnsupportedPackageId => "Unsupported package ID",
            ErrorKind::MissingRequiredHeader => "Missing required header",
            ErrorKind::DeprecatedSDKVersion => "Deprecated SDK version",
            ErrorKind::Failure => "Internal server error, please try again later",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An API error: a kind and the message the official server would send with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct ApiError {
    kind: ErrorKind,
    message: String,
}

impl ApiError {
    /// An error with the kind's fixed message. `Failure` never carries detail to the client:
    /// the detail belongs in the server's log.
    pub fn new(kind: ErrorKind) -> Self {
        Self {
            kind,
            message: kind.fixed_message().to_owned(),
        }
    }

    /// An error whose message carries detail, for the kinds that do so officially
    /// (`Invalid PTB: …`, `Access denied: …`, `Invalid parameter to PTB: …`,
    /// `Missing required header: …`). Other kinds ignore `detail`.
    pub fn with_detail(kind: ErrorKind, detail: impl std::fmt::Display) -> Self {
        match kind {
            ErrorKind::InvalidPTB
            | ErrorKind::NoAccess
            | ErrorKind::InvalidParameter
            | ErrorKind::MissingRequiredHeader => Self {
                kind,
                message: format!("{}: {detail}", kind.fixed_message()),
            },
            _ => Self::new(kind),
        }
    }

    /// The kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status.
    pub fn http_status(&self) -> u16 {
        self.kind.http_status()
    }

    /// The JSON body.
    pub fn to_response(&self) -> ErrorResponse {
        ErrorResponse {
            error: self.kind.as_str().to_owned(),
            message: self.message.clone(),
        }
    }
}

impl From<crate::ptb::PtbError> for ApiError {
    fn from(err: crate::ptb::PtbError) -> Self {
        ApiError::with_detail(ErrorKind::InvalidPTB, err)
    }
}

/// The JSON body of every Seal error: `{"error":"<kind>","message":"<text>"}`.
///
/// `error` stays a string so that a client can read kinds newer than itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// The kind's name.
    pub error: String,
    /// Human-readable text.
    pub message: String,
}

impl ErrorResponse {
    /// The kind, if this version knows it.
    pub fn kind(&self) -> Option<ErrorKind> {
        ErrorKind::from_name(&self.error)
    }
}
