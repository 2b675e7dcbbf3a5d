//! A pause that lands while a process is being started in the environment. Frozen half way
//! into the container, the engine's helper never finishes, the engine waits on it for ever,
//! and the environment is wedged for good: nothing (not even a resume or a delete) answers.

use std::time::Duration;

use serde_json::{json, Value};

use crate::support::app::{spawn_app, spawn_app_beside, TestApp};
use crate::support::provisioning::user_with_environment;

const ROUNDS: u64 = 24;
const EACH_WITHIN: Duration = Duration::from_secs(30);

#[tokio::test]
async fn pauses_that_race_process_starts_never_wedge_the_environment() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "pause-racer").await;
    race_pauses_against_starts(&app, &app, &token, &id).await;
}

/// Each API process sees only its own starts: the pauses go through another one.
#[tokio::test]
async fn pauses_through_one_process_never_wedge_starts_through_another() {
    let app = spawn_app().await;
    let beside = spawn_app_beside(&app, |_| {}).await;
    let (token, id) = user_with_environment(&app, "pause-racer-beside").await;
    race_pauses_against_starts(&app, &beside, &token, &id).await;
}

async fn race_pauses_against_starts(starts: &TestApp, pauses: &TestApp, token: &str, id: &str) {
    let exec_path = format!("/api/containers/{id}/exec");
    let (pause_path, resume_path) = (
        format!("/api/containers/{id}/pause"),
        format!("/api/containers/{id}/resume"),
    );
    let command = json!({"command": ["true"]});
    for round in 0..ROUNDS {
        // A start takes some 50-70 ms: the pauses land at every point of it. A command that
        // started before the pause is frozen with the rest until the resume.
        let delay = Duration::from_millis(round * 4);
        let exec = starts.post(&exec_path, Some(token), &command);
        let pause_and_resume = async {
            tokio::time::sleep(delay).await;
            let paused = pauses.post(&pause_path, Some(token), &Value::Null).await;
            let resumed = pauses.post(&resume_path, Some(token), &Value::Null).await;
            (paused.status().as_u16(), resumed.status().as_u16())
        };
        let raced =
            tokio::time::timeout(EACH_WITHIN, async { tokio::join!(exec, pause_and_resume) });
        let (exec, statuses) = raced
            .await
            .unwrap_or_else(|_| panic!("round {round}: the engine hung"));
        // It may lose to the pause (its result then says so), but it answers.
        assert_eq!(exec.status(), 202, "round {round}");
        // The exec wakes an environment it finds paused, so the resume may find it running.
        assert!(
            matches!(statuses, (200 | 409, 200 | 409)),
            "round {round}: pause and resume answered {statuses:?}"
        );
    }
    let last = starts
        .post(
            &exec_path,
            Some(token),
            &json!({"command": ["echo", "alive"]}),
        )
        .await;
    let job: Value = last.json().await.unwrap();
    assert_eq!(job["results"][0]["stdout"], "alive\n", "{job}");
}
