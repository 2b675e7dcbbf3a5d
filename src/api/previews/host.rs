//! Telling preview hosts from the API's own, and how this server is reached from outside.

use actix_web::dev::{RequestHead, ServiceRequest};
use actix_web::http::header;
use actix_web::{web, HttpRequest};

use crate::config::Settings;
use crate::model::EnvironmentId;
use crate::previews::urls::parse_host;
use crate::previews::Origin;
use crate::state::AppState;

/// The Host a request was sent to (HTTP/1.1's header, or an absolute request target).
pub fn host_of(head: &RequestHead) -> Option<&str> {
    head.headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| head.uri.authority().map(|authority| authority.as_str()))
}

/// The environment and port a request's host names, when it is a preview host.
pub fn preview_of(head: &RequestHead, state: &AppState) -> Option<(EnvironmentId, u16)> {
    parse_host(
        &host_of(head)?.to_ascii_lowercase(),
        state.previews.domain(),
    )
}

/// Whether a request is for a preview, by its host or by its path.
pub fn is_preview_traffic(req: &ServiceRequest) -> bool {
    req.path().starts_with("/preview/")
        || req
            .app_data::<web::Data<AppState>>()
            .is_some_and(|state| preview_of(req.head(), state).is_some())
}

/// The public URL's scheme, host and port when one is set; otherwise as this request
/// reached the server (never from forwarded headers, which anyone can send).
pub fn origin(req: &HttpRequest, settings: &Settings) -> Origin {
    origin_of(req.head(), settings)
}

/// [`origin`], from a request's head.
pub fn origin_of(head: &RequestHead, settings: &Settings) -> Origin {
    let (scheme, authority) = match settings.public_url.as_deref() {
        Some(url) => {
            let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
            let authority = rest.split('/').next().unwrap_or_default();
            (scheme.to_ascii_lowercase(), authority.to_string())
        }
        None => (
            "http".to_string(),
            host_of(head).unwrap_or("localhost").to_string(),
        ),
    };
    let port = authority
        .rsplit_once(':')
        .filter(|(name, _)| !name.ends_with(']') || name.starts_with('['))
        .and_then(|(_, port)| port.parse::<u16>().ok());
    Origin {
        api_base: format!("{scheme}://{authority}"),
        scheme,
        port,
    }
}
