//! The one HTTP client previews reach environments with. Its reads grow with what the app
//! sends (a client reading 8 KiB at a time made a large download cost a hop per 8 KiB), its
//! pool keeps connections to environments alive across requests, and nothing caps how many
//! are open: a cap shared by every tenant's previews would let one
//! tenant's long streams hold everyone else's requests back. Redirects are the browser's.

use std::io;
use std::time::Duration;

use actix_web::web;
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, StreamBody};
use hyper::body::{Body as _, Frame, Incoming};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// Chunks of a request body in flight between the browser's connection and the app's.
const IN_FLIGHT: usize = 8;

type Body = BoxBody<Bytes, io::Error>;

thread_local! {
    /// One pool per server thread: a connection's task runs on the thread that opened it, so
    /// a pool shared across threads handed every request and every chunk of its answer from
    /// one thread to another (a 100 MB download through a preview ran faster once each
    /// thread kept its own).
    static CLIENT: Client<HttpConnector, Body> = {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(Duration::from_secs(10)));
        Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector)
    };
}

/// What the request carries after its head.
pub enum RequestBody {
    None,
    /// Streamed as it arrives: with a length (in the headers), or chunked.
    Stream(web::Payload),
}

/// Sends the request and waits for the answer's head; its body follows as it comes.
pub async fn exchange(
    request: hyper::Request<()>,
    body: RequestBody,
) -> Result<hyper::Response<Incoming>, hyper_util::client::legacy::Error> {
    let body = match body {
        RequestBody::None => Empty::new().map_err(|never| match never {}).boxed(),
        RequestBody::Stream(payload) => relay(payload),
    };
    let (parts, ()) = request.into_parts();
    let client = CLIENT.with(Client::clone);
    client
        .request(hyper::Request::from_parts(parts, body))
        .await
}

/// The browser's body handed to the client's connection through a small channel: the
/// request's payload cannot be sent across threads as it is.
fn relay(mut payload: web::Payload) -> Body {
    let (sender, receiver) = tokio::sync::mpsc::channel::<io::Result<Bytes>>(IN_FLIGHT);
    actix_web::rt::spawn(async move {
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|err| io::Error::other(err.to_string()));
            if sender.send(chunk).await.is_err() {
                break;
            }
        }
    });
    let frames = receiver_stream(receiver).map_ok(Frame::data);
    BodyExt::boxed(StreamBody::new(frames))
}

fn receiver_stream(
    mut receiver: tokio::sync::mpsc::Receiver<io::Result<Bytes>>,
) -> impl futures_util::Stream<Item = io::Result<Bytes>> + Send + Sync + 'static {
    futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx))
}

/// The answer's body as a stream of bytes.
pub fn body_stream(
    body: Incoming,
) -> impl futures_util::Stream<Item = Result<Bytes, io::Error>> + 'static {
    body.into_data_stream().map_err(io::Error::other)
}

/// A small answer's body: whole, or, when it is slow to come, what came and the rest.
pub enum Gathered<S> {
    Whole(Bytes),
    Coming(S),
}

/// Reads a body of a known small length whole, if it all arrives within `patience`. The
/// app's head and body often arrive apart; passed on as they come, they leave in two writes
/// and wake the browser's side twice, where one would do. A body still incomplete by then
/// streams on, so a slow one is never held back longer than that.
pub async fn gather(
    mut body: Incoming,
    patience: Duration,
) -> Gathered<impl futures_util::Stream<Item = Result<Bytes, io::Error>> + 'static> {
    let deadline = tokio::time::Instant::now() + patience;
    let mut chunks: Vec<Bytes> = Vec::with_capacity(1);
    let failed = loop {
        // The length is known, so its end is too: no need to wait for the app's connection
        // to say so.
        if body.is_end_stream() {
            break None;
        }
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => chunks.extend(frame.into_data().ok()),
            Ok(Some(Err(err))) => break Some(io::Error::other(err)),
            Ok(None) => break None,
            Err(_) => {
                let came = futures_util::stream::iter(chunks.into_iter().map(Ok));
                return Gathered::Coming(came.chain(body_stream(body)).left_stream());
            }
        }
    };
    match failed {
        None if chunks.len() <= 1 => Gathered::Whole(chunks.pop().unwrap_or_default()),
        None => Gathered::Whole(chunks.concat().into()),
        Some(err) => {
            let came = chunks.into_iter().map(Ok).chain(std::iter::once(Err(err)));
            Gathered::Coming(futures_util::stream::iter(came).right_stream())
        }
    }
}
