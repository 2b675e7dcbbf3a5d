//! Tiers, per-user limits, disabling, every environment, and the audit trail.

use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app};
use crate::support::provisioning::user_with_environment;

#[tokio::test]
async fn tier_edits_apply_to_the_next_create_and_a_users_override_beats_the_tier() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let token = app.user_token("tiered").await;
    let user_id = app.me(&token).await["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let free = app
        .edit_tier(
            "free",
            json!({"max_containers": 1, "memory_mb_max": 300, "memory_mb_default": 300}),
        )
        .await;
    let created = app.create_busybox(&token, json!({"memory_mb": 4000})).await;
    assert_eq!(
        created["resources"]["memory_mb"], 300,
        "clamped to the edited max: {created}"
    );
    let (status, refused) = app
        .create(&token, json!({"image": "custom", "custom_image": "x/y:z"}))
        .await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["code"], "CONTAINER_LIMIT_REACHED");
    assert_eq!(refused["limit"], 1);

    let response = app
        .put(
            &format!("/api/admin/users/{user_id}/limits"),
            Some(&admin),
            &json!({"max_containers": 2, "memory_mb_max": 400}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let detail: Value = response.json().await.unwrap();
    assert_eq!(detail["limits"]["max_containers"], 2);
    assert_eq!(detail["overrides"]["memory_mb_max"], 400);
    assert_eq!(app.me(&token).await["usage"]["containers_allowed"], 2);
    let second = app.create_busybox(&token, json!({"memory_mb": 4000})).await;
    assert_eq!(second["resources"]["memory_mb"], 400, "{second}");

    let bad = app
        .put(
            &format!("/api/admin/users/{user_id}/limits"),
            Some(&admin),
            &json!({"memory_mb_min": 9999}),
        )
        .await;
    assert_error(bad, 400, "INVALID_TIER").await;
    let moved = app
        .put(
            &format!("/api/admin/users/{user_id}/tier"),
            Some(&admin),
            &json!({"tier": "nope"}),
        )
        .await;
    assert_error(moved, 404, "TIER_NOT_FOUND").await;
    let in_use = app.delete("/api/admin/tiers/free", Some(&admin)).await;
    assert_error(in_use, 409, "TIER_IN_USE").await;

    let mut custom = free.clone();
    custom["name"] = json!("team");
    let response = app.post("/api/admin/tiers", Some(&admin), &custom).await;
    assert_eq!(response.status(), 201);
    let again = app.post("/api/admin/tiers", Some(&admin), &custom).await;
    assert_error(again, 409, "TIER_EXISTS").await;
    for bad in ["_all", "pool:", "a b", ""] {
        custom["node_targets"] = json!(["_any", bad]);
        let refused = app
            .put("/api/admin/tiers/team", Some(&admin), &custom)
            .await;
        assert_error(refused, 400, "INVALID_NODE_TARGET").await;
    }
    custom["node_targets"] = json!(["_any", "pool:fast", "build-1"]);
    let response = app
        .put("/api/admin/tiers/team", Some(&admin), &custom)
        .await;
    assert_eq!(response.status(), 200);
    let team = app.tier(&admin, "team").await;
    assert_eq!(team["node_targets"], custom["node_targets"]);
    let response = app.delete("/api/admin/tiers/team", Some(&admin)).await;
    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn disabling_a_user_stops_their_environments_and_kills_their_credentials() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (token, id) = user_with_environment(&app, "leaving").await;
    let script = app.api_token(&token, &["read"]).await;
    let script = script["token"].as_str().unwrap().to_string();
    let user_id = app.user_id(&token).await;

    let response = app.disable_user(&admin, &user_id).await;
    assert_eq!(response.status(), 200);
    let disabled: Value = response.json().await.unwrap();
    assert_eq!(disabled["credentials_revoked"], 2, "{disabled}");
    assert_eq!(disabled["environments_stopped"]["success"], 1, "{disabled}");
    for credential in [&token, &script] {
        assert_eq!(app.get("/api/me", Some(credential)).await.status(), 401);
    }
    assert_eq!(
        app.login("leaving", "correct horse battery").await.status(),
        401
    );
    let inspected = crate::support::engine::inspect(&app.settings, &format!("sbx-{id}"));
    assert_eq!(inspected["State"]["Running"], false);

    let listed: Value = app
        .get(
            &format!("/api/admin/containers?user_id={user_id}&status=stopped"),
            Some(&admin),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["containers"][0]["id"], id.as_str());
    let response = app
        .post(
            &format!("/api/admin/users/{user_id}/enable"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.login("leaving", "correct horse battery").await.status(),
        200
    );
    let response = app
        .delete(&format!("/api/admin/containers/{id}"), Some(&admin))
        .await;
    assert_eq!(response.status(), 204);
    assert!(crate::support::engine::containers_with(
        &app.settings,
        &format!("sandboxd.environment={id}")
    )
    .is_empty());
}

#[tokio::test]
async fn admins_see_and_force_stop_anyones_environment_and_every_action_is_audited() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let (token, id) = user_with_environment(&app, "watched").await;
    let response = app
        .post(
            &format!("/api/admin/containers/{id}/stop"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let stopped: Value = response.json().await.unwrap();
    assert_eq!(stopped["status"], "stopped");
    let again = app
        .post(
            &format!("/api/admin/containers/{id}/stop"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_error(again, 409, "CONTAINER_ALREADY_STOPPED").await;

    let audit: Value = app
        .get("/api/admin/audit", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    let actions: Vec<(String, String, i64)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap_or("").into(),
                e["action"].as_str().unwrap().into(),
                e["status"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(
        actions.contains(&(
            "admin".into(),
            "POST /api/admin/containers/{id}/stop".into(),
            200
        )),
        "{actions:?}"
    );
    assert!(
        actions.contains(&(
            "admin".into(),
            "POST /api/admin/containers/{id}/stop".into(),
            409
        )),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("watched".into(), "POST /api/containers".into(), 202)),
        "{actions:?}"
    );
    let entry = &audit["entries"][0];
    assert_eq!(entry["target"], id.as_str());
    assert_eq!(entry["ip"], "127.0.0.1");
    assert_eq!(entry["outcome"], "failure");

    let own: Value = app
        .get("/api/audit-logs", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let own_actions: Vec<&str> = own["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(own_actions.contains(&"POST /api/containers"), "{own}");
    assert!(
        own_actions.iter().all(|a| !a.contains("/admin/")),
        "only their own: {own}"
    );
}
