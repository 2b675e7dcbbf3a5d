//! Passing one HTTP request on to the environment and its answer back, both streamed: a
//! 100 MB download or an endless event stream never sits in memory whole.

use std::net::SocketAddr;
use std::time::Duration;

use actix_web::body::SizedStream;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};

use super::client::{self, Gathered, RequestBody};

/// A slow dev server gets this long to start answering; the body then takes what it takes.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(60);

/// Answers up to this long are passed on in one piece (see [`client::gather`]).
pub const GATHERED_UP_TO: u64 = 64 * 1024;
/// How long such an answer's body may take before it is streamed instead: head and body in
/// one write wake the browser's side once instead of twice.
pub const GATHER_PATIENCE: Duration = Duration::from_millis(100);

/// What the app is sent: its own path and query, and the headers it should see.
pub struct Outbound {
    pub target: SocketAddr,
    pub path_and_query: String,
    pub headers: HeaderMap,
    /// Set for the path form: the preview then shares the API's origin, so its pages are
    /// kept in a sandbox of their own, away from the API's storage.
    pub sandboxed: bool,
    /// The request came with a chunked body (its length unknown).
    pub chunked: bool,
}

/// Nothing answered on the environment's port.
pub struct Unreachable;

pub async fn send(
    method: Method,
    outbound: Outbound,
    body: web::Payload,
) -> Result<HttpResponse, Unreachable> {
    let uri = format!("http://{}{}", outbound.target, outbound.path_and_query);
    let mut request = http::Request::builder()
        .method(http::Method::from_bytes(method.as_str().as_bytes()).map_err(|_| Unreachable)?)
        .uri(uri);
    for (name, value) in &outbound.headers {
        request = request.header(name.as_str(), value.as_bytes());
    }
    let request = request.body(()).map_err(|_| Unreachable)?;
    // A known length is kept (in the headers): many dev servers cannot read a chunked
    // request body. A request with neither has no body, and must not be given an empty
    // chunked one: a server that does not expect it would read its end as the next request.
    let has_body = content_length(&outbound.headers).is_some_and(|length| length > 0);
    let body = match has_body || outbound.chunked {
        true => RequestBody::Stream(body),
        false => RequestBody::None,
    };
    let answer = tokio::time::timeout(ANSWER_WITHIN, client::exchange(request, body))
        .await
        .map_err(|_| Unreachable)?
        .map_err(|err| {
            tracing::debug!(error = %err, "preview target did not answer");
            Unreachable
        })?;
    let (head, answer) = answer.into_parts();
    let status = StatusCode::from_u16(head.status.as_u16()).map_err(|_| Unreachable)?;
    let mut headers = HeaderMap::new();
    for (name, value) in &head.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(name, value);
        }
    }
    let length = content_length(&headers).filter(|_| has_body_status(status));
    let mut response = HttpResponse::build(status);
    for (name, value) in &headers {
        if passes(name, &headers)
            && *name != header::CONTENT_LENGTH
            && !(outbound.sandboxed && sets_browser_state(name))
        {
            response.append_header((name.clone(), value.clone()));
        }
    }
    if outbound.sandboxed {
        response.insert_header(sandbox_policy());
    }
    Ok(match length {
        // A HEAD's answer has no body, but says how long the GET's would be.
        Some(length) if length <= GATHERED_UP_TO && method != Method::HEAD => {
            match client::gather(answer, GATHER_PATIENCE).await {
                Gathered::Whole(body) => response.body(body),
                Gathered::Coming(rest) => response.body(SizedStream::new(length, Box::pin(rest))),
            }
        }
        Some(length) => {
            let answer = client::body_stream(answer);
            response.body(SizedStream::new(length, Box::pin(answer)))
        }
        None => response.streaming(client::body_stream(answer)),
    })
}

/// Headers that change what the browser keeps for the whole host: a path-form app shares
/// its host with the API and every other preview, so it may not set them.
pub fn sets_browser_state(name: &HeaderName) -> bool {
    *name == header::SET_COOKIE || name.as_str() == "clear-site-data"
}

pub fn sandbox_policy() -> (HeaderName, HeaderValue) {
    (
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads",
        ),
    )
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

fn has_body_status(status: StatusCode) -> bool {
    !(status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED)
}

/// Whether a header goes on to the next hop: not the hop-by-hop ones (RFC 9110 §7.6.1),
/// nor any the message's `Connection` header names as such.
pub fn passes(name: &HeaderName, headers: &HeaderMap) -> bool {
    let hop_by_hop = matches!(
        *name,
        header::CONNECTION
            | header::TE
            | header::TRAILER
            | header::TRANSFER_ENCODING
            | header::UPGRADE
            | header::PROXY_AUTHENTICATE
            | header::PROXY_AUTHORIZATION
    ) || name.as_str() == "keep-alive"
        || name.as_str() == "proxy-connection";
    let named = headers.get_all(header::CONNECTION).any(|value| {
        value.to_str().is_ok_and(|value| {
            value
                .split(',')
                .any(|token| token.trim().eq_ignore_ascii_case(name.as_str()))
        })
    });
    !hop_by_hop && !named
}
