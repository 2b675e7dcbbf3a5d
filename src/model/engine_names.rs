//! How sandboxd names and labels what it makes on a container engine. Derived from ids, so a
//! retried step finds what an earlier attempt made, and housekeeping finds what is ours.

use super::{EnvironmentId, UserId};

/// The engine's name for an environment's container.
pub fn container_name(id: EnvironmentId) -> String {
    format!("sbx-{id}")
}

/// Each user's environments share a bridge network that no other user's can reach.
pub fn network_name(user_id: UserId) -> String {
    format!("sbx-net-{}", user_id.uuid().simple())
}

/// How the address pool records a network: one user's network on two nodes is two
/// networks, each with a subnet of its own (their bridges may share a host).
pub fn subnet_record(node: &str, network: &str) -> String {
    format!("{node}/{network}")
}

pub mod labels {
    pub const MANAGED: &str = "sandboxd.managed";
    pub const INSTANCE: &str = "sandboxd.instance";
    pub const ENVIRONMENT: &str = "sandboxd.environment";
    pub const OWNER: &str = "sandboxd.owner";
    pub const NAME: &str = "sandboxd.name";
    /// On the holder of the shared shell scripts: their version.
    pub const SHELL_SCRIPTS: &str = "sandboxd.shell-scripts";
}
