//! A user's environment running a small web app (app.py) on ports 8000 and 8001, and
//! requests to its previews as a browser sends them: to this server's address, with the
//! preview's host name, cookies kept by hand and redirects not followed.

use std::time::Duration;

use reqwest::header::{COOKIE, HOST, LOCATION, SET_COOKIE};
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::{json, Value};

use crate::support::app::TestApp;
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

const APP: &str = include_str!("app.py");

pub struct Site {
    pub token: String,
    pub id: String,
    pub docker_id: String,
}

/// Registers `username` and gives them a python environment with the app listening.
pub async fn python_site(app: &TestApp, username: &str) -> Site {
    let token = app.user_token(username).await;
    let (status, created) = app
        .create(
            &token,
            json!({"image": "debian:bookworm", "role": "python"}),
        )
        .await;
    assert_eq!(status, 202, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let environment = app.wait_running(&token, &id, READY_WITHIN).await;
    let docker_id = environment["docker_id"].as_str().unwrap().to_string();
    let script = format!(
        "cat > /tmp/app.py <<'APP'\n{APP}\nAPP\n\
         for port in 8000 8001; do nohup python3 /tmp/app.py $port >/tmp/app-$port.log 2>&1 & done"
    );
    let started = engine::exec(&app.settings, &docker_id, &script);
    assert!(started.status.success(), "{started:?}");
    let listening = engine::exec(
        &app.settings,
        &docker_id,
        "for i in $(seq 100); do python3 -c \"import socket; [socket.create_connection(('127.0.0.1', p)) for p in (8000, 8001)]\" 2>/dev/null && exit 0; sleep 0.1; done; exit 1",
    );
    assert!(listening.status.success(), "the app listens: {listening:?}");
    Site {
        token,
        id,
        docker_id,
    }
}

/// A client as a browser is: it keeps cookies (by hand, below) and follows nothing itself.
pub fn browser() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

pub fn preview_host(app: &TestApp, id: &str, port: u16) -> String {
    let server_port = app.address.rsplit(':').next().unwrap();
    format!("{port}-{id}.preview.localhost:{server_port}")
}

/// A request to the preview host of `port`, for `path_and_query`.
pub fn at_host(app: &TestApp, id: &str, port: u16, method: Method, path: &str) -> RequestBuilder {
    browser()
        .request(method, format!("{}{path}", app.address))
        .header(HOST, preview_host(app, id, port))
}

pub fn with_cookie(request: RequestBuilder, cookie: &str) -> RequestBuilder {
    request.header(COOKIE, cookie)
}

/// Opens a link (either form) as a browser does: 303 with a pass cookie. Returns the cookie
/// (`name=value`), the whole Set-Cookie line and where it sends the browser.
pub async fn enter(app: &TestApp, url: &str) -> (String, String, String) {
    let response = open(app, url).await;
    assert_eq!(response.status(), 303, "{:?}", response.headers());
    let set_cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_string();
    let location = response.headers()[LOCATION].to_str().unwrap().to_string();
    let cookie = set_cookie.split(';').next().unwrap().to_string();
    (cookie, set_cookie, location)
}

/// GETs a preview URL as handed out: `http://{host}/...` or a path on this server.
pub async fn open(app: &TestApp, url: &str) -> Response {
    let request = match url.strip_prefix("http://") {
        Some(rest) if !url.starts_with(&app.address) => {
            let (host, path) = rest.split_at(rest.find('/').unwrap());
            browser()
                .get(format!("{}{path}", app.address))
                .header(HOST, host)
        }
        _ => browser().get(format!(
            "{}{}",
            app.address,
            url.trim_start_matches(&app.address)
        )),
    };
    request.send().await.unwrap()
}

/// What the app saw of a request it answered: its path and headers.
pub async fn seen(response: Response) -> Value {
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub async fn assert_no_preview(response: Response) {
    assert_eq!(response.status(), 404);
    let page = response.text().await.unwrap();
    assert!(page.contains("No preview here"), "{page}");
}
