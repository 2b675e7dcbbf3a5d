//! Issue 15, item 2: no tenant can stall provisioning for the others. An image that never
//! reports holds no worker (`stalling`), one user's jobs occupy at most their share of the
//! workers (`share`), the sweep never queues a job twice (`sweep`), and guests and custom
//! images are held to the catalogue and the allowed registries (`images`).

mod images;
mod share;
mod stalling;
mod sweep;

use std::time::Duration;

use serde_json::Value;
use sqlx::PgPool;
use tokio::net::TcpListener;

use crate::support::app::TestApp;

/// A "registry" on loopback that accepts connections and never answers: the engine's pull of
/// an image from it hangs, and so the worker running that pull is held, for as long as this
/// lives. Dropping it closes every connection, and the pulls fail.
pub struct StalledRegistry {
    pub address: String,
    task: tokio::task::JoinHandle<()>,
}

impl StalledRegistry {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        Self { address, task }
    }

    pub fn image(&self, name: &str) -> String {
        format!("{}/stalled/{name}:latest", self.address)
    }

    /// The allow-list for an app that may pull from here as well as the usual places.
    pub fn allowed(&self) -> String {
        format!("{{registry}},docker.io,{}", self.address)
    }
}

impl Drop for StalledRegistry {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn pool(app: &TestApp) -> PgPool {
    PgPool::connect(&app.settings.database_url).await.unwrap()
}

/// Jobs of `username` that occupy a worker now: leased, live, not merely watched.
pub async fn occupied_by(pool: &PgPool, username: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM provision_jobs j
         JOIN containers c ON c.id = j.container_id JOIN users u ON u.id = c.user_id
         WHERE u.username = $1 AND j.status = 'running' AND NOT j.watching
           AND j.lease_until >= now()",
    )
    .bind(username)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// (status, attempts) of the provisioning job of each environment of `username`.
pub async fn jobs_of(pool: &PgPool, username: &str) -> Vec<(String, i32)> {
    sqlx::query_as(
        "SELECT j.status, j.attempts FROM provision_jobs j
         JOIN containers c ON c.id = j.container_id JOIN users u ON u.id = c.user_id
         WHERE u.username = $1 ORDER BY j.created_at",
    )
    .bind(username)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// Creates `count` environments from `image` for `token`; returns their ids.
pub async fn create_from(app: &TestApp, token: &str, image: &str, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..count {
        let body = serde_json::json!({"image": "custom", "custom_image": image,
                                      "shell": {"enhanced": false}});
        let (status, created) = app.create(token, body).await;
        assert_eq!(status, 202, "{created}");
        ids.push(created["id"].as_str().unwrap().to_string());
    }
    ids
}

/// The environment as its owner reads it.
pub async fn read(app: &TestApp, token: &str, id: &str) -> Value {
    app.container(token, id).await.1
}

pub const SOON: Duration = Duration::from_secs(60);
