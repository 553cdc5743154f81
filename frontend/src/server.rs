//! The HTTP API: routes, middleware in the official order (§1.1), and error bodies.

use std::future::Future;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use seal_protocol::api::{
    ApiError, ErrorKind, FetchKeyRequest, HealthResponse, MAX_REQUEST_SIZE, ServiceResponse,
    parse_service_id,
};
use tokio::net::TcpListener;
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
    Json(request): Json<FetchKeyRequest>,
) -> Response {
    let started = std::time::Instant::now();
    let user = request.certificate.user;
    let outcome = fetch_key(&state, &request).await;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    match outcome {
        Ok(response) => {
            tracing::info!(%user, ids = response.decryption_keys.len(), elapsed_ms, "fetch_key ok");
            Json(response).into_response()
        }
        Err(refusal) => {
            tracing::info!(%user, error = refusal.error.kind().as_str(), elapsed_ms, "fetch_key refused");
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

/// The application: CORS and the body limit around everything; SDK checks and key-server
/// headers around the `/v1` routes only.
pub fn router(state: Arc<AppState>) -> Router {
    let v1 = Router::new()
        .route("/v1/fetch_key", post(fetch_key_handler))
        .route("/v1/service", get(service_handler))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            v1_headers,
        ));
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods(Any)
        .allow_headers(Any)
        .expose_headers(Any);
    Router::new()
        .merge(v1)
        .route("/health", get(health))
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_REQUEST_SIZE))
        .layer(cors)
}

/// Serves until `shutdown` completes.
pub async fn run(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
