//! A paused environment's preview: the owner's request resumes it and is answered; nobody
//! else's request wakes anything.

use reqwest::Method;

use super::site::{assert_no_preview, at_host, python_site, seen};
use crate::support::app::spawn_app;

#[tokio::test]
async fn the_owners_request_resumes_a_paused_environment_and_a_strangers_does_not() {
    let app = spawn_app().await;
    let site = python_site(&app, "ada").await;
    app.pause(&site.token, &site.id).await;

    let stranger = app.user_token("mallory").await;
    let response = at_host(&app, &site.id, 8000, Method::GET, "/hello")
        .header("X-Sandboxd-Preview-Token", &stranger)
        .send()
        .await
        .unwrap();
    assert_no_preview(response).await;
    assert_eq!(
        app.container(&site.token, &site.id).await.1["status"],
        "paused"
    );

    let response = at_host(&app, &site.id, 8000, Method::GET, "/hello")
        .header("X-Sandboxd-Preview-Token", &site.token)
        .send()
        .await
        .unwrap();
    assert_eq!(seen(response).await["path"], "/hello");
    assert_eq!(
        app.container(&site.token, &site.id).await.1["status"],
        "running"
    );
}
