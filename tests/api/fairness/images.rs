//! Guests may run the catalogue's images only; nobody may name an image by id or digest, or
//! pull from a registry the admin has not allowed.

use serde_json::{json, Value};

use crate::support::app::{assert_error, spawn_app_with};
use crate::support::provisioning::busybox;

#[tokio::test]
async fn guests_may_create_from_the_catalogue_but_not_from_a_custom_image() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let guest = app.guest_token().await;
    let offered: Value = app
        .get("/api/images", Some(&guest))
        .await
        .json()
        .await
        .unwrap();
    let offered = offered.to_string();
    assert!(
        offered.contains("debian:bookworm") && !offered.contains("\"custom\""),
        "{offered}"
    );

    let custom = json!({"image": "custom", "custom_image": busybox(&app)});
    let response = app.post("/api/containers", Some(&guest), &custom).await;
    let body = assert_error(response, 400, "UNSUPPORTED_IMAGE").await;
    let supported = body["supported_images"].as_array().unwrap();
    assert!(!supported.contains(&json!("custom")), "{body}");
    assert!(supported.contains(&json!("debian:bookworm")), "{body}");

    let (status, body) = app
        .create(&guest, json!({"image": "debian:bookworm"}))
        .await;
    assert_eq!(status, 202, "{body}");
}

#[tokio::test]
async fn image_ids_digests_and_registries_off_the_allow_list_are_refused_with_400() {
    let app = spawn_app_with(|s| s.workers = 0).await;
    let token = app.user_token("picky").await;
    let hex = "0123456789abcdef".repeat(4);
    for (image, code) in [
        (format!("sha256:{hex}"), "IMAGE_ID_NOT_ALLOWED"),
        (format!("busybox@sha256:{hex}"), "IMAGE_ID_NOT_ALLOWED"),
        (
            format!("{}@sha256:{hex}", busybox(&app)),
            "IMAGE_ID_NOT_ALLOWED",
        ),
        (hex[..12].to_string(), "IMAGE_ID_NOT_ALLOWED"),
        ("ghcr.io/org/app:1".to_string(), "REGISTRY_NOT_ALLOWED"),
        (
            "127.0.0.1:5999/sandboxd/busybox:latest".to_string(),
            "REGISTRY_NOT_ALLOWED",
        ),
    ] {
        let body = json!({"image": "custom", "custom_image": image});
        let response = app.post("/api/containers", Some(&token), &body).await;
        let refused = assert_error(response, 400, code).await;
        if code == "REGISTRY_NOT_ALLOWED" {
            assert_eq!(
                refused["allowed_registries"],
                json!([app.settings.registry, "docker.io"]),
                "{refused}"
            );
        }
    }
    assert_eq!(app.usage(&token).await, 0, "no refused request took a slot");
    let (status, body) = app
        .create(
            &token,
            json!({"image": "custom", "custom_image": busybox(&app)}),
        )
        .await;
    assert_eq!(status, 202, "the configured registry is allowed: {body}");

    // An admin's list replaces the default: here, not even the stack's own registry.
    let strict = spawn_app_with(|s| {
        s.workers = 0;
        s.allowed_registries = "registry.example.org".into();
    })
    .await;
    let token = strict.user_token("strict").await;
    let body = json!({"image": "custom", "custom_image": busybox(&strict)});
    let response = strict.post("/api/containers", Some(&token), &body).await;
    assert_error(response, 400, "REGISTRY_NOT_ALLOWED").await;
}
