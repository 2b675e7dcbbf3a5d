//! Each test gets its own application on a random port, its own Postgres database and its
//! own Redis key prefix, so tests never see each other's users, tokens or rate limits.

use reqwest::{Client, Method, RequestBuilder, Response};
use sandboxd::admin::seed::AdminSeed;
use sandboxd::config::{LogFormat, Settings};
use sandboxd::startup::Application;
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

use super::engine::remove_everything_of;

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
pub const JWT_SECRET: &str = "jwt-secret-for-tests";

pub struct TestApp {
    pub address: String,
    /// The SSH edge's port on 127.0.0.1, unless the test switched it off.
    pub ssh_port: Option<u16>,
    pub client: Client,
    pub generated_admin_password: Option<String>,
    pub settings: Settings,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The server's warnings and errors go to the test's own output, shown when it fails: an
/// engine's or a worker's own words, which tenants are never told, say why an environment
/// failed. `SANDBOXD_TEST_LOG` sets the level (`info`, `sandboxd=debug`...).
fn log_to_test_output() {
    let filter = std::env::var("SANDBOXD_TEST_LOG").unwrap_or_else(|_| "warn".into());
    // A second test in the same process finds it set: fine.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_test_writer()
        .try_init();
}

pub async fn spawn_app_with(customize: impl FnOnce(&mut Settings)) -> TestApp {
    log_to_test_output();
    let mut settings = Settings::from_env().expect("settings from the environment");
    settings.bind = "127.0.0.1:0".into();
    settings.database_url = fresh_database(&settings.database_url).await;
    settings.redis_prefix = format!("sandboxd-test:{}", Uuid::new_v4().simple());
    settings.admin_password = Some(ADMIN_PASSWORD.into());
    settings.jwt_secret = Some(JWT_SECRET.into());
    settings.log_format = LogFormat::Json;
    // Tests poll and act faster than a person; rate_limits.rs checks the seeded limits.
    settings.container_ops_per_minute = 100_000;
    settings.container_ops_burst = 100_000;
    settings.creates_per_minute = 100_000;
    settings.creates_burst = 100_000;
    // Tests pack many tiny environments onto one machine; placement's own tests set less.
    settings.node.cpu_overcommit = 1000.0;
    settings.node.memory_overcommit = 1000.0;
    // Warm pools fill engines shared by every test: only the pool tests ask for them.
    settings.node.default_pool_size = 0;
    // Every test's SSH edge on a port of its own.
    settings.ssh.listen = Some("127.0.0.1:0".into());
    customize(&mut settings);

    let app = Application::build(settings.clone())
        .await
        .expect("application builds");
    let generated_admin_password = match app.admin_seed() {
        AdminSeed::Created {
            generated_password, ..
        } => generated_password.clone(),
        AdminSeed::AlreadyThere => None,
    };
    let address = format!("http://127.0.0.1:{}", app.port());
    let ssh_port = app.ssh_port();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    TestApp {
        address,
        ssh_port,
        client: client(),
        generated_admin_password,
        settings,
    }
}

/// A second API process over the same database and Redis namespace as `other`.
pub async fn spawn_app_beside(other: &TestApp, customize: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = other.settings.clone();
    customize(&mut settings);
    let app = Application::build(settings.clone())
        .await
        .expect("application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let ssh_port = app.ssh_port();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    TestApp {
        address,
        ssh_port,
        client: client(),
        generated_admin_password: None,
        settings,
    }
}

/// The server closes a connection idle for 5 s (actix's keep-alive); a pooled one older than
/// that may be closed just as a request goes out on it after a quiet spell.
fn client() -> Client {
    Client::builder()
        .pool_idle_timeout(std::time::Duration::from_secs(3))
        .build()
        .expect("an HTTP client")
}

/// Creates an empty database beside the configured one; `make test` drops old ones first.
pub async fn fresh_database(base_url: &str) -> String {
    let name = format!("sandboxd_test_{}", Uuid::new_v4().simple());
    let mut connection = PgConnection::connect(base_url)
        .await
        .unwrap_or_else(|e| panic!("Postgres is up (run the tests through `make test`): {e}"));
    connection
        .execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
        .await
        .expect("the test role may create databases");
    let (server, _) = base_url
        .rsplit_once('/')
        .expect("a database URL has a path");
    format!("{server}/{name}")
}

impl TestApp {
    /// The served OpenAPI document.
    pub async fn openapi(&self) -> Value {
        self.get("/api/openapi.json", None)
            .await
            .json()
            .await
            .unwrap()
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self
            .client
            .request(method, format!("{}{path}", self.address));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::POST, path, token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        self.request(Method::PUT, path, token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::DELETE, path, token)
            .send()
            .await
            .unwrap()
    }
}

/// Whatever the app made on the engine goes with it, pass or fail.
impl Drop for TestApp {
    fn drop(&mut self) {
        remove_everything_of(&self.settings);
    }
}

/// Asserts the API's error body and returns it.
pub async fn assert_error(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status(), status, "status for {code}");
    let body: Value = response.json().await.expect("an error body is JSON");
    assert_eq!(body["code"], code, "body: {body}");
    assert!(
        body["error"].as_str().is_some_and(|m| !m.is_empty()),
        "body: {body}"
    );
    assert!(body.get("details").is_some(), "body: {body}");
    body
}
