//! The request's headers as the app sees them.

use std::net::SocketAddr;

use actix_web::dev::RequestHead;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};

use super::admission::{cookies, PASS_COOKIE, TOKEN_HEADER};
use super::forward::passes;
use super::host;
use crate::api::client_ip::client_ip_of;
use crate::state::AppState;

/// The request's headers as the app should see them: its own Host, where the request came
/// from, and nothing of sandboxd's credentials or of the hop it arrived on.
pub fn outbound(
    req: &RequestHead,
    peer: Option<SocketAddr>,
    state: &AppState,
    prefix: Option<&str>,
) -> HeaderMap {
    let incoming = &req.headers;
    let mut headers = HeaderMap::new();
    for (name, value) in incoming {
        let name_str = name.as_str();
        // `Expect: 100-continue` is answered by the proxy itself; an app that never sends
        // its own 100 would leave the proxy waiting for it.
        let ours_or_forwarded = name_str == TOKEN_HEADER
            || name_str == "expect"
            || name_str == "forwarded"
            || name_str == "x-real-ip"
            || name_str.starts_with("x-forwarded-");
        if passes(name, incoming) && !ours_or_forwarded && *name != header::COOKIE {
            headers.append(name.clone(), value.clone());
        }
    }
    // A path-form app shares the API's host with every other one: the browser's cookies
    // there are nobody's in particular, so none is passed on (nor any kept, see forward.rs).
    let kept: Vec<String> = cookies(incoming)
        .filter(|_| prefix.is_none())
        .filter(|(name, _)| *name != PASS_COOKIE)
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    let scheme = host::origin_of(req, &state.settings).scheme;
    let host = host::host_of(req).unwrap_or_default().to_string();
    let mut set = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    };
    if !kept.is_empty() {
        set("cookie", kept.join("; "));
    }
    set("host", host.clone());
    set("x-forwarded-host", host);
    set("x-forwarded-proto", scheme);
    set(
        "x-forwarded-for",
        client_ip_of(peer, incoming, &state.settings),
    );
    if let Some(prefix) = prefix {
        set("x-forwarded-prefix", prefix.to_string());
    }
    headers
}
