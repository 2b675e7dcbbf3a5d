//! What Rexec's clients send beside `env`: `environment`, a map of variables every command
//! sees, and `labels`, kept with the environment and matched by the list.

use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app};

#[tokio::test]
async fn variables_given_as_a_map_reach_exec_and_labels_are_kept_and_matched() {
    let app = spawn_app().await;
    let token = app.user_token("labeller").await;
    let id = app
        .running_busybox(
            &token,
            json!({"environment": {"GREETING": "hello from the map"}, "env": ["OTHER=1"],
                   "labels": {"team": "infra", "tier.kind": "ci"}}),
        )
        .await;
    let other = app
        .running_busybox(&token, json!({"labels": {"team": "web"}}))
        .await;

    let ran: Value = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(&token),
            &json!({"command": ["sh", "-c", "echo \"$GREETING/$OTHER\""]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        ran["results"][0]["stdout"].as_str().unwrap().trim(),
        "hello from the map/1",
        "{ran}"
    );

    let (_, shown) = app.container(&token, &id).await;
    assert_eq!(shown["labels"], json!({"team": "infra", "tier.kind": "ci"}));
    let matched: Value = app
        .get("/api/containers?label=team=infra", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = matched["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![id.as_str()], "{matched}");
    assert_eq!(matched["count"], 1);
    let all: Value = app
        .get("/api/containers", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["count"], 2, "{all}");
    assert!(all.to_string().contains(&other));

    let refused = app
        .get("/api/containers?label=no-value", Some(&token))
        .await;
    assert_error(refused, 400, "INVALID_LABEL_SELECTOR").await;
}

#[tokio::test]
async fn bad_labels_and_variables_are_refused_and_nothing_is_made() {
    let app = spawn_app().await;
    let token = app.user_token("careless").await;
    let bodies = [
        (json!({"labels": {"has space": "x"}}), "INVALID_LABELS"),
        (json!({"environment": {"1BAD": "x"}}), "INVALID_ENV"),
    ];
    for (extra, code) in bodies {
        let mut body =
            json!({"image": "custom", "custom_image": crate::support::provisioning::busybox(&app)});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let response = app.post("/api/containers", Some(&token), &body).await;
        assert_error(response, 400, code).await;
    }
    assert_eq!(app.usage(&token).await, 0);
}
