//! Property-based fuzzing of the whole HTTP API from its own OpenAPI document, by
//! schemathesis: every generated request, valid or not, must get a documented status, content
//! type and body, and never a 5xx. `make fuzz` runs the long pass (FUZZ_EXAMPLES=120,
//! FUZZ_MIN_REQUESTS=5000); `make test` a short one.

use std::path::Path;
use std::process::Command;

use crate::support::app::{spawn_app, TestApp};

const SCHEMATHESIS: &str = "/var/lib/sandboxd/venv/schemathesis/bin/st";
/// Generated requests must keep to the contract; these are the checks that say so.
const CHECKS: &str =
    "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance";

fn setting(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

#[tokio::test]
async fn generated_requests_get_documented_answers_and_never_a_server_error() {
    assert!(
        Path::new(SCHEMATHESIS).exists(),
        "schemathesis is missing: `make test` installs it with scripts/fuzz-tools.sh"
    );
    let examples = setting("FUZZ_EXAMPLES", 12);
    let min_requests = setting("FUZZ_MIN_REQUESTS", 600);
    let app = spawn_app().await;
    let session = app.user_token("fuzzer").await;
    let token = app.api_token(&session, &["read", "write", "exec"]).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let before = requests_and_server_errors(&metrics(&app).await);

    // Its caches and reports go under target/, not into the source tree.
    let workdir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz");
    std::fs::create_dir_all(&workdir).unwrap();
    let mut st = Command::new(SCHEMATHESIS);
    st.current_dir(&workdir)
        .arg("run")
        .arg(format!("{}/api/openapi.json", app.address))
        .args(["--checks", CHECKS])
        .args(["--max-examples", &examples.to_string()])
        // One worker: with two threads, Debian 12's Python 3.11.2 sometimes fails inside the
        // tool itself ("AST constructor recursion depth mismatch", CPython gh-106905), which
        // Hypothesis then reports as an inconsistent result of whatever operation it was on.
        .args([
            "--workers",
            "1",
            "--no-color",
            "--generation-database",
            "none",
        ])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        // Logging out would revoke the token the rest of the run uses; WebSockets are not HTTP.
        .args(["--exclude-path", "/api/auth/logout"])
        .args(["--exclude-path-regex", "^/ws/"])
        .args(["--request-timeout", "30"]);
    let output = tokio::task::spawn_blocking(move || st.output())
        .await
        .unwrap()
        .expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "schemathesis found problems\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );

    // The server's own count, independent of the tool's report.
    let (requests, server_errors) = requests_and_server_errors(&metrics(&app).await);
    let (requests, server_errors) = (requests - before.0, server_errors - before.1);
    println!("{requests} generated requests, {server_errors} server errors");
    assert_eq!(server_errors, 0, "{stdout}");
    assert!(
        requests >= min_requests,
        "only {requests} requests were made, wanted {min_requests}\n{stdout}"
    );
}

async fn metrics(app: &TestApp) -> String {
    app.get("/metrics", None).await.text().await.unwrap()
}

/// Sums `sandboxd_http_requests_total` over every route, and over 5xx statuses.
fn requests_and_server_errors(metrics: &str) -> (u64, u64) {
    let mut total = 0;
    let mut server_errors = 0;
    for line in metrics.lines() {
        let Some(rest) = line.strip_prefix("sandboxd_http_requests_total{") else {
            continue;
        };
        let Some((labels, value)) = rest.rsplit_once("} ") else {
            continue;
        };
        let count: u64 = value.trim().parse().unwrap_or(0);
        total += count;
        if labels.contains("status=\"5") {
            server_errors += count;
        }
    }
    (total, server_errors)
}

#[test]
fn request_counts_are_read_from_the_metrics_text() {
    let text = "sandboxd_http_requests_total{method=\"GET\",route=\"/api/me\",status=\"200\"} 7\n\
                sandboxd_http_requests_total{method=\"POST\",route=\"/api/containers\",status=\"503\"} 2\n\
                # HELP something else\n";
    assert_eq!(requests_and_server_errors(text), (9, 2));
}
