//! A closed-loop HTTP/1.1 load generator: `connections` keep-alive connections, each sending
//! its next request as soon as the previous answer is read in full. The same code drives
//! sandboxd over TCP and the Docker engine over its unix socket, so neither side gets a
//! faster client.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{anyhow, ensure, Context};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1;
use hyper::header::{AUTHORIZATION, HOST};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpStream, UnixStream};

#[derive(Clone)]
pub enum Endpoint {
    Tcp {
        port: u16,
    },
    Unix {
        path: PathBuf,
    },
    /// Any address, such as an environment's on its network.
    Addr {
        addr: SocketAddr,
    },
}

#[derive(Clone)]
pub struct Target {
    pub endpoint: Endpoint,
    pub path: String,
    pub bearer: Option<String>,
    /// Sent with every request; a Host among them replaces the default `localhost`.
    pub headers: Vec<(String, String)>,
}

/// What one timed run saw.
pub struct Run {
    pub requests: usize,
    pub elapsed: Duration,
    /// Every request's latency, sorted.
    pub latencies: Vec<Duration>,
    /// The last answer's body, to check what was listed.
    pub last_body: Bytes,
}

impl Run {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// Loads `target` with `connections` connections for `duration`; every answer must be a 200.
pub async fn run(target: &Target, connections: usize, duration: Duration) -> anyhow::Result<Run> {
    let started = Instant::now();
    let deadline = started + duration;
    let workers: Vec<_> = (0..connections)
        .map(|_| tokio::spawn(connection(target.clone(), deadline)))
        .collect();
    let mut latencies = Vec::new();
    let mut last_body = Bytes::new();
    for worker in workers {
        let (samples, body) = worker.await??;
        latencies.extend(samples);
        last_body = body;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Ok(Run {
        requests: latencies.len(),
        elapsed,
        latencies,
        last_body,
    })
}

/// One connection's latencies, and its last answer.
async fn connection(target: Target, deadline: Instant) -> anyhow::Result<(Vec<Duration>, Bytes)> {
    let mut sender = open(&target.endpoint).await?;
    let mut latencies = Vec::new();
    let mut last = Bytes::new();
    while Instant::now() < deadline {
        let request = request(&target)?;
        let started = Instant::now();
        sender
            .ready()
            .await
            .context("the server closed the keep-alive connection between requests")?;
        let response = sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        latencies.push(started.elapsed());
        ensure!(
            status.is_success(),
            "{} answered {status}: {}",
            target.path,
            String::from_utf8_lossy(&body)
        );
        last = body;
    }
    Ok((latencies, last))
}

/// A keep-alive connection to `endpoint`, ready for requests.
pub async fn open(endpoint: &Endpoint) -> anyhow::Result<http1::SendRequest<Empty<Bytes>>> {
    match endpoint {
        Endpoint::Tcp { port } => tcp(SocketAddr::from(([127, 0, 0, 1], *port))).await,
        Endpoint::Addr { addr } => tcp(*addr).await,
        Endpoint::Unix { path } => handshake(UnixStream::connect(path).await?).await,
    }
}

async fn tcp(addr: SocketAddr) -> anyhow::Result<http1::SendRequest<Empty<Bytes>>> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    handshake(stream).await
}

/// A GET of the target's path, with its headers.
pub fn request(target: &Target) -> anyhow::Result<Request<Empty<Bytes>>> {
    let host = target
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("host"))
        .map_or("localhost", |(_, value)| value.as_str());
    let mut request = Request::get(target.path.as_str()).header(HOST, host);
    if let Some(token) = &target.bearer {
        request = request.header(AUTHORIZATION, format!("Bearer {token}"));
    }
    for (name, value) in &target.headers {
        if !name.eq_ignore_ascii_case("host") {
            request = request.header(name.as_str(), value.as_str());
        }
    }
    Ok(request.body(Empty::<Bytes>::new())?)
}

async fn handshake<S>(stream: S) -> anyhow::Result<http1::SendRequest<Empty<Bytes>>>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin + 'static,
{
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|err| anyhow!("HTTP handshake: {err}"))?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(sender)
}
