//! One preview connection: request after request, each judged, sent to the app, and its
//! answer passed back as the app framed it.

use std::io::ErrorKind::ConnectionReset;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use actix_web::http::{StatusCode, Version};
use actix_web::web;
use bytes::{Buf, BufMut, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::answer::{self, Answer, AppHead};
use super::deliver::deliver;
use super::framing::{malformed, ChunkScanner, Framing};
use super::request::{self, BadRequest, Read, Request};
use super::{ours, relay, upstream};
use crate::api::previews::forward::{Outbound, ANSWER_WITHIN};
use crate::api::previews::judge::{judge, Preview, Verdict};
use crate::api::previews::{host, page};
use crate::state::AppState;

/// How long a connection may sit between requests, or take to send a request's head.
const IDLE_WITHIN: Duration = Duration::from_secs(30);

pub async fn serve(mut client: TcpStream, state: web::Data<AppState>) {
    let peer = client.peer_addr().ok();
    let _ = client.set_nodelay(true);
    let mut inbox = BytesMut::with_capacity(8 * 1024);
    loop {
        let read = tokio::select! {
            _ = state.shutdown.cancelled() => return,
            read = tokio::time::timeout(IDLE_WITHIN, request::read(&mut client, &mut inbox)) => read,
        };
        let request = match read {
            Ok(Ok(Read::Request(request))) => *request,
            Ok(Ok(Read::Bad(BadRequest(reason)))) => {
                return ours::refuse(&mut client, StatusCode::BAD_REQUEST, reason).await
            }
            _ => return,
        };
        let started = Instant::now();
        let method = request.head.method.clone();
        let Ok((status, keep_alive)) = one(&mut client, &mut inbox, request, peer, &state).await
        else {
            return;
        };
        let seconds = started.elapsed().as_secs_f64();
        state
            .metrics
            .observe_request("preview", method.as_str(), status, seconds);
        if !keep_alive {
            return;
        }
    }
}

/// Serves one request: its status, and whether the connection goes on.
async fn one(
    client: &mut TcpStream,
    inbox: &mut BytesMut,
    request: Request,
    peer: Option<SocketAddr>,
    state: &AppState,
) -> std::io::Result<(u16, bool)> {
    let Some((environment, port)) = host::preview_of(&request.head, state) else {
        let refusal = "this connection is for a preview; open others separately";
        ours::refuse(client, StatusCode::MISDIRECTED_REQUEST, refusal).await;
        return Ok((421, false));
    };
    if request.head.version != Version::HTTP_11 {
        let refusal = "HTTP/1.1 only on this connection";
        ours::refuse(client, StatusCode::HTTP_VERSION_NOT_SUPPORTED, refusal).await;
        return Ok((505, false));
    }
    let preview = Preview::by_host(&request.head, environment, port);
    match judge(state, &request.head, peer, preview).await {
        Verdict::Answer(answer) => {
            // A body is not read past: the connection ends with the answer instead.
            let keep_alive = request.keep_alive && request.framing == Framing::Empty;
            Ok((ours::write(client, answer, keep_alive).await?, keep_alive))
        }
        Verdict::Forward(outbound) => forward(client, inbox, request, outbound, port).await,
    }
}

async fn forward(
    client: &mut TcpStream,
    inbox: &mut BytesMut,
    request: Request,
    outbound: Outbound,
    port: u16,
) -> std::io::Result<(u16, bool)> {
    let head = outgoing_head(&request, &outbound);
    let bodiless = request.framing == Framing::Empty;
    let (mut app, answer, rest) = loop {
        let Ok((mut app, reused)) = upstream::connect(outbound.target).await else {
            return nothing_listening(client, port, bodiless && request.keep_alive).await;
        };
        // A kept connection the app closed meanwhile fails before any answer: a request
        // without a body is sent again on another.
        let sent = send(client, inbox, &mut app, &head, &request).await;
        if sent.is_err() && reused && bodiless {
            continue;
        }
        if sent.is_err() {
            return nothing_listening(client, port, false).await;
        }
        match tokio::time::timeout(ANSWER_WITHIN, read_answer(&mut app, &request)).await {
            Ok(Ok(Some((answer, rest)))) => break (app, answer, rest),
            // Closed with our request unread: reset rather than ended, the app saw nothing.
            Ok(Ok(None)) if reused && bodiless => continue,
            Ok(Err(error)) if reused && bodiless && error.kind() == ConnectionReset => continue,
            _ => return nothing_listening(client, port, request.keep_alive).await,
        }
    };
    let status = answer.status;
    if status == 101 && request.upgrade.is_some() {
        let mut out = answer.head;
        out.put_slice(&rest);
        client.write_all(&out).await?;
        app.write_all(&inbox.split()).await?;
        let _ = tokio::io::copy_bidirectional(client, &mut app).await;
        return Ok((status, false));
    }
    let (app_keeps_alive, closes) = (answer.app_keeps_alive, answer.closes);
    let reusable = deliver(client, &mut app, answer.framing, answer.head, rest).await?;
    // After a chunked request the app was asked to close (see judge.rs), whatever it says.
    if reusable && app_keeps_alive && !outbound.chunked {
        upstream::give_back(outbound.target, app);
    }
    Ok((status, !closes))
}

/// The request line and headers as the app is sent them.
fn outgoing_head(request: &Request, outbound: &Outbound) -> BytesMut {
    let mut head = BytesMut::with_capacity(1024);
    let line = format!(
        "{} {} HTTP/1.1\r\n",
        request.head.method, outbound.path_and_query
    );
    head.put_slice(line.as_bytes());
    for (name, value) in &outbound.headers {
        head.put_slice(name.as_str().as_bytes());
        head.put_slice(b": ");
        head.put_slice(value.as_bytes());
        head.put_slice(b"\r\n");
    }
    if request.framing == Framing::Chunked {
        head.put_slice(b"transfer-encoding: chunked\r\n");
    }
    if let Some(upgrade) = &request.upgrade {
        head.put_slice(b"connection: upgrade\r\nupgrade: ");
        head.put_slice(upgrade.as_bytes());
        head.put_slice(b"\r\n");
    }
    head.put_slice(b"\r\n");
    head
}

/// Sends the head and the request's body, as much of it as came with the head first.
async fn send(
    client: &mut TcpStream,
    inbox: &mut BytesMut,
    app: &mut TcpStream,
    head: &[u8],
    request: &Request,
) -> std::io::Result<()> {
    if request.expects_continue && request.framing != Framing::Empty {
        client.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    let mut out = BytesMut::from(head);
    match request.framing {
        Framing::Empty | Framing::UntilClose => app.write_all(&out).await,
        Framing::Length(length) => {
            let first = inbox.split_to(inbox.len().min(length as usize));
            out.put_slice(&first);
            app.write_all(&out).await?;
            match length - first.len() as u64 {
                0 => Ok(()),
                left if left > relay::SPLICED_FROM => relay::exact(client, app, left).await,
                left => relay::copy_exact(client, app, left).await,
            }
        }
        Framing::Chunked => {
            let mut scanner = ChunkScanner::default();
            let taken = scanner.scan(inbox).map_err(|_| malformed())?;
            out.put_slice(&inbox.split_to(taken));
            app.write_all(&out).await?;
            while !scanner.done() {
                if client.read_buf(inbox).await? == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                let taken = scanner.scan(inbox).map_err(|_| malformed())?;
                app.write_all(&inbox.split_to(taken)).await?;
            }
            Ok(())
        }
    }
}

/// The app's answer head, skipping interim ones, and what came after it; `None` when the
/// app closed the connection without a word.
async fn read_answer(
    app: &mut TcpStream,
    request: &Request,
) -> std::io::Result<Option<(Answer, BytesMut)>> {
    let head_request = request.head.method == actix_web::http::Method::HEAD;
    let upgrading = request.upgrade.is_some();
    let mut buffer = BytesMut::with_capacity(16 * 1024);
    loop {
        if app.read_buf(&mut buffer).await? == 0 {
            return match buffer.is_empty() {
                true => Ok(None),
                false => Err(malformed()),
            };
        }
        loop {
            match answer::parse(&buffer, head_request, request.keep_alive, upgrading) {
                AppHead::Answer(answer, length) => {
                    buffer.advance(length);
                    return Ok(Some((answer, buffer)));
                }
                AppHead::Interim(length) => buffer.advance(length),
                AppHead::Incomplete => break,
                AppHead::Malformed => return Err(malformed()),
            }
        }
    }
}

async fn nothing_listening(
    client: &mut TcpStream,
    port: u16,
    keep_alive: bool,
) -> std::io::Result<(u16, bool)> {
    let status = ours::write(client, page::nothing_listening(port), keep_alive).await?;
    Ok((status, keep_alive))
}
