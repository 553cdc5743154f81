//! SDK headers in (§1.2) and key-server headers out (§1.3), for the `/v1` routes.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use seal_protocol::api::headers::{
    CLIENT_SDK_TYPE, CLIENT_SDK_VERSION, KEYSERVER_GIT_VERSION, KEYSERVER_VERSION, SdkType,
};
use seal_protocol::api::{ApiError, ErrorKind};

use crate::config::SdkRequirements;
use crate::server::error_response;
use crate::state::AppState;

/// The server version sent in `X-KeyServer-Version`: a plain `x.y.z`, as the SDK requires.
pub const SERVER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Checks `Client-Sdk-Version` (required, SemVer) against the requirement of the SDK type.
pub fn check_sdk_headers(
    headers: &HeaderMap,
    requirements: &SdkRequirements,
) -> Result<(), ApiError> {
    let sdk_type = SdkType::from_header(headers.get(CLIENT_SDK_TYPE).and_then(|v| v.to_str().ok()));
    let version = headers
        .get(CLIENT_SDK_VERSION)
        .ok_or_else(|| ApiError::with_detail(ErrorKind::MissingRequiredHeader, CLIENT_SDK_VERSION))?
        .to_str()
        .map_err(|_| ApiError::new(ErrorKind::InvalidSDKVersion))?;
    let version =
        semver::Version::parse(version).map_err(|_| ApiError::new(ErrorKind::InvalidSDKVersion))?;
    let requirement = match sdk_type {
        SdkType::TypeScript => &requirements.typescript,
        SdkType::Rust => &requirements.rust,
        SdkType::Python => &requirements.python,
        SdkType::Aggregator => &requirements.aggregator,
        SdkType::Other => return Ok(()),
    };
    match requirement.matches(&version) {
        true => Ok(()),
        false => Err(ApiError::new(ErrorKind::DeprecatedSDKVersion)),
    }
}

/// Middleware of the `/v1` routes: SDK check, then the key-server headers on every answer.
pub async fn v1_headers(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = match check_sdk_headers(request.headers(), &state.config.sdk) {
        Ok(()) => {
            let headers = request.headers();
            let sdk_type =
                SdkType::from_header(headers.get(CLIENT_SDK_TYPE).and_then(|v| v.to_str().ok()));
            let version = headers
                .get(CLIENT_SDK_VERSION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| semver::Version::parse(v).ok());
            let label = crate::metrics::Metrics::sdk_version_label(version.as_ref());
            state
                .metrics
                .client_sdk_version
                .with_label_values(&[sdk_type.as_str(), label.as_str()])
                .inc();
            next.run(request).await
        }
        Err(error) => {
            state
                .metrics
                .internal_errors
                .with_label_values(&[error.kind().as_str()])
                .inc();
            error_response(&error, None)
        }
    };
    let headers = response.headers_mut();
    headers.insert(KEYSERVER_VERSION, HeaderValue::from_static(SERVER_VERSION));
    if let Ok(git) = HeaderValue::from_str(&state.git_version) {
        headers.insert(KEYSERVER_GIT_VERSION, git);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirements(ts: &str, rust: &str, python: &str, aggregator: &str) -> SdkRequirements {
        SdkRequirements {
            typescript: semver::VersionReq::parse(ts).unwrap(),
            rust: semver::VersionReq::parse(rust).unwrap(),
            python: semver::VersionReq::parse(python).unwrap(),
            aggregator: semver::VersionReq::parse(aggregator).unwrap(),
        }
    }

    fn check(
        sdk_type: Option<&str>,
        version: Option<&str>,
        reqs: &SdkRequirements,
    ) -> Result<(), ErrorKind> {
        let mut headers = HeaderMap::new();
        if let Some(t) = sdk_type {
            headers.insert(CLIENT_SDK_TYPE, HeaderValue::from_str(t).unwrap());
        }
        if let Some(v) = version {
            headers.insert(CLIENT_SDK_VERSION, HeaderValue::from_str(v).unwrap());
        }
        check_sdk_headers(&headers, reqs).map_err(|e| e.kind())
    }

    #[test]
    fn the_official_version_matrix() {
        // server.rs::key_server_validates_sdk_versions_by_type (§7.8).
        let reqs = requirements(">=1.2.3", ">=2.0.0", "=0.0.0", ">=3.0.0");
        let cases = [
            (Some("aggregator"), "3.0.0", Ok(())),
            (
                Some("aggregator"),
                "2.9.9",
                Err(ErrorKind::DeprecatedSDKVersion),
            ),
            (Some("typescript"), "1.2.3", Ok(())),
            (
                Some("typescript"),
                "1.2.2",
                Err(ErrorKind::DeprecatedSDKVersion),
            ),
            (Some("rust"), "2.0.0", Ok(())),
            (Some("rust"), "1.9.9", Err(ErrorKind::DeprecatedSDKVersion)),
            (Some("other"), "0.0.1", Ok(())),
            (
                Some("other"),
                "not-semver",
                Err(ErrorKind::InvalidSDKVersion),
            ),
        ];
        for (sdk_type, version, expected) in cases {
            assert_eq!(
                check(sdk_type, Some(version), &reqs),
                expected,
                "{sdk_type:?} {version}"
            );
        }
    }

    #[test]
    fn defaults_and_missing_headers() {
        // tests/server.rs::test_service (§7.8) with the default requirements.
        let reqs = requirements(">=0.4.5", ">=0.0.0", ">=0.0.0", ">=0.6.2");
        assert_eq!(
            check(None, None, &reqs),
            Err(ErrorKind::MissingRequiredHeader)
        );
        assert_eq!(
            check(Some("typescript"), Some("0.3.0"), &reqs),
            Err(ErrorKind::DeprecatedSDKVersion)
        );
        assert_eq!(
            check(Some("aggregator"), Some("0.5.14"), &reqs),
            Err(ErrorKind::DeprecatedSDKVersion)
        );
        assert_eq!(check(Some("aggregator"), Some("0.6.2"), &reqs), Ok(()));
        assert_eq!(check(Some("typescript"), Some("0.4.11"), &reqs), Ok(()));
        assert_eq!(check(None, Some("0.4.11"), &reqs), Ok(()));
        assert_eq!(check(Some("python"), Some("0.4.11"), &reqs), Ok(()));
        assert_eq!(check(Some("rust"), Some("0.0.1"), &reqs), Ok(()));
        // A pre-release does not match a plain requirement.
        assert_eq!(
            check(Some("typescript"), Some("1.5.0-beta.1"), &reqs),
            Err(ErrorKind::DeprecatedSDKVersion)
        );
        assert!(
            SERVER_VERSION.split('.').count() == 3
                && SERVER_VERSION.split('.').all(|p| p.parse::<u32>().is_ok())
        );
    }
}
