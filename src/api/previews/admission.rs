//! Whether a request may open a preview: a public port lets anyone in; a script's token in
//! the preview header, or a browser's pass cookie, lets in whom it names.
//!
//! Preview hosts are all under one domain, so to a browser they are one site: a page on one
//! preview could use a visitor's cookie for another (a fetch, a form, a WebSocket) where
//! `SameSite` would not stop it. A cookie therefore counts only for the preview's own pages
//! and for navigations to it, never for requests another site's page makes.

use actix_web::dev::RequestHead;
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::Method;

use crate::previews::{PreviewError, Site};
use crate::state::AppState;

/// The cookie a browser let in keeps: for one preview host, or one preview path.
pub const PASS_COOKIE: &str = "sandboxd_preview";
/// How scripts get in: the owner's API token or session, or a link.
pub const TOKEN_HEADER: &str = "x-sandboxd-preview-token";

pub async fn admitted(
    state: &AppState,
    req: &RequestHead,
    site: &Site,
    port: u16,
) -> Result<bool, PreviewError> {
    if site.is_public(port) {
        return Ok(true);
    }
    let previews = &state.previews;
    let token = req
        .headers
        .get(TOKEN_HEADER)
        .and_then(|value| value.to_str().ok());
    if let Some(token) = token {
        let admits = match previews.admits_token(site, port, token).await? {
            Some(admits) => admits,
            None => match state.auth.authenticate(token).await {
                Ok(caller) => previews.owned_by(site, &caller),
                Err(_) => false,
            },
        };
        if admits {
            return Ok(true);
        }
    }
    let passes: Vec<&str> = cookies(&req.headers)
        .filter_map(|(name, value)| (name == PASS_COOKIE).then_some(value))
        .collect();
    if passes.is_empty() || made_by_another_site(req) {
        return Ok(false);
    }
    previews.admits_pass(site, port, &passes).await
}

/// The `name=value` pairs of the request's cookies.
pub fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// A request another site's page made: its `Origin` is not this host, or the browser says
/// it came from elsewhere and is not a plain navigation to the preview.
fn made_by_another_site(req: &RequestHead) -> bool {
    let header = |name: &str| req.headers.get(name).and_then(|value| value.to_str().ok());
    let host = super::host::host_of(req).unwrap_or_default();
    let foreign_origin = header("origin").is_some_and(|origin| {
        origin
            .split_once("://")
            .is_none_or(|(_, authority)| !authority.eq_ignore_ascii_case(host))
    });
    let from_elsewhere = matches!(header("sec-fetch-site"), Some("same-site" | "cross-site"));
    let navigation = header("sec-fetch-mode") == Some("navigate")
        && matches!(req.method, Method::GET | Method::HEAD);
    foreign_origin || (from_elsewhere && !navigation)
}
