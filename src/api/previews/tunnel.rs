//! WebSocket (and any other) upgrades through a preview: the request head goes to the app
//! as written, and once it agrees to switch protocols the two connections are joined byte
//! for byte, in both directions, until either side closes.

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpResponse};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::io::ReaderStream;

use super::forward::{sandbox_policy, sets_browser_state, Outbound, Unreachable, ANSWER_WITHIN};

/// An answer head longer than this is not an answer to pass on.
const MAX_HEAD: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;

pub async fn open(
    method: Method,
    upgrade: HeaderValue,
    outbound: Outbound,
    mut body: web::Payload,
) -> Result<HttpResponse, Unreachable> {
    // An app that takes the connection and never answers is as good as none.
    let (app, head, rest) = tokio::time::timeout(ANSWER_WITHIN, async {
        let mut app = TcpStream::connect(outbound.target).await.ok()?;
        let head = request_head(&method, &upgrade, &outbound);
        app.write_all(&head).await.ok()?;
        let (head, rest) = read_head(&mut app).await?;
        Some((app, head, rest))
    })
    .await
    .ok()
    .flatten()
    .ok_or(Unreachable)?;
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Response::new(&mut headers);
    parsed.parse(&head).map_err(|_| Unreachable)?;
    let status = parsed
        .code
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or(Unreachable)?;
    let mut response = HttpResponse::build(status);
    for header in parsed.headers.iter() {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(header.name.as_bytes()),
            HeaderValue::from_bytes(header.value),
        ) else {
            continue;
        };
        let kept_back = matches!(
            name,
            header::CONNECTION | header::UPGRADE | header::TRANSFER_ENCODING
        ) || (outbound.sandboxed && sets_browser_state(&name));
        if !kept_back {
            response.append_header((name, value));
        }
    }
    if outbound.sandboxed {
        response.insert_header(sandbox_policy());
    }
    let (from_app, mut to_app) = app.into_split();
    if status == StatusCode::SWITCHING_PROTOCOLS {
        response.upgrade(upgrade);
        // The client's bytes after its request head arrive as the request's payload.
        actix_web::rt::spawn(async move {
            while let Some(Ok(chunk)) = body.next().await {
                if to_app.write_all(&chunk).await.is_err() {
                    break;
                }
            }
            let _ = to_app.shutdown().await;
        });
    } else {
        // A refusal is answered as given; the app closes the connection when it is done.
        response.insert_header((header::CONNECTION, "close"));
    }
    let leftover = futures_util::stream::iter((!rest.is_empty()).then(|| Ok(rest)));
    let from_app = ReaderStream::new(from_app);
    Ok(response.streaming(leftover.chain(from_app)))
}

fn request_head(method: &Method, upgrade: &HeaderValue, outbound: &Outbound) -> Vec<u8> {
    let mut head = format!("{method} {} HTTP/1.1\r\n", outbound.path_and_query).into_bytes();
    for (name, value) in &outbound.headers {
        head.extend_from_slice(name.as_str().as_bytes());
        head.extend_from_slice(b": ");
        head.extend_from_slice(value.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"Connection: Upgrade\r\nUpgrade: ");
    head.extend_from_slice(upgrade.as_bytes());
    head.extend_from_slice(b"\r\n\r\n");
    head
}

/// The answer's head, and whatever the app sent after it in the same reads.
async fn read_head(app: &mut TcpStream) -> Option<(Bytes, Bytes)> {
    let mut buffer = BytesMut::with_capacity(4096);
    loop {
        if let Some(end) = find_end(&buffer) {
            let rest = buffer.split_off(end);
            return Some((buffer.freeze(), rest.freeze()));
        }
        if buffer.len() >= MAX_HEAD || app.read_buf(&mut buffer).await.ok()? == 0 {
            return None;
        }
    }
}

fn find_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .map(|at| at + 4)
}
