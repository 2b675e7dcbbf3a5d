//! `port-forward` to an HTTP server in an environment, and `preview`'s signed link.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use super::commands::created;
use super::{assert_refused, describe, Client};
use crate::support::app::spawn_app;
use crate::support::provisioning::busybox;

#[tokio::test]
async fn a_local_port_reaches_the_environments_server_connection_after_connection() {
    let app = spawn_app().await;
    let client = Client::with_token(&app, &app.user_token("ada").await);
    created(&client, &busybox(&app), "web").await;
    let serve =
        "mkdir -p /srv && echo hello-through-the-tunnel > /srv/index.html && httpd -p 8000 -h /srv";
    let output = client.run(&["exec", "web", "--", "sh", "-c", serve]).await;
    assert!(output.status.success(), "{}", describe(&output));

    let mut forward = client
        .command(&["port-forward", "web", "0:8000"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(forward.stdout.take().unwrap()).lines();
    let announced = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("port-forward announces its port")
        .unwrap()
        .unwrap();
    let local = announced
        .strip_prefix("Forwarding ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("unexpected: {announced}"))
        .to_string();
    for _ in 0..3 {
        let body = reqwest::get(format!("http://{local}/index.html"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(body, "hello-through-the-tunnel\n");
    }
    forward.kill().await.unwrap();

    // A port nothing listens on is refused at once, not left to hang.
    let output = client.run(&["port-forward", "web", "0:9"]).await;
    assert_refused(&output, "PORT_NOT_LISTENING");

    let link = client.json(&["preview", "web", "8000"]).await;
    let url = link["url"].as_str().unwrap();
    assert!(url.contains("sandboxd_preview_link="), "{link}");
    assert_eq!(link["port"], 8000);
}
