//! An owner's link lets a browser into one port of one environment, by a cookie for that
//! preview alone; everyone else finds nothing there.

use reqwest::Method;
use serde_json::{json, Value};

use super::site::{assert_no_preview, at_host, enter, open, python_site, seen, with_cookie};
use crate::support::app::{assert_error, spawn_app, TestApp};

async fn link(app: &TestApp, token: &str, id: &str, port: u16, body: Value) -> Value {
    let response = app
        .post(
            &format!("/api/containers/{id}/ports/{port}/link"),
            Some(token),
            &body,
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_owners_link_lets_a_browser_into_that_port_alone_by_either_form() {
    let app = spawn_app().await;
    let site = python_site(&app, "web-dev").await;
    let (token, id) = (&site.token, &site.id);
    let nobody = at_host(&app, id, 8000, Method::GET, "/")
        .send()
        .await
        .unwrap();
    assert_no_preview(nobody).await;

    // The host form: a cookie for that host only, and the browser sent on without the link.
    let preview = link(&app, token, id, 8000, json!({})).await;
    let url = preview["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("http://8000-{id}.preview.localhost:")),
        "{preview}"
    );
    let (cookie, set_cookie, location) = enter(&app, url).await;
    assert_eq!(location, "/");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
    assert!(
        !set_cookie.to_ascii_lowercase().contains("domain="),
        "host-only: {set_cookie}"
    );
    let page = seen(
        with_cookie(at_host(&app, id, 8000, Method::GET, "/a?b=1"), &cookie)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page["path"], "/a?b=1");
    // The same cookie opens no other port.
    let other_port = with_cookie(at_host(&app, id, 8001, Method::GET, "/"), &cookie);
    assert_no_preview(other_port.send().await.unwrap()).await;

    // The path form: the cookie is scoped to the preview's path; the app sees its own paths.
    let path = preview["path"].as_str().unwrap();
    assert!(
        path.starts_with(&format!("/preview/{id}/8000/?")),
        "{preview}"
    );
    let (cookie, set_cookie, location) = enter(&app, path).await;
    assert_eq!(location, format!("/preview/{id}/8000/"));
    assert!(
        set_cookie.contains(&format!("Path=/preview/{id}/8000/")),
        "{set_cookie}"
    );
    let request = app
        .client
        .get(format!("{}/preview/{id}/8000/deep/page?x=1", app.address))
        .header("cookie", &cookie);
    let page = seen(request.send().await.unwrap()).await;
    assert_eq!(page["path"], "/deep/page?x=1");
    assert_eq!(
        page["headers"]["x-forwarded-prefix"],
        format!("/preview/{id}/8000")
    );
    let bare = open(&app, &format!("/preview/{id}/8000")).await;
    assert_eq!(bare.status(), 303);
    assert_eq!(bare.headers()["location"], format!("/preview/{id}/8000/"));
}

#[tokio::test]
async fn tampered_expired_and_foreign_links_and_credentials_open_nothing() {
    let app = spawn_app().await;
    let site = python_site(&app, "owner").await;
    let (token, id) = (&site.token, &site.id);
    let stranger = app.user_token("stranger").await;

    let preview = link(&app, token, id, 8000, json!({})).await;
    let url = preview["url"].as_str().unwrap();
    let tampered = format!("{}x", url);
    assert_no_preview(open(&app, &tampered).await).await;
    // A link names its port: opened on another port's host it is no link.
    let elsewhere = url.replacen("http://8000-", "http://8001-", 1);
    assert_no_preview(open(&app, &elsewhere).await).await;
    let brief = link(&app, token, id, 8000, json!({"expires_in_seconds": 1})).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_no_preview(open(&app, brief["url"].as_str().unwrap()).await).await;

    // Scripts: the owner's credential in the header passes, a stranger's does not.
    let header = "x-sandboxd-preview-token";
    let owner = at_host(&app, id, 8000, Method::GET, "/").header(header, token.as_str());
    let page = seen(owner.send().await.unwrap()).await;
    assert!(
        page["headers"].get(header).is_none(),
        "not passed on: {page}"
    );
    let foreign = at_host(&app, id, 8000, Method::GET, "/").header(header, stranger.as_str());
    assert_no_preview(foreign.send().await.unwrap()).await;
    let bearer = at_host(&app, id, 8000, Method::GET, "/").bearer_auth(token);
    assert_no_preview(bearer.send().await.unwrap()).await;

    // Only the owner makes links, and only within the bounds.
    let refused = app
        .post(
            &format!("/api/containers/{id}/ports/8000/link"),
            Some(&stranger),
            &json!({}),
        )
        .await;
    assert_error(refused, 404, "CONTAINER_NOT_FOUND").await;
    for bad in [
        json!({"expires_in_seconds": 0}),
        json!({"expires_in_seconds": 3601}),
    ] {
        let response = app
            .post(
                &format!("/api/containers/{id}/ports/8000/link"),
                Some(token),
                &bad,
            )
            .await;
        assert_error(response, 400, "INVALID_PREVIEW").await;
    }
    let zero = app
        .post(
            &format!("/api/containers/{id}/ports/0/link"),
            Some(token),
            &json!({}),
        )
        .await;
    assert_error(zero, 400, "INVALID_PREVIEW").await;
}
