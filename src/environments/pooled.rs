//! Taking a warm pool's member for a create: only a request that asks for nothing a member
//! was not made with (a catalogue image, the default shell options, no command or host
//! access, limits equal to the member's) can take one; anything else is made the usual way.

use std::time::Duration;

use sqlx::PgConnection;

use super::request::Plan;
use crate::db;
use crate::db::pools::{Claimed, Wanted};
use crate::model::ROLE_WHEN_NONE;
use crate::placement::Target;
use crate::provisioning::catalogue::CUSTOM;
use crate::provisioning::shell_options::ShellOptions;

pub async fn claim(
    tx: &mut PgConnection,
    plan: &Plan,
    down_after: Duration,
) -> Result<Option<Claimed>, sqlx::Error> {
    if !could_be_pooled(plan) {
        return Ok(None);
    }
    let (node, label) = match &plan.node {
        Target::Any => (None, None),
        Target::Node(name) => (Some(name.as_str()), None),
        Target::Label { key, value } => (None, Some((key.as_str(), value.as_str()))),
    };
    let wanted = Wanted {
        image: &plan.image,
        image_ref: &plan.image_ref,
        role: plan.role.as_deref().unwrap_or(ROLE_WHEN_NONE),
        memory_mb: plan.resources.memory_mb,
        cpu_millicores: plan.resources.cpu_shares,
        disk_mb: plan.resources.disk_mb,
        node,
        label,
    };
    db::pools::claim(tx, &wanted, down_after).await
}

fn could_be_pooled(plan: &Plan) -> bool {
    plan.image != CUSTOM
        && plan.shell == ShellOptions::default()
        && plan.workload == Default::default()
        && !plan.stop_when_ready
}
