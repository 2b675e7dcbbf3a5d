//! Environment records: found by reference and listed for their owner only, waiting in
//! Postgres until a worker takes them, and deleted before they ever ran.

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app, spawn_app_beside, spawn_app_with, TestApp};

#[tokio::test]
async fn an_environment_is_found_by_id_and_name_but_never_by_another_user() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let owner = app.user_token("finder").await;
    let intruder = app.user_token("intruder").await;
    let (_, created) = app
        .create(
            &owner,
            json!({"image": "debian:bookworm", "name": "findme"}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    for reference in [id, "findme", "FINDME"] {
        let (status, body) = app.container(&owner, reference).await;
        assert_eq!(status, 200);
        assert_eq!(body["id"], id);
        assert_eq!(body["stage"], "validating");
    }
    for reference in [id, "findme"] {
        let response = app
            .get(&format!("/api/containers/{reference}"), Some(&intruder))
            .await;
        assert_error(response, 404, "CONTAINER_NOT_FOUND").await;
        let response = app
            .delete(&format!("/api/containers/{reference}"), Some(&intruder))
            .await;
        assert_error(response, 404, "CONTAINER_NOT_FOUND").await;
    }
    let listed: Value = app
        .get("/api/containers", Some(&intruder))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["count"], 0);
    let listed: Value = app
        .get("/api/containers", Some(&owner))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["count"], 1);
    assert_eq!(listed["containers"][0]["name"], "findme");
}

#[tokio::test]
async fn a_created_environment_waits_in_postgres_when_no_worker_runs() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let token = app.user_token("patient").await;
    let created = app.create_busybox(&token, json!({})).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, body) = app.container(&token, created["id"].as_str().unwrap()).await;
    assert_eq!(body["status"], "creating");
    assert!(body["docker_id"].is_null());
}

#[tokio::test]
async fn deleting_a_queued_environment_frees_its_slot() {
    let app = spawn_app().await;
    let token = app.user_token("deleter").await;
    let created = app.create_busybox(&token, json!({"name": "gone"})).await;
    let response = app.delete("/api/containers/gone", Some(&token)).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "deleted");
    assert_eq!(app.usage(&token).await, 0);
    let (status, _) = app.container(&token, created["id"].as_str().unwrap()).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_users_first_environments_made_at_once_share_one_network_and_all_start() {
    // Each create makes sure the user's network exists; racing, they must end with one.
    let app = spawn_app().await;
    let token = app.user_token("eager").await;
    let created = join_all((0..3).map(|_| app.create_busybox(&token, json!({})))).await;
    for environment in created {
        let id = environment["id"].as_str().unwrap();
        let settled = app.wait_running(&token, id, Duration::from_secs(120)).await;
        assert_eq!(settled["status"], "running", "{settled}");
    }
}

async fn listed(replica: &TestApp, token: &str) -> Value {
    let response = replica.get("/api/containers", Some(token)).await;
    response.json().await.unwrap()
}

/// A listing is remembered between changes; no change, whichever process or statement made
/// it, may leave a later listing behind.
#[tokio::test]
async fn a_listing_shows_every_change_at_once_whoever_made_it() {
    let app = spawn_app().await;
    let other = spawn_app_beside(&app, |_| {}).await;
    let token = app.user_token("lister").await;
    for count in 0..3 {
        assert_eq!(listed(&other, &token).await["count"], count);
        // Made through the first replica, listed at once through the second.
        app.create_busybox(&token, json!({})).await;
        assert_eq!(listed(&other, &token).await["count"], count + 1);
    }
    // A statement outside sandboxd altogether.
    let pool = sqlx::PgPool::connect(&app.settings.database_url)
        .await
        .unwrap();
    let first = listed(&other, &token).await;
    let id = first["containers"][0]["id"].as_str().unwrap().to_string();
    // The name, which no worker touches while it provisions.
    sqlx::query("UPDATE containers SET name = 'renamed-by-hand' WHERE id = $1::uuid")
        .bind(&id)
        .execute(&pool)
        .await
        .unwrap();
    let after = listed(&other, &token).await;
    let changed = after["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|env| env["id"] == id.as_str())
        .unwrap();
    assert_eq!(changed["name"], "renamed-by-hand", "{after}");
    // Either replica lists the same environments under the same names (their stages may
    // move on in between).
    let names = |listing: &Value| -> Vec<(String, String)> {
        listing["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|env| (env["id"].to_string(), env["name"].to_string()))
            .collect()
    };
    assert_eq!(names(&listed(&app, &token).await), names(&after));
}
