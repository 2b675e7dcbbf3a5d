//! Idle stop: a running environment with no activity for its tier's idle timeout is stopped,
//! its files kept. Terminal input, exec and starts count as activity.

use serde_json::json;

use super::Housekeeper;
use crate::db;
use crate::environments::Action;

impl Housekeeper {
    pub(super) async fn stop_idle(&self) {
        let idle = match db::housekeeping::idle(&self.pool).await {
            Ok(idle) => idle,
            Err(err) => return tracing::warn!(error = %err, "idle sweep failed"),
        };
        for (id, seconds) in idle {
            let Ok(Some(row)) = db::containers::by_id(&self.pool, id.into()).await else {
                continue;
            };
            let (user_id, name) = (row.user_id, row.name.clone());
            match self
                .environments
                .lifecycle()
                .apply(row, Action::Stop, 1)
                .await
            {
                Ok(()) => {
                    self.repaired("idle_stopped", &name);
                    let data = json!({"containerId": id,
                                      "message": format!("Environment {name} stopped after {seconds} s without activity")});
                    let _ = self.events.publish(user_id, "container.idle", &data).await;
                }
                Err(err) => tracing::warn!(error = %err, container_id = %id, "idle stop failed"),
            }
        }
    }
}
