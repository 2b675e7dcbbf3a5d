//! The create request's rules, status codes and error bodies.

use futures_util::future::join_all;
use serde_json::json;

use crate::support::app::{assert_error, spawn_app_with};
use crate::support::provisioning::busybox;

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
    let token = &app.guest_token().await;
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
