//! What a preview keeps apart: paths reach the app as sent, a path-form app cannot touch the
//! cookies of the host it shares with the API, a pass cookie serves only its own preview's
//! pages and navigations to it, and entering never sends the browser to another site.

use reqwest::Method;
use serde_json::{json, Value};

use super::site::{
    assert_no_preview, at_host, enter, preview_host, python_site, seen, with_cookie,
};
use crate::support::app::spawn_app;

#[tokio::test]
async fn paths_pass_encoded_and_path_form_apps_get_and_set_no_cookies() {
    let app = spawn_app().await;
    let site = python_site(&app, "pathfinder").await;
    let id = &site.id;
    let public = app
        .put(
            &format!("/api/containers/{id}/ports/8000"),
            Some(&site.token),
            &json!({"public": true}),
        )
        .await;
    assert_eq!(public.status(), 204);

    // Encoded as sent: a CR LF in it stays in the path, not a header of its own.
    let odd = "/x%20y%0D%0AX-Injected:%201/%2F?q=%3F";
    let path_form = format!("{}/preview/{id}/8000{odd}", app.address);
    let page: Value = seen(
        app.client
            .get(&path_form)
            .header("cookie", "ui=theirs")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(page["path"], odd);
    assert!(page["headers"].get("x-injected").is_none());
    assert!(
        page["headers"].get("cookie").is_none(),
        "no cookie of the API's host: {page}"
    );
    let host_form = at_host(&app, id, 8000, Method::GET, odd).header("cookie", "ui=mine");
    let page: Value = seen(host_form.send().await.unwrap()).await;
    assert_eq!(page["path"], odd);
    assert_eq!(
        page["headers"]["cookie"], "ui=mine",
        "its own host's cookies it gets"
    );

    let on_path = app
        .client
        .get(format!("{}/preview/{id}/8000/set-cookie", app.address));
    let on_path = on_path.send().await.unwrap();
    assert_eq!(on_path.status(), 200);
    assert!(on_path.headers().get("set-cookie").is_none());
    assert!(on_path.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("sandbox"));
    let on_host = at_host(&app, id, 8000, Method::GET, "/set-cookie")
        .send()
        .await
        .unwrap();
    assert_eq!(
        on_host.headers()["set-cookie"],
        "session=from-the-app; Path=/"
    );
    // Another spelling of the same preview is no preview.
    let upper = format!("/preview/{}/8000/", id.to_uppercase());
    assert_no_preview(
        app.client
            .get(format!("{}{upper}", app.address))
            .send()
            .await
            .unwrap(),
    )
    .await;
}

#[tokio::test]
async fn a_pass_cookie_serves_its_own_pages_and_navigations_but_not_other_sites() {
    let app = spawn_app().await;
    let site = python_site(&app, "guarded").await;
    let id = &site.id;
    let link: Value = app
        .post(
            &format!("/api/containers/{id}/ports/8000/link"),
            Some(&site.token),
            &json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    let url = link["url"].as_str().unwrap();
    // Entering at a path that would read as another host sends the browser home instead.
    let sneaky = url.replacen("/?", "//evil.example/?", 1);
    let (cookie, _, location) = enter(&app, &sneaky).await;
    assert_eq!(location, "/");

    let own = format!("http://{}", preview_host(&app, id, 8000));
    let visit = |headers: &[(&str, &str)]| {
        let mut request = with_cookie(at_host(&app, id, 8000, Method::GET, "/"), &cookie);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send()
    };
    seen(visit(&[]).await.unwrap()).await;
    seen(
        visit(&[
            ("origin", &own),
            ("sec-fetch-site", "same-origin"),
            ("sec-fetch-mode", "cors"),
        ])
        .await
        .unwrap(),
    )
    .await;
    seen(
        visit(&[
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-mode", "navigate"),
        ])
        .await
        .unwrap(),
    )
    .await;
    // A sibling preview's page using the visitor's cookie: a fetch, or a WebSocket's origin.
    let sibling = format!("http://8000-{}.preview.localhost", uuid::Uuid::new_v4());
    assert_no_preview(
        visit(&[("sec-fetch-site", "same-site"), ("sec-fetch-mode", "cors")])
            .await
            .unwrap(),
    )
    .await;
    assert_no_preview(visit(&[("origin", &sibling)]).await.unwrap()).await;
    // The owner's token is no browser credential: it serves whatever asks.
    let scripted = at_host(&app, id, 8000, Method::GET, "/")
        .header("x-sandboxd-preview-token", site.token.as_str())
        .header("origin", &sibling);
    seen(scripted.send().await.unwrap()).await;
}
