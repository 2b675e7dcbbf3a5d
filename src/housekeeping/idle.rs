//! Idle stop or pause: a running environment with no activity for its tier's idle timeout
//! is stopped (files kept), or paused where the tier's `idle_action` says so (everything
//! kept, resumed in milliseconds by the next terminal or exec). Terminal input, exec,
//! starts and resumes count as activity.

use serde_json::json;

use super::Housekeeper;
use crate::db;
use crate::environments::Action;
use crate::model::IdleAction;

impl Housekeeper {
    pub(super) async fn stop_idle(&self) {
        let idle = match db::housekeeping::idle(&self.pool).await {
            Ok(idle) => idle,
            Err(err) => return tracing::warn!(error = %err, "idle sweep failed"),
        };
        for (id, seconds, action) in idle {
            let Ok(Some(row)) = db::containers::by_id(&self.pool, id.into()).await else {
                continue;
            };
            let (user_id, name) = (row.user_id, row.name.clone());
            let pause = action == IdleAction::Pause;
            let done = if pause {
                let pausing = self.environments.pausing();
                pausing
                    .freeze(row)
                    .await
                    .map(|_| ())
                    .map_err(|err| err.to_string())
            } else {
                let lifecycle = self.environments.lifecycle();
                lifecycle.apply(row, Action::Stop, 1).await
            };
            let (kind, word) = match pause {
                true => ("idle_paused", "paused"),
                false => ("idle_stopped", "stopped"),
            };
            match done {
                Ok(()) => {
                    self.repaired(kind, &name);
                    let data = json!({"containerId": id, "action": word,
                                      "message": format!("Environment {name} {word} after {seconds} s without activity")});
                    let _ = self.events.publish(user_id, "container.idle", &data).await;
                }
                Err(err) => tracing::warn!(error = %err, container_id = %id, "idle {word} failed"),
            }
        }
    }
}
