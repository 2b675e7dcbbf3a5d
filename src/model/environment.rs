//! An environment as Postgres holds it: the one record that the API's services, the
//! provisioning workers and housekeeping all read.

use chrono::{DateTime, Utc};

use super::{EnvironmentId, Stage, Status, UserId};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Environment {
    pub id: EnvironmentId,
    pub user_id: UserId,
    pub name: String,
    /// The catalogue name asked for (`debian:bookworm`, `custom`).
    pub image: String,
    /// What the engine runs: the catalogue's reference, or the custom image.
    pub image_ref: String,
    pub role: Option<String>,
    pub shell: serde_json::Value,
    /// `KEY=VALUE` strings, as a JSON array.
    pub env: serde_json::Value,
    pub memory_mb: i32,
    pub cpu_millicores: i32,
    pub disk_mb: i32,
    pub status: Status,
    pub stage: Stage,
    pub progress: i32,
    pub message: Option<String>,
    /// Set with `error` when the cause has a code (model/error_code.rs).
    pub error_code: Option<String>,
    /// The labels given at create, a JSON object of strings.
    pub labels: serde_json::Value,
    pub docker_id: Option<String>,
    /// The node it lives on; `None` until placed, or for one made before nodes existed
    /// (then it lives on the engine of the process that made it).
    pub node: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Environment {
    /// The owner's variables, `KEY=VALUE`.
    pub fn env_vars(&self) -> Vec<String> {
        serde_json::from_value(self.env.clone()).unwrap_or_default()
    }

    /// What every shell and command in it gets: its name (a warm pool's member was made, and
    /// named on the engine, before anyone asked for it, so prompts read the name from here
    /// rather than the host name), then the owner's variables, which may override it.
    pub fn session_vars(&self) -> Vec<String> {
        let mut vars = vec![format!("SANDBOXD_NAME={}", self.name)];
        vars.extend(self.env_vars());
        vars
    }

    /// Whether its tier's session limit has passed.
    pub fn is_expired(&self) -> bool {
        self.expires_at.is_some_and(|at| at <= Utc::now())
    }
}
