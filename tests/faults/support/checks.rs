//! What every fault test checks before, during and after an outage.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::app::TestApp;
use crate::support::engine::docker_text;
use crate::support::provisioning::user_with_environment;
use crate::support::terminal::Terminal;

/// Provisioning once the part is back includes a sweep, a retry delay and the stages.
pub const RECOVERS_WITHIN: Duration = Duration::from_secs(60);
/// A request while a part is down must fail fast, not hang until a client gives up.
pub const FAILS_WITHIN: Duration = Duration::from_secs(5);

/// How many containers the engine holds for each of the app's environments, by id.
pub fn containers_by_environment(app: &TestApp) -> BTreeMap<String, usize> {
    let listed = docker_text(
        &app.settings,
        &[
            "ps",
            "-a",
            "--filter",
            &format!("label=sandboxd.instance={}", app.settings.redis_prefix),
            "--format",
            r#"{{.Label "sandboxd.environment"}}"#,
        ],
    );
    let mut counts = BTreeMap::new();
    for id in listed.lines().filter(|line| !line.is_empty()) {
        *counts.entry(id.to_string()).or_insert(0) += 1;
    }
    counts
}

/// Every environment of the user's is running with exactly one container, and the engine
/// holds nothing else of this app's: no job lost, no duplicate, no orphan.
pub async fn assert_whole(app: &TestApp, token: &str) -> usize {
    let list: Value = app
        .get("/api/containers", Some(token))
        .await
        .json()
        .await
        .unwrap();
    let mut expected = BTreeMap::new();
    for env in list["containers"].as_array().unwrap() {
        assert_eq!(env["status"], "running", "{env}");
        expected.insert(env["id"].as_str().unwrap().to_string(), 1);
    }
    assert_eq!(containers_by_environment(app), expected);
    expected.len()
}

/// Every provisioning job of the app's finished as done; returns the attempts each took.
pub async fn assert_jobs_done(app: &TestApp) -> Vec<i32> {
    let pool = sqlx::PgPool::connect(&app.settings.database_url)
        .await
        .unwrap();
    let jobs: Vec<(String, i32)> =
        sqlx::query_as("SELECT status, attempts FROM provision_jobs ORDER BY created_at")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    assert!(jobs.iter().all(|(status, _)| status == "done"), "{jobs:?}");
    jobs.into_iter().map(|(_, attempts)| attempts).collect()
}

/// Waits until every environment of the user's has left `creating`; returns how long.
pub async fn time_until_settled(app: &TestApp, token: &str) -> Duration {
    crate::support::daemons::time_until(RECOVERS_WITHIN, "environments settle", || async {
        let response = app.get("/api/containers", Some(token)).await;
        if response.status() != 200 {
            return false;
        }
        let list: Value = response.json().await.unwrap();
        list["containers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|env| env["status"] != "creating")
    })
    .await
}

/// Sends a request and asserts the API's 503 body with `code`, answered within FAILS_WITHIN.
pub async fn assert_unavailable(
    request: impl std::future::Future<Output = reqwest::Response>,
    code: &str,
) -> Value {
    let started = Instant::now();
    let response = request.await;
    let took = started.elapsed();
    let body = crate::support::app::assert_error(response, 503, code).await;
    assert!(took < FAILS_WITHIN, "{code} took {took:?}");
    body
}

/// The shell answers a command typed into it.
pub async fn assert_echoes(terminal: &mut Terminal, word: &str) {
    terminal.type_line(&format!("echo {word}-$((6*7))")).await;
    terminal.read_until(&format!("{word}-42")).await;
}

/// Before an outage: `username` with a running environment and a terminal open on it (with
/// `query`, e.g. `session=keep`) whose shell answers; returns (token, environment id, terminal).
pub async fn user_with_open_terminal(
    app: &TestApp,
    username: &str,
    query: &str,
) -> (String, String, Terminal) {
    let (token, id) = user_with_environment(app, username).await;
    let mut terminal = Terminal::open(app, &token, &id, query).await;
    assert_echoes(&mut terminal, "before").await;
    (token, id, terminal)
}

/// The stage an environment is in, to report where provisioning was when a part went down.
pub async fn stage_of(app: &TestApp, token: &str, id: &str) -> String {
    let (_, env) = app.container(token, id).await;
    format!("{}/{}", env["status"], env["stage"])
        .replace('"', "")
        .to_string()
}

pub fn seconds(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}
