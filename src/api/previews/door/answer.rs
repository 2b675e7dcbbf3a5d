//! The app's answer head: parsed for its framing, and rewritten for the browser without the
//! headers that only concern the hop between the proxy and the app.

use bytes::{BufMut, BytesMut};

use super::framing::Framing;
use super::request::{tokens_of, MAX_HEAD};

const MAX_HEADERS: usize = 100;

pub struct Answer {
    pub status: u16,
    /// The head as the browser is sent it.
    pub head: BytesMut,
    pub framing: Framing,
    /// The app may be sent another request on this connection afterwards.
    pub app_keeps_alive: bool,
    /// The browser's connection ends with this answer.
    pub closes: bool,
}

/// What the app's head came to.
pub enum AppHead {
    Answer(Answer, usize),
    /// An interim answer (`100 Continue`, `103 Early Hints`) of this length: skipped.
    Interim(usize),
    Incomplete,
    Malformed,
}

/// Parses the app's answer to a request (a `HEAD` when `head_request`), for a browser that
/// keeps its connection (`keep_alive`) and may be switching protocols (`upgrading`).
pub fn parse(bytes: &[u8], head_request: bool, keep_alive: bool, upgrading: bool) -> AppHead {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Response::new(&mut headers);
    let length = match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) if bytes.len() < MAX_HEAD => return AppHead::Incomplete,
        _ => return AppHead::Malformed,
    };
    let status = parsed.code.unwrap_or_default();
    let switching = status == 101 && upgrading;
    if (100..200).contains(&status) && !switching {
        return AppHead::Interim(length);
    }
    let values = |name: &'static str| {
        parsed
            .headers
            .iter()
            .filter(move |found| found.name.eq_ignore_ascii_case(name))
            .map(|found| found.value)
    };
    let Some(framing) = framing(
        values("transfer-encoding"),
        values("content-length"),
        status,
        head_request,
    ) else {
        return AppHead::Malformed;
    };
    let connection = tokens_of(values("connection"));
    let app_keeps_alive = parsed.version == Some(1)
        && !connection.iter().any(|token| token == "close")
        && framing != Framing::UntilClose;
    let closes = !keep_alive || framing == Framing::UntilClose || switching;
    let mut head = BytesMut::with_capacity(length + 64);
    head.put_slice(format!("HTTP/1.1 {status} ").as_bytes());
    head.put_slice(parsed.reason.unwrap_or_default().as_bytes());
    head.put_slice(b"\r\n");
    // In the app's order, as it wrote them.
    for found in parsed.headers.iter() {
        if passes(&found.name.to_ascii_lowercase(), &connection, switching) {
            head.put_slice(found.name.as_bytes());
            head.put_slice(b": ");
            head.put_slice(found.value);
            head.put_slice(b"\r\n");
        }
    }
    if switching {
        head.put_slice(b"connection: upgrade\r\n");
    } else if closes {
        head.put_slice(b"connection: close\r\n");
    }
    head.put_slice(b"\r\n");
    let answer = Answer {
        status,
        head,
        framing,
        app_keeps_alive,
        closes,
    };
    AppHead::Answer(answer, length)
}

/// The answer's framing (RFC 9112 §6.3); `None` for a length no one could trust.
fn framing<'a>(
    codings: impl Iterator<Item = &'a [u8]>,
    mut lengths: impl Iterator<Item = &'a [u8]>,
    status: u16,
    head_request: bool,
) -> Option<Framing> {
    if head_request || status == 204 || status == 304 || status == 101 {
        return Some(Framing::Empty);
    }
    let codings = tokens_of(codings);
    if !codings.is_empty() {
        return Some(match codings.last().map(String::as_str) {
            Some("chunked") => Framing::Chunked,
            _ => Framing::UntilClose,
        });
    }
    let Some(first) = lengths.next() else {
        return Some(Framing::UntilClose);
    };
    if lengths.any(|other| other != first) {
        return None;
    }
    let length: u64 = std::str::from_utf8(first).ok()?.trim().parse().ok()?;
    Some(match length {
        0 => Framing::Empty,
        length => Framing::Length(length),
    })
}

/// Whether a header goes on to the browser: not those about the hop to the app (RFC 9110
/// §7.6.1), nor any its `Connection` header names. The framing headers stay: the body is
/// passed on as the app framed it.
fn passes(name: &str, connection: &[String], switching: bool) -> bool {
    let hop = matches!(
        name,
        "connection" | "te" | "proxy-authenticate" | "keep-alive" | "proxy-connection"
    );
    // A switch's `Upgrade` is what the browser waits for, though `Connection` names it.
    if name == "upgrade" {
        return switching;
    }
    !hop && !connection.iter().any(|token| token == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(text: &str, head_request: bool, keep_alive: bool) -> Answer {
        match parse(text.as_bytes(), head_request, keep_alive, false) {
            AppHead::Answer(answer, _) => answer,
            _ => panic!("not an answer: {text}"),
        }
    }

    #[test]
    fn the_browser_gets_the_apps_head_without_its_hop_headers() {
        let found = answer(
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close, x-hop\r\n\
             X-Hop: 1\r\nKeep-Alive: timeout=5\r\nSet-Cookie: a=b\r\n\r\nabc",
            false,
            true,
        );
        let head = String::from_utf8(found.head.to_vec()).unwrap();
        assert_eq!(
            head,
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nSet-Cookie: a=b\r\n\r\n"
        );
        assert_eq!(found.framing, Framing::Length(3));
        assert!(!found.app_keeps_alive && !found.closes);
    }

    #[test]
    fn framing_follows_the_status_the_method_and_the_headers() {
        let of = |text: &str, head_request| answer(text, head_request, true).framing;
        assert_eq!(
            of("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", true),
            Framing::Empty
        );
        assert_eq!(
            of(
                "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n",
                false
            ),
            Framing::Empty
        );
        assert_eq!(
            of(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                false
            ),
            Framing::Chunked
        );
        let until_close = answer("HTTP/1.1 200 OK\r\n\r\n", false, true);
        assert_eq!(until_close.framing, Framing::UntilClose);
        assert!(until_close.closes);
        let bad = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n";
        assert!(matches!(
            parse(bad.as_bytes(), false, true, false),
            AppHead::Malformed
        ));
        let early = "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n";
        assert!(matches!(
            parse(early.as_bytes(), false, true, false),
            AppHead::Interim(_)
        ));
    }
}
