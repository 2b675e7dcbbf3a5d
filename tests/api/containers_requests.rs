//! The create request's rules, status codes and error bodies, and reads.

use std::time::Duration;

use futures_util::future::join_all;
use serde_json::{json, Value};

use crate::helpers::{assert_error, spawn_app, spawn_app_with};
use crate::provisioning_helpers::busybox;

#[tokio::test]
async fn a_create_is_accepted_with_the_seeds_response_body() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let token = app.user_token("creator").await;
    let (status, body) = app
        .create(&token, json!({"image": "debian:bookworm", "name": "dev-environment", "role": "python",
                               "memory_mb": 2048, "cpu_shares": 2000, "shell": {"enhanced": true, "use_tmux": true}}))
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["id"], body["db_id"]);
    assert!(body["id"].as_str().unwrap().parse::<uuid::Uuid>().is_ok());
    assert_eq!(body["name"], "dev-environment");
    assert_eq!(body["image"], "debian:bookworm");
    assert_eq!(body["role"], "python");
    assert_eq!(body["status"], "creating");
    assert_eq!(body["async"], true);
    assert!(body["message"].as_str().unwrap().contains("being created"));
    assert_eq!(
        body["resources"],
        json!({"memory_mb": 2048, "cpu_shares": 2000, "disk_mb": 10240})
    );
    assert!(body["created_at"].is_string());
    // Free users' environments expire with the tier's session limit.
    assert!(body["expires_at"].is_string());
    let left = body["session_limit_seconds"].as_i64().unwrap();
    assert!((50 * 3600 - 5..=50 * 3600).contains(&left), "{left}");
}

#[tokio::test]
async fn a_missing_name_is_generated_like_swift_lion_742() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let token = app.user_token("namer").await;
    let (_, body) = app
        .create(&token, json!({"image": "debian:bookworm"}))
        .await;
    let name = body["name"].as_str().unwrap();
    let parts: Vec<&str> = name.split('-').collect();
    assert_eq!(parts.len(), 3, "{name}");
    assert!(
        parts[2]
            .parse::<u16>()
            .is_ok_and(|n| (100..1000).contains(&n)),
        "{name}"
    );
}

#[tokio::test]
async fn bad_requests_get_their_error_codes() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let token = app.user_token("badreq").await;
    let cases = [
        (
            json!({"image": "debian:bookworm", "name": "has space"}),
            "INVALID_NAME",
        ),
        (
            json!({"image": "debian:bookworm", "name": "x".repeat(65)}),
            "INVALID_NAME",
        ),
        (
            json!({"image": "debian:bookworm", "name": ""}),
            "INVALID_NAME",
        ),
        (json!({"image": "custom"}), "INVALID_CUSTOM_IMAGE"),
        (
            json!({"image": "custom", "custom_image": "Not A Reference"}),
            "INVALID_CUSTOM_IMAGE",
        ),
        (
            json!({"image": "custom", "custom_image": "sandboxd.invalid/shell:latest"}),
            "INVALID_CUSTOM_IMAGE",
        ),
        (
            json!({"image": "debian:bookworm", "role": "cobol"}),
            "INVALID_ROLE",
        ),
        (
            json!({"image": "debian:bookworm", "shell": {"theme": "neon"}}),
            "INVALID_THEME",
        ),
        (
            json!({"image": "debian:bookworm", "memory_mb": 64}),
            "RESOURCE_BELOW_MINIMUM",
        ),
        (
            json!({"image": "debian:bookworm", "cpu_shares": 10}),
            "RESOURCE_BELOW_MINIMUM",
        ),
        (
            json!({"image": "debian:bookworm", "disk_mb": 100}),
            "RESOURCE_BELOW_MINIMUM",
        ),
        (json!({"name": "no-image"}), "INVALID_JSON"),
    ];
    for (body, code) in cases {
        let response = app.post("/api/containers", Some(&token), &body).await;
        assert_error(response, 400, code).await;
    }
    let response = app
        .post(
            "/api/containers",
            Some(&token),
            &json!({"image": "centos:7"}),
        )
        .await;
    let body = assert_error(response, 400, "UNSUPPORTED_IMAGE").await;
    assert_eq!(body["error"], "unsupported image type");
    assert_eq!(
        body["supported_images"],
        json!([
            "ubuntu:24.04",
            "debian:bookworm",
            "alpine:latest",
            "archlinux:latest",
            "custom"
        ])
    );
    assert_eq!(app.usage(&token).await, 0, "no failed request took a slot");
}

#[tokio::test]
async fn resources_above_the_tier_are_clamped() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let token = app.user_token("greedy").await;
    let (status, body) = app
        .create(&token, json!({"image": "debian:bookworm", "memory_mb": 99999, "cpu_shares": 99999, "disk_mb": 999999}))
        .await;
    assert_eq!(status, 202);
    assert_eq!(
        body["resources"],
        json!({"memory_mb": 4096, "cpu_shares": 4000, "disk_mb": 16384})
    );
}

#[tokio::test]
async fn auth_scope_and_name_conflicts_are_refused() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let body = json!({"image": "debian:bookworm", "name": "twin"});
    assert_error(
        app.post("/api/containers", None, &body).await,
        401,
        "UNAUTHORIZED",
    )
    .await;
    let token = app.user_token("twins").await;
    let read_only = app.api_token(&token, &["read"]).await;
    let response = app
        .post("/api/containers", read_only["token"].as_str(), &body)
        .await;
    assert_error(response, 403, "INSUFFICIENT_SCOPE").await;
    assert_eq!(app.create(&token, body.clone()).await.0, 202);
    let response = app
        .post(
            "/api/containers",
            Some(&token),
            &json!({"image": "debian:bookworm", "name": "TWIN"}),
        )
        .await;
    assert_error(response, 409, "CONTAINER_NAME_TAKEN").await;
    // Names are per user: another user may use it.
    let other = app.user_token("other-twin").await;
    assert_eq!(app.create(&other, body).await.0, 202);
}

#[tokio::test]
async fn at_the_tier_limit_a_create_gets_403_with_the_counts() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let guest: Value = app
        .post("/api/auth/guest", None, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let token = guest["token"].as_str().unwrap();
    let (status, first) = app.create(token, json!({"image": "debian:bookworm"})).await;
    assert_eq!(status, 202);
    assert_eq!(
        first["resources"],
        json!({"memory_mb": 512, "cpu_shares": 500, "disk_mb": 2048})
    );
    assert!(first["session_limit_seconds"].as_i64().unwrap() <= 3600);
    let response = app
        .post(
            "/api/containers",
            Some(token),
            &json!({"image": "debian:bookworm"}),
        )
        .await;
    let body = assert_error(response, 403, "CONTAINER_LIMIT_REACHED").await;
    assert_eq!(body["error"], "container limit reached");
    assert_eq!(
        (body["current"].clone(), body["limit"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(body["tier"], "guest");
    assert_eq!(
        body["message"],
        "Upgrade your plan to create more containers"
    );
}

#[tokio::test]
async fn one_hundred_parallel_creates_against_a_limit_of_five_accept_exactly_five() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let token = app.user_token("racer").await;
    let image = busybox(&app);
    let creates = (0..100).map(|_| {
        let body = json!({"image": "custom", "custom_image": image});
        let (app, token) = (&app, &token);
        async move { app.create(token, body).await.0 }
    });
    let statuses = join_all(creates).await;
    let accepted = statuses.iter().filter(|s| **s == 202).count();
    let refused = statuses.iter().filter(|s| **s == 403).count();
    assert_eq!((accepted, refused), (5, 95), "{statuses:?}");
    assert_eq!(app.usage(&token).await, 5);
}

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

async fn listed(replica: &crate::helpers::TestApp, token: &str) -> Value {
    let response = replica.get("/api/containers", Some(token)).await;
    response.json().await.unwrap()
}

/// A listing is remembered between changes; no change, whichever process or statement made
/// it, may leave a later listing behind.
#[tokio::test]
async fn a_listing_shows_every_change_at_once_whoever_made_it() {
    let app = spawn_app().await;
    let other = crate::helpers::spawn_app_beside(&app, |_| {}).await;
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
