//! `ssh -L`: a local port reaching an HTTP server inside the environment, and nothing else.

use std::process::Stdio;
use std::time::{Duration, Instant};

use super::{text, SshUser};
use crate::support::app::spawn_app;
use crate::support::provisioning::user_with_environment;

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_local_port_forwards_to_a_web_server_in_the_environment() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "forwarder").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    let served = user
        .run(
            &id,
            "mkdir -p /tmp/www && echo forwarded-page > /tmp/www/index.html && \
             httpd -p 8000 -h /tmp/www",
        )
        .await;
    assert_eq!(served.status.code(), Some(0), "{served:?}");

    let local = free_port();
    let forward = format!("{local}:127.0.0.1:8000");
    let _tunnel = user
        .ssh(
            &id,
            &["-N", "-o", "ExitOnForwardFailure=yes", "-L", &forward],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{local}/index.html");
    let deadline = Instant::now() + Duration::from_secs(30);
    let page = loop {
        match app.client.get(&url).send().await {
            Ok(response) if response.status() == 200 => break response.text().await.unwrap(),
            outcome => {
                assert!(
                    Instant::now() < deadline,
                    "the forward never answered: {outcome:?}"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    assert_eq!(page.trim(), "forwarded-page");
}

#[tokio::test]
async fn a_forward_to_any_other_host_is_refused() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "wanderer").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    // -W is a direct-tcpip channel wired to ssh's own stdin and stdout. The host is only a
    // name the server refuses: nothing is ever sent to it (a forward can reach only the
    // environment's own address), and `.invalid` resolves nowhere.
    let refused = user
        .ssh(&id, &["-W", "elsewhere.invalid:80"])
        .output()
        .await
        .unwrap();
    assert_ne!(refused.status.code(), Some(0));
    assert!(
        text(&refused.stderr).contains("forwarding failed"),
        "{refused:?}"
    );
}
