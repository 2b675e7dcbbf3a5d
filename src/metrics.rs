//! Prometheus metrics. Each application owns its registry, so several instances in one
//! process (as in the tests) never share counters.

use crate::model::Status;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

pub struct Metrics {
    registry: Registry,
    pub http_requests: IntCounterVec,
    pub http_duration: HistogramVec,
    pub environments: IntGaugeVec,
    pub queue_depth: IntGauge,
    pub terminals: IntGauge,
    pub repairs: IntCounterVec,
    /// Rows removed by retention, by kind.
    pub pruned: IntCounterVec,
    /// Audit entries of requests without credentials left unwritten, over their budget.
    pub audit_unrecorded: IntCounter,
}

impl Metrics {
    pub fn new() -> Self {
        let registry =
            Registry::new_custom(Some("sandboxd".into()), None).expect("a fixed prefix is valid");
        let http_requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route, method and status",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let http_duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency").buckets(
                vec![
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            ),
            &["route", "method"],
        )
        .expect("valid metric");
        let environments = IntGaugeVec::new(
            Opts::new("environments", "Environments by status"),
            &["status"],
        )
        .expect("valid metric");
        let queue_depth =
            IntGauge::new("queue_depth", "Provisioning messages waiting in the queue")
                .expect("valid metric");
        let repairs = IntCounterVec::new(
            Opts::new(
                "housekeeping_repairs_total",
                "Expiries, idle stops and drift repaired",
            ),
            &["kind"],
        )
        .expect("valid metric");
        registry
            .register(Box::new(repairs.clone()))
            .expect("registered once");
        let pruned = IntCounterVec::new(
            Opts::new(
                "retention_pruned_total",
                "Rows removed by housekeeping once past their retention or a per-user cap",
            ),
            &["kind"],
        )
        .expect("valid metric");
        registry
            .register(Box::new(pruned.clone()))
            .expect("registered once");
        let audit_unrecorded = IntCounter::new(
            "audit_unrecorded_total",
            "Audit entries of unauthenticated requests not written: over the per-address or total budget",
        )
        .expect("valid metric");
        registry
            .register(Box::new(audit_unrecorded.clone()))
            .expect("registered once");
        let terminals = IntGauge::new("terminals", "Terminal shells this process holds open")
            .expect("valid metric");
        registry
            .register(Box::new(terminals.clone()))
            .expect("registered once");
        registry
            .register(Box::new(environments.clone()))
            .expect("registered once");
        registry
            .register(Box::new(queue_depth.clone()))
            .expect("registered once");
        registry
            .register(Box::new(http_requests.clone()))
            .expect("registered once");
        registry
            .register(Box::new(http_duration.clone()))
            .expect("registered once");
        Self {
            registry,
            http_requests,
            http_duration,
            environments,
            queue_depth,
            terminals,
            repairs,
            pruned,
            audit_unrecorded,
        }
    }

    pub fn observe_request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        self.http_requests
            .with_label_values(&[route, method, &status.to_string()])
            .inc();
        self.http_duration
            .with_label_values(&[route, method])
            .observe(seconds);
    }

    /// Sets the environment gauges; statuses absent from `counts` read zero.
    pub fn set_environments(&self, counts: &[(Status, i64)]) {
        for status in Status::ALL {
            let count = counts
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n);
            self.environments
                .with_label_values(&[status.as_str()])
                .set(count);
        }
    }

    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut buffer)
            .expect("text encoding into memory cannot fail");
        String::from_utf8(buffer).expect("the text format is UTF-8")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
