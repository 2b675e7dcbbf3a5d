//! References resolve only within the caller's environments, even when a stranger names their
//! own environments after someone else's id, docker id or name.

use serde_json::json;

use crate::support::app::spawn_app;
use crate::support::provisioning::{user_with_environment, READY_WITHIN};

#[tokio::test]
async fn a_name_copying_another_tenants_id_docker_id_or_name_finds_only_the_namers_own() {
    let app = spawn_app().await;
    let (owner, id) = user_with_environment(&app, "referenced").await;
    let (_, target) = app.container(&owner, &id).await;
    let docker_id = target["docker_id"].as_str().unwrap().to_string();
    let references = [
        id.clone(),
        docker_id.clone(),
        docker_id[..12].to_string(),
        target["name"].as_str().unwrap().to_string(),
    ];

    let mimic = app.user_token("mimic").await;
    let mut copies = Vec::new();
    for (index, reference) in references.iter().enumerate() {
        let created = app.create_busybox(&mimic, json!({"name": reference})).await;
        let copy = created["id"].as_str().unwrap().to_string();
        // The user's network is made by their first environment; see world.rs.
        if index == 0 {
            app.wait_settled(&mimic, &copy, READY_WITHIN).await;
        }
        copies.push(copy);
    }
    for (reference, copy) in references.iter().zip(&copies) {
        let (status, found) = app.container(&mimic, reference).await;
        assert_eq!(status, 200, "{reference}: {found}");
        assert_eq!(&found["id"], copy, "{reference} found someone else's");
        let (status, found) = app.container(&owner, reference).await;
        assert_eq!(status, 200, "{reference}: {found}");
        assert_eq!(found["id"], id.as_str(), "{reference} found the copy");
    }
    let stranger = app.user_token("stranger").await;
    for reference in &references {
        let (status, body) = app.container(&stranger, reference).await;
        assert_eq!(status, 404, "{reference}: {body}");
    }
}
