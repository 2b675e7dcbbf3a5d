//! Connections to environments' apps, kept alive between requests. Each server thread keeps
//! its own (a connection is registered with the thread that opened it), newest first, and
//! lets go of those unused for a while. Nothing caps how many are open: a cap shared by every
//! tenant's previews would let one tenant's long streams hold everyone else's back.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

/// An app that takes longer to accept is as good as down.
const CONNECT_WITHIN: Duration = Duration::from_secs(10);
/// Dev servers close idle connections after 5–60 s; a connection kept longer is likely
/// closed at the other end already.
const IDLE_FOR: Duration = Duration::from_secs(30);
/// Idle connections kept per app and thread.
const KEPT_PER_APP: usize = 32;

thread_local! {
    static IDLE: RefCell<Idle> = RefCell::new(Idle::default());
}

#[derive(Default)]
struct Idle {
    by_app: HashMap<SocketAddr, Vec<(TcpStream, Instant)>>,
    /// When connections to apps no longer asked for were last let go.
    swept: Option<Instant>,
}

/// A connection to `target`, and whether it served a request before (and so may have been
/// closed by the app just now).
pub async fn connect(target: SocketAddr) -> io::Result<(TcpStream, bool)> {
    if let Some(kept) = take(target) {
        return Ok((kept, true));
    }
    let stream = tokio::time::timeout(CONNECT_WITHIN, TcpStream::connect(target))
        .await
        .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
    stream.set_nodelay(true)?;
    Ok((stream, false))
}

/// Keeps a connection whose last answer was read whole, for the next request to `target`.
pub fn give_back(target: SocketAddr, stream: TcpStream) {
    IDLE.with(|idle| {
        let mut idle = idle.borrow_mut();
        let now = Instant::now();
        // Not on every answer: the sweep walks every app this thread has kept connections to.
        if idle
            .swept
            .is_none_or(|swept| now.duration_since(swept) >= IDLE_FOR)
        {
            idle.by_app.retain(|_, kept| {
                kept.retain(|(_, since)| now.duration_since(*since) < IDLE_FOR);
                !kept.is_empty()
            });
            idle.swept = Some(now);
        }
        let kept = idle.by_app.entry(target).or_default();
        if kept.len() < KEPT_PER_APP {
            kept.push((stream, now));
        }
    });
}

fn take(target: SocketAddr) -> Option<TcpStream> {
    IDLE.with(|idle| {
        let mut idle = idle.borrow_mut();
        let kept = idle.by_app.get_mut(&target)?;
        while let Some((stream, since)) = kept.pop() {
            if since.elapsed() < IDLE_FOR && still_open(&stream) {
                return Some(stream);
            }
        }
        None
    })
}

/// An idle connection has nothing to read: an end of stream or stray bytes mean the app
/// closed it or broke the protocol.
fn still_open(stream: &TcpStream) -> bool {
    let mut probe = [0u8; 1];
    matches!(stream.try_read(&mut probe), Err(err) if err.kind() == io::ErrorKind::WouldBlock)
}
