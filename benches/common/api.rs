//! The API calls the benchmarks make as a user: log in, create environments and wait until
//! they run, list, delete.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure};
use futures_util::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// A session token for `login` (an email or a username).
pub async fn login(
    client: &reqwest::Client,
    base: &str,
    login: &str,
    password: &str,
) -> anyhow::Result<String> {
    let session: Value = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"login": login, "password": password}))
        .send()
        .await?
        .json()
        .await?;
    session["token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow!("login as {login} failed: {session}"))
}

/// Registers `username` (a user of the default tier) and logs in as them.
pub async fn sign_up(base: &str, username: &str, password: &str) -> anyhow::Result<Api> {
    let client = reqwest::Client::new();
    let email = format!("{username}@example.com");
    let registered = client
        .post(format!("{base}/api/auth/register"))
        .json(&json!({"email": email, "username": username, "password": password}))
        .send()
        .await?;
    ensure!(
        registered.status() == StatusCode::CREATED,
        "register: {}",
        registered.status()
    );
    let token = login(&client, base, &email, password).await?;
    Ok(Api {
        client,
        base: base.to_string(),
        token,
    })
}

pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Api {
    /// `method path` as this user, with `body` as JSON when given: the status and the answer
    /// (null when it is not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<(StatusCode, Value)> {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        Ok((status, response.json().await.unwrap_or(Value::Null)))
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let (status, answer) = self.call(Method::GET, path, None).await?;
        ensure!(status.is_success(), "GET {path}: {status}");
        Ok(answer)
    }

    /// Asks for one environment; its id.
    pub async fn create(&self, request: &Value) -> anyhow::Result<String> {
        let (status, created) = self
            .call(Method::POST, "/api/containers", Some(request))
            .await?;
        ensure!(
            status == StatusCode::ACCEPTED,
            "create answered {status}: {created}"
        );
        created["id"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| anyhow!("no id in {created}"))
    }

    /// Asks for `count` environments at once; their ids.
    pub async fn create_all(&self, request: &Value, count: usize) -> anyhow::Result<Vec<String>> {
        join_all((0..count).map(|_| self.create(request)))
            .await
            .into_iter()
            .collect()
    }

    /// Until every one of `ids` is running or `within` has passed, polling every `every`: how
    /// many are running. An error as soon as one fails.
    pub async fn wait_running(
        &self,
        ids: &[String],
        within: Duration,
        every: Duration,
    ) -> anyhow::Result<usize> {
        let deadline = Instant::now() + within;
        loop {
            let listed = self.get("/api/containers").await?;
            let containers = listed["containers"].as_array().cloned().unwrap_or_default();
            let mut running = 0;
            for container in containers
                .iter()
                .filter(|c| ids.iter().any(|id| c["id"] == id.as_str()))
            {
                match container["status"].as_str() {
                    Some("running") => running += 1,
                    Some("creating") => {}
                    _ => bail!("provisioning failed: {container}"),
                }
            }
            if running == ids.len() || Instant::now() >= deadline {
                return Ok(running);
            }
            tokio::time::sleep(every).await;
        }
    }

    /// One environment, created and waited for until it runs; its id.
    pub async fn create_running(
        &self,
        request: &Value,
        within: Duration,
        every: Duration,
    ) -> anyhow::Result<String> {
        let id = self.create(request).await?;
        let ids = [id];
        let running = self.wait_running(&ids, within, every).await?;
        ensure!(running == 1, "not running within {} s", within.as_secs());
        let [id] = ids;
        Ok(id)
    }

    pub async fn delete(&self, id: &str) -> anyhow::Result<()> {
        let path = format!("/api/containers/{id}");
        let (status, _) = self.call(Method::DELETE, &path, None).await?;
        ensure!(status.is_success(), "delete answered {status}");
        Ok(())
    }

    pub async fn delete_all(&self, ids: &[String]) -> anyhow::Result<()> {
        join_all(ids.iter().map(|id| self.delete(id)))
            .await
            .into_iter()
            .collect()
    }
}
