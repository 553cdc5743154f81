//! Prometheus metrics, with the official key server's names where they apply (§6.5), served
//! as text on their own port at `/metrics`. Ours are added alongside: keyvault call latency,
//! package-cache hits and misses, shed requests.

use std::time::Instant;

use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

/// Buckets (ms) of the official latency histograms.
const LATENCY_BUCKETS: &[f64] = &[
    25.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0, 8000.0,
];

/// Every metric of the frontend.
pub struct Metrics {
    registry: Registry,
    started: Instant,
    /// `total_requests`: fetch-key requests with a parsable body.
    pub total_requests: IntCounter,
    /// `service_requests`.
    pub service_requests: IntCounter,
    /// `internal_errors{internal_error_type}`.
    pub internal_errors: IntCounterVec,
    /// `get_reference_gas_price_status{status}`.
    pub gas_price_status: IntCounterVec,
    /// `http_requests_total{route,status}`.
    pub http_requests: IntCounterVec,
    /// `http_request_duration_millis{route,status}`.
    pub http_duration: HistogramVec,
    /// `http_request_in_flight{route}`.
    pub http_in_flight: IntGaugeVec,
    /// `requests_failed_due_to_staleness`.
    pub stale_requests: IntCounter,
    /// `client_sdk_version{sdk_type,version}`.
    pub client_sdk_version: IntCounterVec,
    /// `check_policy_duration` (ms).
    pub check_policy_duration: Histogram,
    /// `fetch_pkg_ids_duration` (ms).
    pub fetch_pkg_ids_duration: Histogram,
    /// `requests_per_number_of_ids`.
    pub ids_per_request: Histogram,
    /// `sui_rpc_request_duration_millis{method,status}`.
    pub rpc_duration: HistogramVec,
    /// `uptime{version}` (seconds, set on scrape).
    pub uptime: IntGaugeVec,
    /// `keyvault_call_duration_millis{method,status}`.
    pub keyvault_duration: HistogramVec,
    /// `package_cache_hits_total`.
    pub cache_hits: IntCounter,
    /// `package_cache_misses_total`.
    pub cache_misses: IntCounter,
    /// `shed_requests_total`.
    pub shed_requests: IntCounter,
    /// `reference_gas_price`: the price dry runs use, as last read from the chain (0 before
    /// the first read). Operators see a stuck updater; tests see a change arrive.
    pub reference_gas_price: IntGauge,
}

fn counter(registry: &Registry, name: &str, help: &str) -> IntCounter {
    let metric = IntCounter::new(name, help).unwrap_or_else(|e| unreachable!("metric {name}: {e}"));
    let _ = registry.register(Box::new(metric.clone()));
    metric
}

fn counter_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let metric = IntCounterVec::new(Opts::new(name, help), labels)
        .unwrap_or_else(|e| unreachable!("metric {name}: {e}"));
    let _ = registry.register(Box::new(metric.clone()));
    metric
}

fn histogram(registry: &Registry, name: &str, help: &str, buckets: Vec<f64>) -> Histogram {
    let metric = Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets))
        .unwrap_or_else(|e| unreachable!("metric {name}: {e}"));
    let _ = registry.register(Box::new(metric.clone()));
    metric
}

fn histogram_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> HistogramVec {
    let opts = HistogramOpts::new(name, help).buckets(LATENCY_BUCKETS.to_vec());
    let metric =
        HistogramVec::new(opts, labels).unwrap_or_else(|e| unreachable!("metric {name}: {e}"));
    let _ = registry.register(Box::new(metric.clone()));
    metric
}

fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    let metric = IntGauge::new(name, help).unwrap_or_else(|e| unreachable!("metric {name}: {e}"));
    let _ = registry.register(Box::new(metric.clone()));
    metric
}

fn gauge_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    let metric = IntGaugeVec::new(Opts::new(name, help), labels)
        .unwrap_or_else(|e| unreachable!("metric {name}: {e}"));
    let _ = registry.register(Box::new(metric.clone()));
    metric
}

fn steps(start: f64, end: f64, step: f64) -> Vec<f64> {
    let count = ((end - start) / step) as usize + 1;
    (0..count).map(|i| start + step * i as f64).collect()
}

impl Metrics {
    /// A fresh registry with every metric (names are constants, so creation cannot fail).
    pub fn new() -> Self {
        let r = Registry::new();
        let key_server_version =
            gauge_vec(&r, "key_server_version", "Running version", &["version"]);
        key_server_version
            .with_label_values(&[crate::headers::SERVER_VERSION])
            .set(1);
        Self {
            total_requests: counter(
                &r,
                "total_requests",
                "Fetch-key requests with a parsable body",
            ),
            service_requests: counter(
                &r,
                "service_requests",
                "Service (proof of possession) requests",
            ),
            internal_errors: counter_vec(
                &r,
                "internal_errors",
                "Errors by kind",
                &["internal_error_type"],
            ),
            gas_price_status: counter_vec(
                &r,
                "get_reference_gas_price_status",
                "Gas price updates",
                &["status"],
            ),
            http_requests: counter_vec(
                &r,
                "http_requests_total",
                "HTTP requests",
                &["route", "status"],
            ),
            http_duration: histogram_vec(
                &r,
                "http_request_duration_millis",
                "HTTP request duration (ms)",
                &["route", "status"],
            ),
            http_in_flight: gauge_vec(
                &r,
                "http_request_in_flight",
                "HTTP requests in flight",
                &["route"],
            ),
            stale_requests: counter(
                &r,
                "requests_failed_due_to_staleness",
                "Requests refused for a stale fullnode",
            ),
            client_sdk_version: counter_vec(
                &r,
                "client_sdk_version",
                "Requests by SDK",
                &["sdk_type", "version"],
            ),
            check_policy_duration: histogram(
                &r,
                "check_policy_duration",
                "Policy dry-run duration (ms)",
                steps(10.0, 100.0, 10.0),
            ),
            fetch_pkg_ids_duration: histogram(
                &r,
                "fetch_pkg_ids_duration",
                "First-package lookup duration (ms)",
                steps(10.0, 100.0, 10.0),
            ),
            ids_per_request: histogram(
                &r,
                "requests_per_number_of_ids",
                "Ids per request",
                steps(0.0, 5.0, 1.0),
            ),
            rpc_duration: histogram_vec(
                &r,
                "sui_rpc_request_duration_millis",
                "Fullnode call duration (ms)",
                &["method", "status"],
            ),
            uptime: gauge_vec(&r, "uptime", "Seconds since start", &["version"]),
            keyvault_duration: histogram_vec(
                &r,
                "keyvault_call_duration_millis",
                "Keyvault call duration (ms)",
                &["method", "status"],
            ),
            cache_hits: counter(&r, "package_cache_hits_total", "First-package cache hits"),
            cache_misses: counter(
                &r,
                "package_cache_misses_total",
                "First-package cache misses",
            ),
            shed_requests: counter(&r, "shed_requests_total", "Requests refused for overload"),
            reference_gas_price: gauge(
                &r,
                "reference_gas_price",
                "Reference gas price used for dry runs",
            ),
            started: Instant::now(),
            registry: r,
        }
    }

    /// The text exposition of every metric.
    pub fn render(&self) -> String {
        let label = format!(
            "{}-{}",
            crate::headers::SERVER_VERSION,
            option_env!("GIT_REVISION").unwrap_or("unknown")
        );
        self.uptime
            .with_label_values(&[label.as_str()])
            .set(self.started.elapsed().as_secs() as i64);
        let mut buffer = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut buffer);
        String::from_utf8_lossy(&buffer).into_owned()
    }

    /// The official `client_sdk_version` label: `major.minor.patch` with each part capped at
    /// 20 (bounded cardinality), or `other`.
    pub fn sdk_version_label(version: Option<&semver::Version>) -> String {
        match version {
            Some(v) => format!(
                "{}.{}.{}",
                v.major.min(20),
                v.minor.min(20),
                v.patch.min(20)
            ),
            None => "other".into(),
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Serves `/metrics` on `listener` until the process ends.
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: std::sync::Arc<Metrics>,
) -> std::io::Result<()> {
    use axum::routing::get;
    let router =
        axum::Router::new().route("/metrics", get(move || async move { metrics.render() }));
    axum::serve(listener, router).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_names_render_and_labels_are_capped() {
        let metrics = Metrics::new();
        metrics.total_requests.inc();
        metrics
            .internal_errors
            .with_label_values(&["NoAccess"])
            .inc();
        let text = metrics.render();
        for name in [
            "total_requests 1",
            "internal_errors{internal_error_type=\"NoAccess\"} 1",
            "key_server_version{",
            "uptime{",
        ] {
            assert!(text.contains(name), "{name} missing:\n{text}");
        }
        let v = semver::Version::parse("1.40.3").unwrap();
        assert_eq!(Metrics::sdk_version_label(Some(&v)), "1.20.3");
        assert_eq!(Metrics::sdk_version_label(None), "other");
    }
}
