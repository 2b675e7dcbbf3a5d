//! OSAPI's exec: a command in one of the caller's environments, addressed through the node
//! it lives on, run by the exec service and recorded as its jobs are.

use super::{route, Osapi};
use crate::auth::Principal;
use crate::environments::error::{EnvironmentError, Result};
use crate::environments::exec::{Exec, ExecJob, ExecRequest};
use crate::placement::fan_out::{self, Route};
use crate::placement::Target;

impl Osapi {
    /// `hostname` must reach the environment's node: `_any`, its name, or (for admins) `_all`
    /// or a label its node carries. Any other is answered as a missing environment, so the
    /// path tells a stranger nothing about where environments live.
    pub async fn exec(
        &self,
        owner: &Principal,
        hostname: &str,
        reference: &str,
        request: ExecRequest,
    ) -> Result<ExecJob> {
        let route = route(owner, hostname)?;
        let row = self.shared.records().find(owner, reference).await?;
        let reached = match (&route, row.node.as_deref()) {
            (Route::One(Target::Any), _) => true,
            (Route::One(Target::Node(name)), Some(node)) => name == node,
            (Route::Each(selection), Some(node)) => {
                let down_after = self.shared.settings.node.down_after;
                fan_out::nodes(&self.shared.pool, selection, down_after)
                    .await?
                    .iter()
                    .any(|matching| matching.name == node)
            }
            _ => false,
        };
        if !reached {
            return Err(EnvironmentError::not_found());
        }
        // Not yet placed means not running: the exec service refuses it as such.
        let node = row.node.clone().unwrap_or_else(|| hostname.to_string());
        Exec::new(self.shared.clone())
            .run_in(owner, row, node, request)
            .await
    }
}
