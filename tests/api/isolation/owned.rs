//! Records the owner has besides environments, for the routes that name them: an exec job,
//! a share link, an SSH key and a snapshot of the main environment; and the admin's empty
//! warm pool.

use serde_json::{json, Value};

use crate::support::app::TestApp;

/// The job's id and the share's id.
pub async fn owned_records(app: &TestApp, owner: &str, environment: &str) -> (String, String) {
    let made = |path: String, body: Value| async move {
        let answer: Value = app
            .post(&path, Some(owner), &body)
            .await
            .json()
            .await
            .unwrap();
        answer
    };
    let job = made(
        format!("/api/containers/{environment}/exec"),
        // And something listening on 8000, for the port-forward's upgrade.
        json!({"command": ["sh", "-c", "echo owner-job-output; httpd -p 8000 -h /tmp"]}),
    )
    .await;
    let share = made(
        format!("/api/containers/{environment}/ports/8000/shares"),
        json!({"expires_in_seconds": 3600}),
    )
    .await;
    (
        job["job_id"].as_str().unwrap().to_string(),
        share["id"].as_str().unwrap().to_string(),
    )
}

/// An empty warm pool on the app's node (size 0: nothing is made), for the admin's routes.
pub async fn empty_pool(app: &TestApp, admin: &str) -> String {
    let body = json!({"node": app.settings.node.name, "size": 0});
    let made: Value = app
        .post("/api/admin/pools", Some(admin), &body)
        .await
        .json()
        .await
        .unwrap();
    made["id"].as_str().expect("the pool is made").to_string()
}

/// A snapshot of the environment: its id, name and image, all the owner's alone.
pub async fn owned_snapshot(app: &TestApp, owner: &str, environment: &str) -> Vec<String> {
    let response = app
        .post(
            &format!("/api/containers/{environment}/snapshots"),
            Some(owner),
            &json!({"name": "owner-saved"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let taken: Value = response.json().await.unwrap();
    ["id", "name", "image"]
        .iter()
        .map(|key| taken[key].as_str().unwrap().to_string())
        .collect()
}

/// An ed25519 public key line nobody has registered: 32 random bytes are a valid key as far
/// as the API can tell, and the private half is never needed here.
pub fn fresh_public_key() -> String {
    use base64::Engine;
    let mut wire = Vec::new();
    for field in [
        &b"ssh-ed25519"[..],
        &[
            uuid::Uuid::new_v4().into_bytes(),
            uuid::Uuid::new_v4().into_bytes(),
        ]
        .concat(),
    ] {
        wire.extend_from_slice(&(field.len() as u32).to_be_bytes());
        wire.extend_from_slice(field);
    }
    format!(
        "ssh-ed25519 {}",
        base64::engine::general_purpose::STANDARD.encode(wire)
    )
}

/// The id of an SSH key of the owner's.
pub async fn ssh_key(app: &TestApp, owner: &str) -> String {
    let body = json!({"name": "owner's", "public_key": fresh_public_key()});
    let added: Value = app
        .post("/api/ssh-keys", Some(owner), &body)
        .await
        .json()
        .await
        .unwrap();
    added["id"].as_str().unwrap().to_string()
}
