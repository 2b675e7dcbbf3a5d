//! What a request to a preview comes to, however it arrived: an answer of ours (a page, the
//! redirect that trades a link for a cookie) or where to send it and with which headers.

use std::net::SocketAddr;

use actix_web::dev::RequestHead;
use actix_web::http::header::{self, HeaderValue};
use actix_web::HttpResponse;

use super::admission::{admitted, PASS_COOKIE};
use super::forward::Outbound;
use super::{headers, host, page};
use crate::model::EnvironmentId;
use crate::previews::urls::LINK_PARAMETER;
use crate::previews::PreviewError;
use crate::state::AppState;

pub struct Preview {
    pub environment: EnvironmentId,
    pub port: u16,
    /// The path and query the app is sent.
    pub forward: String,
    /// Where the pass cookie applies.
    pub cookie_path: String,
    /// For the path form, what the app's paths sit under.
    pub prefix: Option<String>,
}

impl Preview {
    /// A preview by its host: the app gets every path as it was sent.
    pub fn by_host(head: &RequestHead, environment: EnvironmentId, port: u16) -> Self {
        let forward = head
            .uri
            .path_and_query()
            .map_or("/", |path| path.as_str())
            .to_string();
        Preview {
            environment,
            port,
            forward,
            cookie_path: "/".to_string(),
            prefix: None,
        }
    }
}

pub enum Verdict {
    Answer(HttpResponse),
    Forward(Outbound),
}

pub async fn judge(
    state: &AppState,
    req: &RequestHead,
    peer: Option<SocketAddr>,
    preview: Preview,
) -> Verdict {
    let (link, rest_of_query) = take_link(req.uri.query().unwrap_or_default());
    if let Some(link) = link {
        return Verdict::Answer(enter(state, req, &preview, &link, &rest_of_query).await);
    }
    let site = match state.previews.site(preview.environment).await {
        Ok(site) => site,
        Err(PreviewError::NotFound) => return Verdict::Answer(page::not_found()),
        Err(err) => return Verdict::Answer(failed(err)),
    };
    let admitted = match admitted(state, req, &site, preview.port).await {
        Ok(admitted) => admitted,
        Err(err) => return Verdict::Answer(failed(err)),
    };
    if !admitted {
        return Verdict::Answer(page::not_found());
    }
    // Only once the visitor is let in: a stranger's request must not wake anything.
    if site.paused {
        if let Err(err) = state.previews.wake(site.environment).await {
            return Verdict::Answer(failed(err));
        }
    }
    let target = match site.target(preview.port) {
        Ok(target) => target,
        Err(PreviewError::NodeDown) => return Verdict::Answer(page::node_unavailable()),
        Err(_) => return Verdict::Answer(page::not_running()),
    };
    let chunked = req.headers.contains_key(header::TRANSFER_ENCODING);
    let mut headers = headers::outbound(req, peer, state, preview.prefix.as_deref());
    if chunked {
        // Some dev servers (Python's http.server) answer a chunked request without reading
        // its body, which a kept connection would then take for the next request's head.
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    Verdict::Forward(Outbound {
        target,
        headers,
        path_and_query: preview.forward,
        sandboxed: preview.prefix.is_some(),
        chunked,
    })
}

/// Trades a link for a pass cookie, and sends the browser on to where it was going.
async fn enter(
    state: &AppState,
    req: &RequestHead,
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
    let secure = match host::origin_of(req, &state.settings).scheme.as_str() {
        "https" => "; Secure",
        _ => "",
    };
    let cookie = format!(
        "{PASS_COOKIE}={}; Path={}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}",
        entry.pass, preview.cookie_path
    );
    let mut response = redirect(req.uri.path(), query);
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

pub fn redirect(path: &str, query: &str) -> HttpResponse {
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
