//! A request's head as a browser sends it to a preview host: parsed, checked for framing a
//! proxy could be fooled by, and turned into the head the previews' checks read.

use std::str::FromStr;

use actix_web::dev::RequestHead;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, Uri, Version};
use bytes::BytesMut;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

use super::framing::Framing;

/// A head longer than this is refused: it is no browser's.
pub const MAX_HEAD: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;

pub struct Request {
    pub head: RequestHead,
    pub framing: Framing,
    pub keep_alive: bool,
    /// The protocol asked for with `Connection: upgrade` (a WebSocket's).
    pub upgrade: Option<HeaderValue>,
    pub expects_continue: bool,
}

/// Why a request cannot be served; it is answered 400 and the connection closed.
#[derive(Debug, PartialEq, Eq)]
pub struct BadRequest(pub &'static str);

pub enum Read {
    Request(Box<Request>),
    /// The browser closed the connection between requests.
    Closed,
    Bad(BadRequest),
}

/// Reads the next request's head; what follows it stays in `inbox`.
pub async fn read(client: &mut TcpStream, inbox: &mut BytesMut) -> std::io::Result<Read> {
    loop {
        if !inbox.is_empty() {
            match parse(inbox) {
                Ok(Some((request, length))) => {
                    let _ = inbox.split_to(length);
                    return Ok(Read::Request(Box::new(request)));
                }
                Ok(None) if inbox.len() >= MAX_HEAD => {
                    return Ok(Read::Bad(BadRequest("request head too long")))
                }
                Ok(None) => {}
                Err(bad) => return Ok(Read::Bad(bad)),
            }
        }
        inbox.reserve(4096);
        if client.read_buf(inbox).await? == 0 {
            return Ok(match inbox.is_empty() {
                true => Read::Closed,
                false => Read::Bad(BadRequest("request head cut short")),
            });
        }
    }
}

/// A complete head and its length, or `None` while more of it is to come.
pub fn parse(bytes: &[u8]) -> Result<Option<(Request, usize)>, BadRequest> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    let length = match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(_) => return Err(BadRequest("malformed request head")),
    };
    let method = Method::from_bytes(parsed.method.unwrap_or_default().as_bytes())
        .map_err(|_| BadRequest("malformed method"))?;
    let target = parsed.path.unwrap_or_default();
    // Only the origin form: an absolute target could name a host other than the Host header.
    if !target.starts_with('/') {
        return Err(BadRequest("the request target must be a path"));
    }
    let uri = Uri::from_str(target).map_err(|_| BadRequest("malformed request target"))?;
    let version = match parsed.version {
        Some(1) => Version::HTTP_11,
        _ => Version::HTTP_10,
    };
    let mut map = HeaderMap::with_capacity(parsed.headers.len());
    for found in parsed.headers.iter() {
        let name = HeaderName::from_bytes(found.name.as_bytes())
            .map_err(|_| BadRequest("malformed header name"))?;
        let value =
            HeaderValue::from_bytes(found.value).map_err(|_| BadRequest("malformed header"))?;
        map.append(name, value);
    }
    let framing = framing(&map)?;
    let connection = tokens(&map, header::CONNECTION);
    let keep_alive = version == Version::HTTP_11 && !connection.iter().any(|t| t == "close");
    let upgrade = map
        .get(header::UPGRADE)
        .filter(|_| connection.iter().any(|token| token == "upgrade"))
        .cloned();
    let expects_continue = tokens(&map, header::EXPECT)
        .iter()
        .any(|token| token == "100-continue");
    let mut head = RequestHead::default();
    head.method = method;
    head.uri = uri;
    head.version = version;
    head.headers = map;
    let request = Request {
        head,
        framing,
        keep_alive,
        upgrade,
        expects_continue,
    };
    Ok(Some((request, length)))
}

/// A request's body framing. Both a length and a coding, or lengths that disagree, are how
/// requests are smuggled past proxies: refused.
fn framing(headers: &HeaderMap) -> Result<Framing, BadRequest> {
    let codings = tokens(headers, header::TRANSFER_ENCODING);
    let lengths: Vec<&[u8]> = headers
        .get_all(header::CONTENT_LENGTH)
        .map(HeaderValue::as_bytes)
        .collect();
    match (codings.is_empty(), lengths.as_slice()) {
        (true, []) => Ok(Framing::Empty),
        (true, [first, rest @ ..]) => {
            if rest.iter().any(|other| other != first) {
                return Err(BadRequest("conflicting Content-Length"));
            }
            let length = std::str::from_utf8(first)
                .ok()
                .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|digits| digits.parse::<u64>().ok())
                .ok_or(BadRequest("malformed Content-Length"))?;
            Ok(match length {
                0 => Framing::Empty,
                length => Framing::Length(length),
            })
        }
        (false, []) if codings == ["chunked"] => Ok(Framing::Chunked),
        (false, []) => Err(BadRequest("unsupported Transfer-Encoding")),
        (false, _) => Err(BadRequest("both Content-Length and Transfer-Encoding")),
    }
}

/// A list header's tokens, lowercased.
fn tokens(headers: &HeaderMap, name: HeaderName) -> Vec<String> {
    tokens_of(headers.get_all(name).map(HeaderValue::as_bytes))
}

/// The tokens of a list header's values (however many lines it came in), lowercased.
pub fn tokens_of<'a>(values: impl Iterator<Item = &'a [u8]>) -> Vec<String> {
    values
        .filter_map(|value| std::str::from_utf8(value).ok())
        .flat_map(|value| value.split(','))
        .map(|token| token.trim().to_ascii_lowercase())
        .filter(|token| !token.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framing_of(head: &str) -> Result<Framing, BadRequest> {
        let text = format!("POST / HTTP/1.1\r\nHost: x\r\n{head}\r\n");
        parse(text.as_bytes()).map(|parsed| parsed.expect("complete").0.framing)
    }

    #[test]
    fn framing_that_could_smuggle_a_request_is_refused() {
        assert_eq!(framing_of(""), Ok(Framing::Empty));
        assert_eq!(framing_of("Content-Length: 5\r\n"), Ok(Framing::Length(5)));
        assert_eq!(
            framing_of("Content-Length: 5\r\nContent-Length: 5\r\n"),
            Ok(Framing::Length(5))
        );
        assert_eq!(
            framing_of("Transfer-Encoding: Chunked\r\n"),
            Ok(Framing::Chunked)
        );
        for bad in [
            "Content-Length: 5\r\nContent-Length: 6\r\n",
            "Content-Length: +5\r\n",
            "Content-Length: 5, 5\r\n",
            "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
            "Transfer-Encoding: gzip, chunked\r\n",
            "Transfer-Encoding: chunked, identity\r\n",
        ] {
            assert!(framing_of(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_head_is_read_whole_with_what_the_connection_asks_for() {
        let text = b"GET /a?b=1 HTTP/1.1\r\nHost: 8000-x.preview.localhost\r\n\
            Connection: Upgrade\r\nUpgrade: websocket\r\nExpect: 100-continue\r\n\r\nGET";
        assert!(parse(&text[..20]).expect("valid so far").is_none());
        let (request, length) = parse(text).expect("valid").expect("complete");
        assert_eq!(length, text.len() - 3);
        assert_eq!(
            request.head.uri.path_and_query().unwrap().as_str(),
            "/a?b=1"
        );
        assert!(request.keep_alive && request.expects_continue);
        assert_eq!(request.upgrade.unwrap(), "websocket");
        let closing = parse(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
            .unwrap()
            .unwrap();
        assert!(!closing.0.keep_alive);
        assert!(parse(b"GET http://elsewhere/ HTTP/1.1\r\n\r\n").is_err());
    }
}
