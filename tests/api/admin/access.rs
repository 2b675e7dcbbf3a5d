//! Every admin route is refused to users and to tokens without the admin scope.

use reqwest::Method;
use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app};

const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/admin/tiers"),
    ("POST", "/api/admin/tiers"),
    ("PUT", "/api/admin/tiers/free"),
    ("DELETE", "/api/admin/tiers/free"),
    ("GET", "/api/admin/users"),
    (
        "GET",
        "/api/admin/users/00000000-0000-0000-0000-000000000000",
    ),
    (
        "PUT",
        "/api/admin/users/00000000-0000-0000-0000-000000000000/tier",
    ),
    (
        "PUT",
        "/api/admin/users/00000000-0000-0000-0000-000000000000/limits",
    ),
    (
        "DELETE",
        "/api/admin/users/00000000-0000-0000-0000-000000000000/limits",
    ),
    (
        "POST",
        "/api/admin/users/00000000-0000-0000-0000-000000000000/disable",
    ),
    (
        "POST",
        "/api/admin/users/00000000-0000-0000-0000-000000000000/enable",
    ),
    ("GET", "/api/admin/containers"),
    (
        "POST",
        "/api/admin/containers/00000000-0000-0000-0000-000000000000/stop",
    ),
    (
        "DELETE",
        "/api/admin/containers/00000000-0000-0000-0000-000000000000",
    ),
    ("GET", "/api/admin/stats"),
    ("GET", "/api/admin/audit"),
    ("GET", "/api/admin/nodes"),
    ("GET", "/api/admin/nodes/any-node"),
    ("PATCH", "/api/admin/nodes/any-node"),
    ("DELETE", "/api/admin/nodes/any-node"),
    ("POST", "/api/admin/nodes/any-node/drain"),
    ("POST", "/api/admin/nodes/any-node/undrain"),
];

#[tokio::test]
async fn every_admin_route_is_refused_to_a_user_and_to_an_admins_token_without_the_admin_scope() {
    let app = spawn_app().await;
    let user = app.user_token("mallory").await;
    let admin = app.admin_token().await;
    let narrow = app.api_token(&admin, &["read", "write", "exec"]).await;
    let narrow = narrow["token"].as_str().unwrap().to_string();
    let body = json!({"tier": "pro", "name": "x", "max_containers": 1});
    for (method, path) in ADMIN_ROUTES {
        for token in [&user, &narrow] {
            let response = app
                .request(method.parse::<Method>().unwrap(), path, Some(token))
                .json(&body)
                .send()
                .await
                .unwrap();
            let error: Value = response.json().await.unwrap_or_default();
            assert_eq!(
                error["code"], "INSUFFICIENT_SCOPE",
                "{method} {path}: {error}"
            );
        }
    }
    let with_scope = app.api_token(&admin, &["admin"]).await;
    let response = app
        .get("/api/admin/stats", with_scope["token"].as_str())
        .await;
    assert_eq!(response.status(), 200);
    let stats: Value = response.json().await.unwrap();
    assert!(stats["engine"]["cpus"].as_i64().unwrap() >= 1, "{stats}");
    assert!(stats["environments_by_status"].is_object());
    let response = app.get("/api/admin/users", None).await;
    assert_error(response, 401, "UNAUTHORIZED").await;
}
