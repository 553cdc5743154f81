//! The HTTP API: routes, middleware in the official order (§1.1), error bodies, overload
//! shedding, and optional TLS.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use axum::error_handling::HandleErrorLayer;
use axum::extract::{MatchedPath, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use seal_protocol::api::headers::REQUEST_ID;
use seal_protocol::api::{
    ApiError, ErrorKind, FetchKeyRequest, HealthResponse, MAX_REQUEST_SIZE, ServiceResponse,
    parse_service_id,
};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::cors::{Any, CorsLayer};

use crate::headers::{SERVER_VERSION, v1_headers};
use crate::pipeline::fetch_key;
use crate::state::AppState;

/// The `{"error","message"}` response of an API error, with `Retry-After` when known.
pub fn error_response(error: &ApiError, retry_after_secs: Option<u64>) -> Response {
    let status =
        StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = (status, Json(error.to_response())).into_response();
    if let Some(seconds) = retry_after_secs {
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
    }
    response
}

async fn fetch_key_handler(
    State(state): State<Arc<AppState>>,
    headers: axum::http::HeaderMap,
    Json(request): Json<FetchKeyRequest>,
) -> Response {
    state.metrics.total_requests.inc();
    let started = Instant::now();
    let request_id = headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let user = request.certificate.user;
    let outcome = fetch_key(&state, &request).await;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let package = request
        .valid_ptb()
        .map(|p| p.package().to_string())
        .unwrap_or_else(|_| "-".into());
    match outcome {
        Ok(response) => {
            tracing::info!(%request_id, %user, %package, outcome = "ok", ids = response.decryption_keys.len(), elapsed_ms, "fetch_key");
            Json(response).into_response()
        }
        Err(refusal) => {
            let kind = refusal.error.kind().as_str();
            state
                .metrics
                .internal_errors
                .with_label_values(&[kind])
                .inc();
            tracing::info!(%request_id, %user, %package, outcome = kind, elapsed_ms, "fetch_key");
            error_response(&refusal.error, refusal.retry_after_secs)
        }
    }
}

#[derive(serde::Deserialize)]
struct ServiceQuery {
    service_id: Option<String>,
}

async fn service_handler(
    State(state): State<Arc<AppState>>,
    Query(query): Query<ServiceQuery>,
) -> Response {
    state.metrics.service_requests.inc();
    let lookup = query
        .service_id
        .as_deref()
        .ok_or_else(|| ApiError::new(ErrorKind::InvalidServiceId))
        .and_then(parse_service_id)
        .and_then(|id| {
            state
                .pops
                .get(&id)
                .map(|pop| (id, *pop))
                .ok_or_else(|| ApiError::new(ErrorKind::InvalidServiceId))
        });
    match lookup {
        Ok((service_id, pop)) => Json(ServiceResponse { service_id, pop }).into_response(),
        Err(error) => error_response(&error, None),
    }
}

async fn health() -> Json<HealthResponse> {
    Json(HealthResponse {
        name: "key-server".into(),
        version: SERVER_VERSION.into(),
        status: "up".into(),
    })
}

/// HTTP metrics of the `/v1` routes: counts, durations and requests in flight per route.
async fn http_metrics(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unknown".into());
    let in_flight = state
        .metrics
        .http_in_flight
        .with_label_values(&[route.as_str()]);
    in_flight.inc();
    let started = Instant::now();
    let response = next.run(request).await;
    in_flight.dec();
    let status = response.status().as_u16().to_string();
    state
        .metrics
        .http_requests
        .with_label_values(&[route.as_str(), status.as_str()])
        .inc();
    let elapsed = started.elapsed().as_secs_f64() * 1000.0;
    state
        .metrics
        .http_duration
        .with_label_values(&[route.as_str(), status.as_str()])
        .observe(elapsed);
    response
}

/// The answer to a request shed for overload: `Failure` (503) with `Retry-After: 1`.
fn overloaded(state: &AppState) -> Response {
    state.metrics.shed_requests.inc();
    error_response(&ApiError::new(ErrorKind::Failure), Some(1))
}

/// The application: CORS, the body limit and overload shedding around everything; metrics,
/// SDK checks and key-server headers around the `/v1` routes only.
pub fn router(state: Arc<AppState>) -> Router {
    let v1 = Router::new()
        .route("/v1/fetch_key", post(fetch_key_handler))
        .route("/v1/service", get(service_handler))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            v1_headers,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http_metrics,
        ));
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods(Any)
        .allow_headers(Any)
        .expose_headers(Any);
    let shed_state = state.clone();
    let overload = ServiceBuilder::new()
        .layer(HandleErrorLayer::new(move |_: tower::BoxError| {
            let state = shed_state.clone();
            async move { overloaded(&state) }
        }))
        .load_shed()
        .concurrency_limit(state.config.max_concurrent_requests);
    Router::new()
        .merge(v1)
        .route("/health", get(health))
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_REQUEST_SIZE))
        .layer(overload)
        .layer(cors)
}

/// Builds the TLS configuration from PEM files (HTTP/2 and HTTP/1.1 offered by ALPN).
pub fn tls_config(tls: &crate::config::TlsConfig) -> Result<Arc<rustls::ServerConfig>, String> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certificates = CertificateDer::pem_file_iter(&tls.certificate)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("tls.certificate {}: {e}", tls.certificate.display()))?;
    let key = PrivateKeyDer::from_pem_file(&tls.private_key)
        .map_err(|e| format!("tls.private_key {}: {e}", tls.private_key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certificates, key)
        .map_err(|e| format!("tls: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves until `shutdown` completes, over TLS when `tls` is given.
pub async fn run(
    listener: TcpListener,
    state: Arc<AppState>,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state);
    let Some(tls) = tls else {
        return axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
    };
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            _ = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    tracing::warn!(%err, "accept failed");
                    continue;
                }
            },
        };
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(stream).await else {
                return;
            };
            let service = hyper_util::service::TowerToHyperService::new(app);
            let builder =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            let _ = builder
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use tower::ServiceExt;

    use super::*;
    use crate::chain::Chain;
    use crate::config::Config;
    use crate::metrics::Metrics;
    use crate::vault_client::Vault;

    /// A state whose fullnode accepts connections and never answers, so requests that reach it
    /// stay in flight.
    async fn stalled_state(
        max_concurrent_requests: usize,
    ) -> (Arc<AppState>, tokio::net::TcpListener) {
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let yaml = format!(
            "network: !Custom\n  seal_package: '0x5ea1'\nnode_url: 'http://{}'\nserver_mode: !Open\n  key_server_object_id: '0x1'\nkeyvault_socket: /nonexistent.sock\nmax_concurrent_requests: {max_concurrent_requests}\n",
            silent.local_addr().unwrap()
        );
        let config = Config::from_yaml(&yaml, None).unwrap();
        let metrics = Arc::new(Metrics::new());
        let chain =
            Chain::new(&config.node_url, config.rpc.clone(), None, metrics.clone()).unwrap();
        let vault = Vault::new(
            config.keyvault_socket.clone(),
            std::time::Duration::from_secs(1),
            metrics.clone(),
        );
        let state = AppState {
            config,
            chain,
            vault,
            pops: Default::default(),
            git_version: "test".into(),
            metrics,
        };
        (Arc::new(state), silent)
    }

    fn fetch_request() -> Request {
        let body = include_str!("../../protocol/tests/fixtures/fetch-key-request.json");
        let doc: serde_json::Value = serde_json::from_str(body).unwrap();
        Request::builder()
            .method("POST")
            .uri("/v1/fetch_key")
            .header("content-type", "application/json")
            .header("client-sdk-type", "typescript")
            .header("client-sdk-version", "1.4.12")
            .body(Body::from(doc["body"].as_str().unwrap().to_owned()))
            .unwrap()
    }

    #[tokio::test]
    async fn requests_beyond_the_limit_are_shed_with_retry_after() {
        let (state, _silent) = stalled_state(1).await;
        let app = router(state.clone());
        // The first request waits on the silent fullnode and holds the only slot.
        let first = tokio::spawn(app.clone().oneshot(fetch_request()));
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let shed = app.clone().oneshot(fetch_request()).await.unwrap();
        assert_eq!(shed.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(shed.headers().get(header::RETRY_AFTER).unwrap(), "1");
        let body = axum::body::to_bytes(shed.into_body(), 4096).await.unwrap();
        assert!(String::from_utf8_lossy(&body).contains("\"error\":\"Failure\""));
        assert_eq!(state.metrics.shed_requests.get(), 1);
        // Once the slot is free, requests are served again.
        first.abort();
        let _ = first.await;
        let health = app
            .oneshot(
                Request::builder()
                    .uri("/health")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(health.status(), StatusCode::OK);
    }
}
