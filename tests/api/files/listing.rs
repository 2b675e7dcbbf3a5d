//! A running environment is listed with sandboxd's busybox, a stopped one from the engine's
//! archive: both must give the same answer.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use super::{call, put_raw};
use crate::support::app::spawn_app;
use crate::support::provisioning::user_with_environment;

#[tokio::test]
async fn a_directory_lists_the_same_running_and_stopped() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "lister").await;
    for (path, content) in [
        ("/root/cmp/plain.txt", b"12345".to_vec()),
        ("/root/cmp/.hidden", b"h".to_vec()),
        ("/root/cmp/..dots", Vec::new()),
        ("/root/cmp/odd\nname with ü", b"odd".to_vec()),
        ("/root/cmp/sub/inner", b"deeper, not listed".to_vec()),
    ] {
        assert_eq!(
            put_raw(&app, &token, &id, path, content).await.status(),
            200
        );
    }
    let response = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(&token),
            &json!({"command": ["ln", "-s", "../cmp/plain.txt", "/root/cmp/link"]}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let list = || async {
        let response = call(
            &app,
            Method::GET,
            &token,
            &id,
            "/list",
            &[("path", "/root/cmp")],
        )
        .await;
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()
    };
    let running = list().await;
    let names: Vec<_> = running["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "..dots",
            ".hidden",
            "link",
            "odd\nname with ü",
            "plain.txt",
            "sub"
        ]
    );
    assert_eq!(running["files"][2]["link_target"], "../cmp/plain.txt");
    assert_eq!(running["files"][4]["size"], 5);

    let stopped = app
        .request(
            Method::POST,
            &format!("/api/containers/{id}/stop?timeout=1"),
            Some(&token),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(stopped.status(), 202);
    app.wait_status(&token, &id, "stopped", Duration::from_secs(30))
        .await;
    assert_eq!(list().await, running);
    let missing = call(
        &app,
        Method::GET,
        &token,
        &id,
        "/list",
        &[("path", "/root/none")],
    )
    .await;
    assert_eq!(missing.status(), 404);
}
