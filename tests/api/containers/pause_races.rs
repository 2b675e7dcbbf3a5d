//! A pause that lands while a process is being started in the environment. Frozen half way
//! into the container, the engine's helper never finishes, the engine waits on it for ever,
//! and the environment is wedged for good: nothing (not even a resume or a delete) answers.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::app::spawn_app;
use crate::support::provisioning::user_with_environment;

const ROUNDS: u64 = 24;
const EACH_WITHIN: Duration = Duration::from_secs(30);

#[tokio::test]
async fn pauses_that_race_process_starts_never_wedge_the_environment() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "pause-racer").await;
    let exec_path = format!("/api/containers/{id}/exec");
    let (pause_path, resume_path) = (
        format!("/api/containers/{id}/pause"),
        format!("/api/containers/{id}/resume"),
    );
    let command = json!({"command": ["true"]});
    for round in 0..ROUNDS {
        // A start takes some 50-70 ms: the pauses land at every point of it.
        let delay = Duration::from_millis(round * 4);
        let exec = app.post(&exec_path, Some(&token), &command);
        let pause = async {
            tokio::time::sleep(delay).await;
            app.post(&pause_path, Some(&token), &Value::Null).await
        };
        let raced = tokio::time::timeout(EACH_WITHIN, async { tokio::join!(exec, pause) }).await;
        let (exec, pause) = raced.unwrap_or_else(|_| panic!("round {round}: the engine hung"));
        // The exec may lose to the pause (its result then says so); it must answer.
        assert_eq!(exec.status(), 202, "round {round}");
        let resumed = tokio::time::timeout(
            EACH_WITHIN,
            app.post(&resume_path, Some(&token), &Value::Null),
        )
        .await
        .unwrap_or_else(|_| panic!("round {round}: the resume hung"));
        let statuses = (pause.status().as_u16(), resumed.status().as_u16());
        assert!(
            matches!(statuses, (200, 200) | (409, 409)),
            "round {round}: pause and resume answered {statuses:?}"
        );
    }
    let last = app
        .post(
            &exec_path,
            Some(&token),
            &json!({"command": ["echo", "alive"]}),
        )
        .await;
    let job: Value = last.json().await.unwrap();
    assert_eq!(job["results"][0]["stdout"], "alive\n", "{job}");
}
