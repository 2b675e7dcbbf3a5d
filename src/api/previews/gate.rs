//! The way into a preview, by its host (`{port}-{environment}.{domain}`, every path) or by
//! path (`/preview/{environment}/{port}/...`): a link is traded for a cookie, the caller is
//! let in or told there is nothing here, and the request goes on to the environment.

use actix_web::body::BoxBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};

use super::admission::{admitted, PASS_COOKIE};
use super::forward::{self, Outbound};
use super::{headers, host, page, tunnel};
use crate::api::errors::NotTheApis;
use crate::model::EnvironmentId;
use crate::previews::urls::LINK_PARAMETER;
use crate::previews::PreviewError;
use crate::state::AppState;

struct Preview {
    environment: EnvironmentId,
    port: u16,
    /// The path and query the app is sent.
    forward: String,
    /// Where the pass cookie applies.
    cookie_path: String,
    /// For the path form, what the app's paths sit under.
    prefix: Option<String>,
}

/// Sends every request to a preview host to its preview, whatever its path: a preview
/// host is the app's, and never reaches the API's routes.
pub async fn divert(
    mut req: ServiceRequest,
    next: Next<BoxBody>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let preview = state
        .as_ref()
        .and_then(|state| host::preview_of(req.head(), state));
    let (Some(state), Some((environment, port))) = (state, preview) else {
        return next.call(req).await;
    };
    let body = req.extract::<web::Payload>().await?;
    let (request, _) = req.into_parts();
    let response = by_host(&state, &request, body, environment, port).await;
    Ok(ServiceResponse::new(request, not_the_apis(response)))
}

async fn by_host(
    state: &AppState,
    req: &HttpRequest,
    body: web::Payload,
    environment: EnvironmentId,
    port: u16,
) -> HttpResponse {
    let forward = req
        .uri()
        .path_and_query()
        .map_or("/", |path| path.as_str())
        .to_string();
    let preview = Preview {
        environment,
        port,
        forward,
        cookie_path: "/".to_string(),
        prefix: None,
    };
    serve(state, req, body, preview).await
}

/// `/preview/{environment}/{port}`: sent on to the same with a slash, so the app's relative
/// links resolve under the preview.
pub async fn by_bare_path(req: HttpRequest) -> HttpResponse {
    not_the_apis(redirect(&format!("{}/", req.path()), req.query_string()))
}

/// `/preview/{environment}/{port}/{rest}`.
pub async fn by_path(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    body: web::Payload,
) -> HttpResponse {
    let (raw_environment, raw_port, _) = path.into_inner();
    let (Ok(environment), Ok(port)) = (
        raw_environment.parse::<uuid::Uuid>(),
        raw_port.parse::<u16>(),
    ) else {
        return not_the_apis(page::not_found());
    };
    // One spelling per preview, the one its cookie's path names.
    let prefix = format!("/preview/{environment}/{port}");
    let raw = req.uri().path();
    let Some(rest) = raw
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_prefix('/'))
    else {
        return not_the_apis(page::not_found());
    };
    // The app gets the path as it was sent, still percent-encoded: decoded, `%0D%0A` would
    // end the request line and `%2F` or `%3F` would change what it names.
    let forward = match req.uri().query() {
        Some(query) => format!("/{rest}?{query}"),
        None => format!("/{rest}"),
    };
    let preview = Preview {
        environment: environment.into(),
        port,
        forward,
        cookie_path: format!("{prefix}/"),
        prefix: Some(prefix),
    };
    not_the_apis(serve(&state, &req, body, preview).await)
}

/// The app's answers, and the pages about it, are kept as they are: not given the API's
/// error body.
fn not_the_apis(mut response: HttpResponse) -> HttpResponse {
    response.extensions_mut().insert(NotTheApis);
    response
}

async fn serve(
    state: &AppState,
    req: &HttpRequest,
    body: web::Payload,
    preview: Preview,
) -> HttpResponse {
    let (link, rest_of_query) = take_link(req.query_string());
    if let Some(link) = link {
        return enter(state, req, &preview, &link, &rest_of_query).await;
    }
    let site = match state.previews.site(preview.environment).await {
        Ok(site) => site,
        Err(PreviewError::NotFound) => return page::not_found(),
        Err(err) => return failed(err),
    };
    let admitted = match admitted(state, req, &site, preview.port).await {
        Ok(admitted) => admitted,
        Err(err) => return failed(err),
    };
    if !admitted {
        return page::not_found();
    }
    // Only once the visitor is let in: a stranger's request must not wake anything.
    if site.paused {
        if let Err(err) = state.previews.wake(site.environment).await {
            return failed(err);
        }
    }
    let target = match site.target(preview.port) {
        Ok(target) => target,
        Err(PreviewError::NodeDown) => return page::node_unavailable(),
        Err(_) => return page::not_running(),
    };
    let outbound = Outbound {
        target,
        path_and_query: preview.forward,
        headers: headers::outbound(req, state, preview.prefix.as_deref()),
        sandboxed: preview.prefix.is_some(),
        chunked: req.headers().contains_key(header::TRANSFER_ENCODING),
    };
    let upgrade = req
        .headers()
        .get(header::UPGRADE)
        .cloned()
        .filter(|_| req.head().upgrade());
    let method = req.method().clone();
    let answered = match upgrade {
        Some(upgrade) => tunnel::open(method, upgrade, outbound, body).await,
        None => forward::send(method, outbound, body).await,
    };
    answered.unwrap_or_else(|_| page::nothing_listening(preview.port))
}

/// Trades a link for a pass cookie, and sends the browser on to where it was going.
async fn enter(
    state: &AppState,
    req: &HttpRequest,
    preview: &Preview,
    link: &str,
    query: &str,
) -> HttpResponse {
    let entry = match state
        .previews
        .enter(preview.environment, preview.port, link)
        .await
    {
        Ok(entry) => entry,
        Err(PreviewError::NotFound) => return page::not_found(),
        Err(err) => return failed(err),
    };
    let max_age = (entry.expires_at - chrono::Utc::now()).num_seconds().max(0);
    let secure = match host::origin(req, &state.settings).scheme.as_str() {
        "https" => "; Secure",
        _ => "",
    };
    let cookie = format!(
        "{PASS_COOKIE}={}; Path={}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
        entry.pass, preview.cookie_path
    );
    let mut response = redirect(req.path(), query);
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

fn redirect(path: &str, query: &str) -> HttpResponse {
    // `//host/` or `/\host/` would send the browser to another site.
    let path = match path.starts_with("//") || path.starts_with("/\\") {
        true => "/",
        false => path,
    };
    let location = match query.is_empty() {
        true => path.to_string(),
        false => format!("{path}?{query}"),
    };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

fn failed(err: PreviewError) -> HttpResponse {
    tracing::warn!(error = %err, "preview lookup failed");
    page::unavailable()
}

/// The link in a query, and the query without it.
fn take_link(query: &str) -> (Option<String>, String) {
    let mut link = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.split_once('=') {
            Some((name, value)) if name == LINK_PARAMETER => {
                link = Some(value.to_string());
                false
            }
            _ => !pair.is_empty(),
        })
        .collect();
    (link, kept.join("&"))
}
