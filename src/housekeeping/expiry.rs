//! Session limits: a warning five minutes before, then guests' environments are deleted and
//! others stopped.

use std::time::Duration;

use serde_json::json;

use super::Housekeeper;
use crate::db;
use crate::environments::Action;

pub const WARNING_AHEAD: Duration = Duration::from_secs(300);

impl Housekeeper {
    pub(super) async fn warn_expiring(&self) {
        let pool = &self.pool;
        let expiring =
            match db::housekeeping::warn_expiring(pool, WARNING_AHEAD.as_secs_f64()).await {
                Ok(expiring) => expiring,
                Err(err) => return tracing::warn!(error = %err, "expiry warnings failed"),
            };
        for env in expiring {
            let seconds_left = (env.expires_at - chrono::Utc::now()).num_seconds().max(0);
            let data = json!({"containerId": env.id, "name": env.name, "expiresAt": env.expires_at,
                              "secondsLeft": seconds_left,
                              "message": format!("Environment {} expires in {} s", env.name, seconds_left)});
            if let Err(err) = self
                .events
                .publish(env.user_id.into(), "container.expiring", &data)
                .await
            {
                tracing::warn!(error = %err, "could not publish an expiry warning");
            }
        }
    }

    pub(super) async fn expire(&self) {
        let expired = match db::housekeeping::expired(&self.pool).await {
            Ok(expired) => expired,
            Err(err) => return tracing::warn!(error = %err, "expiry sweep failed"),
        };
        for (id, guest) in expired {
            let Ok(Some(row)) = db::containers::by_id(&self.pool, id.into()).await else {
                continue;
            };
            let (user_id, name) = (row.user_id, row.name.clone());
            let done = if guest {
                self.environments
                    .records()
                    .delete_by_id(id.into())
                    .await
                    .map(|_| ())
                    .map_err(|err| err.to_string())
            } else {
                self.environments
                    .lifecycle()
                    .apply(row, Action::Stop, 1)
                    .await
            };
            match done {
                Ok(()) => {
                    self.repaired(
                        if guest {
                            "expired_deleted"
                        } else {
                            "expired_stopped"
                        },
                        &name,
                    );
                    let data = json!({"containerId": id, "deleted": guest,
                                      "message": format!("Environment {name} reached its session limit")});
                    let _ = self
                        .events
                        .publish(user_id, "container.expired", &data)
                        .await;
                }
                Err(err) => tracing::warn!(error = %err, container_id = %id, "could not expire"),
            }
        }
    }
}
