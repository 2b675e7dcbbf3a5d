//! The web UI: pages from `templates/` wrapped in one layout, their scripts and styles, and
//! xterm.js from the npm packages the setup installs beside them. Pages are plain HTML that
//! talk to the JSON API from the browser, so the UI has no server-side state of its own.
//! Files are read per request: they are small, the OS caches them, and edits show at once.

use std::path::Path;

use actix_web::http::header::{self, ContentType};
use actix_web::{web, HttpResponse};

use crate::error::ApiError;
use crate::state::AppState;

/// Scripts only from this origin; styles may be inline because xterm.js sets them at runtime.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; \
frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Public page paths, the fragment each shows and its title.
const PAGES: &[(&str, &str, &str)] = &[
    ("login", "login.html", "Log in"),
    ("signup", "signup.html", "Sign up"),
    ("environments", "environments.html", "Environments"),
    ("terminal", "terminal.html", "Terminal"),
    ("tokens", "tokens.html", "API tokens"),
    ("ssh-keys", "ssh-keys.html", "SSH keys"),
    ("admin", "admin.html", "Admin"),
];

/// The npm files the pages load, by the name they are served under.
const VENDOR: &[(&str, &str)] = &[
    ("xterm.js", "node_modules/@xterm/xterm/lib/xterm.js"),
    ("xterm.css", "node_modules/@xterm/xterm/css/xterm.css"),
    (
        "addon-fit.js",
        "node_modules/@xterm/addon-fit/lib/addon-fit.js",
    ),
];

type State = web::Data<AppState>;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/",
        web::get().to(|| async {
            HttpResponse::Found()
                .insert_header((header::LOCATION, "/environments"))
                .finish()
        }),
    )
    .route("/login", web::get().to(|s: State| page(s, "login")))
    .route("/signup", web::get().to(|s: State| page(s, "signup")))
    .route(
        "/environments",
        web::get().to(|s: State| page(s, "environments")),
    )
    .route(
        "/environments/{id}",
        web::get().to(|s: State| page(s, "terminal")),
    )
    .route("/tokens", web::get().to(|s: State| page(s, "tokens")))
    .route("/ssh-keys", web::get().to(|s: State| page(s, "ssh-keys")))
    // The page is public like the others; the data behind it is admin-only.
    .route("/admin", web::get().to(|s: State| page(s, "admin")))
    .route("/static/{file}", web::get().to(asset))
    .route("/vendor/{file}", web::get().to(vendor));
}

async fn page(state: web::Data<AppState>, name: &'static str) -> Result<HttpResponse, ApiError> {
    let (_, file, title) = PAGES
        .iter()
        .find(|(page, _, _)| *page == name)
        .ok_or_else(|| ApiError::internal("unknown page"))?;
    let root = Path::new(&state.settings.web_dir);
    let layout = read(&root.join("layout.html")).await?;
    let content = read(&root.join("pages").join(file)).await?;
    let html = String::from_utf8_lossy(&layout)
        .replace("{{title}}", title)
        .replace("{{page}}", name)
        .replace("{{content}}", &String::from_utf8_lossy(&content))
        .replace("{{ssh_port}}", &ssh_port(&state));
    Ok(HttpResponse::Ok()
        .content_type(ContentType::html())
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .insert_header(("X-Frame-Options", "DENY"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(html))
}

async fn asset(
    state: web::Data<AppState>,
    file: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let file = file.into_inner();
    // One plain file name: no separators, so nothing outside static/ can be named.
    let plain = !file.is_empty()
        && !file.starts_with('.')
        && file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !plain {
        return Err(not_found());
    }
    let path = Path::new(&state.settings.web_dir)
        .join("static")
        .join(&file);
    serve(&path).await
}

async fn vendor(
    state: web::Data<AppState>,
    file: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (_, relative) = VENDOR
        .iter()
        .find(|(name, _)| *name == file.as_str())
        .ok_or_else(not_found)?;
    serve(&Path::new(&state.settings.web_dir).join(relative)).await
}

async fn serve(path: &Path) -> Result<HttpResponse, ApiError> {
    let body = read(path).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type(path)))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(body))
}

async fn read(path: &Path) -> Result<Vec<u8>, ApiError> {
    match tokio::fs::read(path).await {
        Ok(body) => Ok(body),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            tracing::warn!(path = %path.display(), "web file missing: run `make web`");
            Err(not_found())
        }
        Err(err) => Err(ApiError::internal(format!("reading a web file: {err}"))),
    }
}

/// The port the SSH keys page tells people to `ssh` to.
fn ssh_port(state: &AppState) -> String {
    state
        .ssh_port
        .map_or_else(|| "off".to_string(), |port| port.to_string())
}

fn not_found() -> ApiError {
    ApiError::not_found("NOT_FOUND", "No such file")
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|ext| ext.to_str()) {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}
