//! OSAPI's node-targeted container routes over the same services as this API's own: a create
//! is one `Intake::create` per targeted node, an exec is the exec service's, and both answer
//! in OSAPI's `{job_id, results: [...]}` with a result per node.

mod create;
mod exec;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::{EnvironmentError, Result};
use crate::auth::{Principal, Scope};
use crate::placement::fan_out::Route;

/// The label every environment of one OSAPI create carries, valued with its `job_id`.
pub const JOB_LABEL: &str = "osapi.job";

/// OSAPI's create body.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OsapiCreateRequest {
    /// A catalogue name (`debian:bookworm`, ...) or any image reference from an allowed
    /// registry.
    #[schema(example = "debian:bookworm")]
    pub image: String,
    /// The environment's name; on a fan-out each gets `-<node>` added, as names are unique
    /// per user.
    pub name: Option<String>,
    /// Run on every boot once the environment is ready, as its user, its output in the
    /// environment's logs; the environment stays up when it ends.
    #[serde(default)]
    pub command: Vec<String>,
    /// Environment variables, `KEY=VALUE`.
    #[serde(default)]
    #[schema(example = json!(["EDITOR=vim"]))]
    pub env: Vec<String>,
    /// Host ports (`[ip:]host:container[/tcp|/udp]`): refused (previews open an
    /// environment's ports) unless `SANDBOXD_OSAPI_HOST_ACCESS_FOR_ADMINS` is on and the
    /// caller is an admin.
    #[serde(default)]
    pub ports: Vec<String>,
    /// Host paths (`host:container[:ro|rw]`): refused (a tenant never mounts the host) unless
    /// `SANDBOXD_OSAPI_HOST_ACCESS_FOR_ADMINS` is on and the caller is an admin.
    #[serde(default)]
    pub volumes: Vec<String>,
    /// `false`: made, then stopped once ready (an environment is provisioned by running it).
    #[serde(default = "starts_at_once")]
    pub auto_start: bool,
}

fn starts_at_once() -> bool {
    true
}

/// What one create asked of every node it reached.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreateJob {
    /// This request's id; each environment it made carries the label `osapi.job` with it,
    /// so `GET /api/containers?label=osapi.job=<job_id>` follows them as they provision.
    pub job_id: Uuid,
    pub results: Vec<CreateResult>,
}

/// One node's answer to a create.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreateResult {
    /// The node the environment went to (or, while it waits for room, the target).
    pub hostname: String,
    /// The environment's id, as `/api/containers/{id}` takes it.
    pub id: Option<Uuid>,
    pub name: Option<String>,
    /// The image as asked for: the catalogue name or the reference.
    pub image: Option<String>,
    /// The environment's status: `creating` until it is ready.
    pub state: Option<String>,
    pub created: Option<DateTime<Utc>>,
    /// True when an environment was made.
    pub changed: bool,
    /// Why this node made none.
    pub error: Option<String>,
    /// The error's stable code, as the API's error bodies carry it.
    pub error_code: Option<String>,
}

service!(
    /// OSAPI's routes: creates and execs addressed by node, name, label or `_all`.
    Osapi
);

/// The path's `{hostname}`: fan-outs make or reach one environment per node, so they are
/// an operator's tool, whatever nodes the caller's tier lets them name.
fn route(owner: &Principal, hostname: &str) -> Result<Route> {
    let route = Route::parse(hostname).map_err(|_| {
        EnvironmentError::invalid(
            "INVALID_NODE",
            format!("{hostname:?} is not _any, _all, a label key:value, or a node's name"),
        )
    })?;
    if matches!(route, Route::Each(_)) && !owner.has(Scope::Admin) {
        return Err(EnvironmentError::Forbidden {
            code: "NODE_NOT_ALLOWED",
            message: format!("only admins may address every node of {hostname} at once"),
        });
    }
    Ok(route)
}

/// A failure as a result's `error`: the database's and internal causes stay in the log.
fn public_message(err: &EnvironmentError) -> String {
    match err {
        EnvironmentError::Database(_) | EnvironmentError::Internal(_) => {
            tracing::error!(error = %err, "an OSAPI request failed on one node");
            "internal error".to_string()
        }
        other => other.to_string(),
    }
}
