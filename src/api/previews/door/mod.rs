//! Connections to preview hosts, served by sandboxd itself rather than by the web framework:
//! each request is judged as every preview request is (see `judge`), its head rewritten,
//! and its body and the app's answer passed through as they are framed, large bodies with
//! `splice(2)`. A framework in between parsed every message twice, copied every byte of a
//! body twice more, and cost a quarter more CPU per request than the proxy needs.
//!
//! The server hands a connection here when its first request is HTTP/1.1 to a preview host
//! (`claims`); anything else stays with the framework, which serves previews too (the path
//! form, and the odd client that is neither).

mod answer;
mod deliver;
mod exchange;
mod framing;
mod ours;
mod relay;
mod request;
mod upstream;

use std::time::Duration;

use tokio::net::TcpStream;

use crate::previews::urls::parse_host;
use crate::state::AppState;

pub use exchange::serve;

/// How long a connection may take to show whose it is before the framework gets it.
const SNIFF_WITHIN: Duration = Duration::from_secs(5);
/// The Host header is looked for this far into the first request.
const SNIFFED: usize = 8 * 1024;

/// Whether a new connection's first request is HTTP/1.1 to a preview host. Nothing is read
/// off the connection: whoever serves it reads the request whole.
pub async fn claims(stream: &TcpStream, state: &AppState) -> bool {
    let mut seen = vec![0u8; SNIFFED];
    let deadline = tokio::time::Instant::now() + SNIFF_WITHIN;
    loop {
        let length = match tokio::time::timeout_at(deadline, stream.peek(&mut seen)).await {
            Ok(Ok(length)) if length > 0 => length,
            _ => return false,
        };
        match sniff(&seen[..length]) {
            Sniffed::Host(host) => {
                return parse_host(&host.to_ascii_lowercase(), state.previews.domain()).is_some()
            }
            Sniffed::NotOurs => return false,
            Sniffed::More if length == seen.len() => return false,
            // Peeking again returns at once with what is there: wait for more to come.
            Sniffed::More => tokio::time::sleep(Duration::from_millis(2)).await,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Sniffed<'a> {
    Host(&'a str),
    NotOurs,
    More,
}

/// The Host of an HTTP/1.1 request head's start, when it has one.
fn sniff(bytes: &[u8]) -> Sniffed<'_> {
    let mut lines = bytes.split(|byte| *byte == b'\n');
    let Some(first) = lines.next() else {
        return Sniffed::More;
    };
    if bytes.len() == first.len() {
        return Sniffed::More;
    }
    if !first.ends_with(b" HTTP/1.1\r") {
        return Sniffed::NotOurs;
    }
    let mut consumed = first.len() + 1;
    for line in lines {
        consumed += line.len() + 1;
        if consumed > bytes.len() {
            return Sniffed::More;
        }
        if line == b"\r" || line.is_empty() {
            return Sniffed::NotOurs;
        }
        let Some((name, value)) = std::str::from_utf8(line)
            .ok()
            .and_then(|l| l.split_once(':'))
        else {
            return Sniffed::NotOurs;
        };
        if name.eq_ignore_ascii_case("host") {
            return Sniffed::Host(value.trim());
        }
    }
    Sniffed::More
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_is_found_in_the_first_request_of_http_1_1_only() {
        let head = b"GET / HTTP/1.1\r\nAccept: */*\r\nhOsT: 8000-x.preview.localhost:8080\r\n\r\n";
        assert_eq!(sniff(head), Sniffed::Host("8000-x.preview.localhost:8080"));
        assert_eq!(sniff(&head[..40]), Sniffed::More);
        assert_eq!(sniff(b"GET / HT"), Sniffed::More);
        assert_eq!(
            sniff(b"GET / HTTP/1.0\r\nHost: a\r\n\r\n"),
            Sniffed::NotOurs
        );
        assert_eq!(
            sniff(b"GET / HTTP/1.1\r\nAccept: a\r\n\r\nHost: b\r\n"),
            Sniffed::NotOurs
        );
        assert_eq!(sniff(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Sniffed::NotOurs);
    }
}
