//! HTTP header names and SDK types of the key-server API (§1.2, §1.3).

/// Request header: the SDK flavour (optional).
pub const CLIENT_SDK_TYPE: &str = "Client-Sdk-Type";
/// Request header: the SDK's SemVer version (required on every `/v1` route).
pub const CLIENT_SDK_VERSION: &str = "Client-Sdk-Version";
/// Request header: a client-chosen request id, logged only.
pub const REQUEST_ID: &str = "Request-Id";
/// Request header: the API version the client targets, logged only.
pub const CLIENT_TARGET_API_VERSION: &str = "Client-Target-Api-Version";
/// Response header: the server's `x.y.z` version, required by the SDK (≥ 0.4.1).
pub const KEYSERVER_VERSION: &str = "X-KeyServer-Version";
/// Response header: the server's git revision, informational.
pub const KEYSERVER_GIT_VERSION: &str = "X-KeyServer-GitVersion";

/// The SDK flavour named by `Client-Sdk-Type`; each has its own version requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SdkType {
    /// `typescript` (`@mysten/seal`).
    TypeScript,
    /// `rust`.
    Rust,
    /// `python`.
    Python,
    /// `aggregator` (committee aggregators calling members).
    Aggregator,
    /// Absent or anything else: never version-gated, but the version must still parse.
    Other,
}

impl SdkType {
    /// Reads the header value; the match is exact and case-sensitive, as in the official server.
    pub fn from_header(value: Option<&str>) -> Self {
        match value {
            Some("typescript") => SdkType::TypeScript,
            Some("rust") => SdkType::Rust,
            Some("python") => SdkType::Python,
            Some("aggregator") => SdkType::Aggregator,
            _ => SdkType::Other,
        }
    }

    /// The label used in metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            SdkType::TypeScript => "typescript",
            SdkType::Rust => "rust",
            SdkType::Python => "python",
            SdkType::Aggregator => "aggregator",
            SdkType::Other => "other",
        }
    }

    /// The official default version requirement (SemVer `VersionReq` syntax), or `None` when
    /// the type is not version-gated.
    pub fn default_requirement(self) -> Option<&'static str> {
        match self {
            SdkType::TypeScript => Some(">=0.4.5"),
            SdkType::Aggregator => Some(">=0.6.2"),
            SdkType::Rust | SdkType::Python => Some(">=0.0.0"),
            SdkType::Other => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_type_is_exact_and_case_sensitive() {
        assert_eq!(
            SdkType::from_header(Some("typescript")),
            SdkType::TypeScript
        );
        assert_eq!(SdkType::from_header(Some("TypeScript")), SdkType::Other);
        assert_eq!(SdkType::from_header(None), SdkType::Other);
        for t in [
            SdkType::TypeScript,
            SdkType::Rust,
            SdkType::Python,
            SdkType::Aggregator,
        ] {
            assert_eq!(SdkType::from_header(Some(t.as_str())), t);
        }
        assert_eq!(SdkType::Other.default_requirement(), None);
    }
}
