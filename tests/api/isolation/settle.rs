//! Whether a call changed the owner's environments, and waiting until they are between no
//! states after one that did.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::rules::Caller;
use super::world::World;

impl World {
    /// The statuses of the owner's environments, to show a stranger's call changed nothing.
    pub async fn owner_snapshot(&self) -> Vec<(String, u16, Value)> {
        let owner = self.credential(Caller::Owner).unwrap();
        let mut snapshot = Vec::new();
        for env in [&self.main, &self.spare, &self.doomed] {
            let (status, body) = self.app.container(owner, &env.id).await;
            snapshot.push((env.name.clone(), status, body["status"].clone()));
        }
        snapshot
    }

    /// Waits until the owner's environments are no longer between states after a lifecycle
    /// call: the record and the engine agree on several polls in a row.
    pub async fn settle(&self) {
        let owner = self.credential(Caller::Owner).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut agreeing = 0;
        while agreeing < 3 {
            let mut all_agree = true;
            for env in [&self.main, &self.spare, &self.doomed] {
                let (status, body) = self.app.container(owner, &env.id).await;
                let engine = crate::support::engine::docker_text(
                    &self.app.settings,
                    &[
                        "inspect",
                        "-f",
                        "{{.State.Running}}",
                        &format!("sbx-{}", env.id),
                    ],
                );
                all_agree &= status == 404
                    || matches!(
                        (body["status"].as_str(), engine.as_str()),
                        (Some("running" | "paused"), "true") | (Some("stopped"), "false")
                    );
            }
            agreeing = if all_agree { agreeing + 1 } else { 0 };
            assert!(
                Instant::now() < deadline,
                "the owner's environments never settled"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
}
