//! Execs after the first run on a shell started ahead of them: the same results as the
//! engine's own start gives, the same timeout, and the engine's start again when that shell
//! was ended inside the environment.

use serde_json::{json, Value};

use crate::support::app::{spawn_app, TestApp};
use crate::support::provisioning::user_with_environment;

/// What the command's parent process runs: the shell started ahead reads its line first.
const PARENT: &str = "tr '\\0' ' ' < /proc/$PPID/cmdline";
const STARTED_AHEAD: &str = "IFS= read -r line";

async fn exec(app: &TestApp, token: &str, id: &str, body: Value) -> Value {
    let response = app
        .post(&format!("/api/containers/{id}/exec"), Some(token), &body)
        .await;
    assert_eq!(response.status(), 202);
    let job: Value = response.json().await.unwrap();
    job["results"][0].clone()
}

async fn parent(app: &TestApp, token: &str, id: &str) -> String {
    let result = exec(app, token, id, json!({"command": ["sh", "-c", PARENT]})).await;
    result["stdout"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_second_exec_runs_on_a_shell_started_ahead_with_the_same_results() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "standby-runner").await;
    assert!(
        !parent(&app, &token, &id).await.contains(STARTED_AHEAD),
        "the first exec has no shell started for it"
    );
    assert!(parent(&app, &token, &id).await.contains(STARTED_AHEAD));

    let words = ["it's", "two\nlines", "$HOME `id`", ""];
    let mut command = vec![
        "sh",
        "-c",
        "printf '%s|' \"$@\"; echo \"[$GREETING]\"; echo oops >&2; exit 3",
        "-",
    ];
    command.extend(words);
    let result = exec(
        &app,
        &token,
        &id,
        json!({"command": command, "env": ["GREETING=hi 'there'"]}),
    )
    .await;
    assert_eq!(
        result["stdout"], "it's|two\nlines|$HOME `id`||[hi 'there']\n",
        "{result}"
    );
    assert_eq!(result["stderr"], "oops\n");
    assert_eq!(result["exit_code"], 3);
    assert_eq!(result["error"], Value::Null);

    // A timeout kills a command on such a shell as it kills any other.
    let result = exec(
        &app,
        &token,
        &id,
        json!({"command": ["sh", "-c", "echo started; sleep 30"], "timeout": 1}),
    )
    .await;
    assert_eq!(result["stdout"], "started\n", "{result}");
    assert!(
        result["error"].as_str().unwrap().contains("timed out"),
        "{result}"
    );
    let left = exec(
        &app,
        &token,
        &id,
        json!({"command": ["sh", "-c", "pgrep -x sleep || true"]}),
    )
    .await;
    assert_eq!(
        left["stdout"], "",
        "the timed-out command still runs: {left}"
    );
}

#[tokio::test]
async fn a_shell_ended_inside_the_environment_leaves_the_engine_to_start_the_command() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "standby-killer").await;
    parent(&app, &token, &id).await;
    // Whatever shell waits now is ended from inside, as its owner may do.
    let killed = exec(
        &app,
        &token,
        &id,
        json!({"command": ["sh", "-c", "sleep 1; pkill -f 'IFS= rea[d] -r line'; echo done"]}),
    )
    .await;
    assert_eq!(killed["stdout"], "done\n", "{killed}");
    let result = exec(
        &app,
        &token,
        &id,
        json!({"command": ["echo", "still here"]}),
    )
    .await;
    assert_eq!(result["stdout"], "still here\n", "{result}");
    assert_eq!(result["exit_code"], 0);
}
