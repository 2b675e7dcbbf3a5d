//! The app's answer passed on to the browser, its body as the app framed it.

use bytes::{BufMut, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::framing::{malformed, ChunkScanner, Framing};
use super::relay;
use crate::api::previews::forward::{GATHERED_UP_TO, GATHER_PATIENCE};

/// Passes the answer on; whether the app's connection ended cleanly with it.
pub async fn deliver(
    client: &mut TcpStream,
    app: &mut TcpStream,
    framing: Framing,
    head: BytesMut,
    mut rest: BytesMut,
) -> std::io::Result<bool> {
    let mut out = head;
    match framing {
        Framing::Empty => {
            client.write_all(&out).await?;
            Ok(rest.is_empty())
        }
        Framing::Length(length) => {
            let extra = rest.len() as u64 > length;
            rest.truncate(length as usize);
            if length <= GATHERED_UP_TO {
                gather(app, &mut rest, length).await?;
                let surplus = rest.len() as u64 > length;
                rest.truncate(length as usize);
                out.put_slice(&rest);
                client.write_all(&out).await?;
                let left = length - rest.len() as u64;
                if left > 0 {
                    relay::copy_exact(app, client, left).await?;
                }
                return Ok(!extra && !surplus);
            }
            out.put_slice(&rest);
            client.write_all(&out).await?;
            relay::exact(app, client, length - rest.len() as u64).await?;
            Ok(!extra)
        }
        Framing::Chunked => {
            let mut scanner = ChunkScanner::default();
            let taken = scanner.scan(&rest).map_err(|_| malformed())?;
            let mut clean = taken == rest.len();
            out.put_slice(&rest[..taken]);
            client.write_all(&out).await?;
            let mut buffer = BytesMut::with_capacity(64 * 1024);
            while !scanner.done() {
                buffer.clear();
                if app.read_buf(&mut buffer).await? == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                let taken = scanner.scan(&buffer).map_err(|_| malformed())?;
                clean &= taken == buffer.len();
                client.write_all(&buffer[..taken]).await?;
            }
            Ok(clean)
        }
        Framing::UntilClose => {
            out.put_slice(&rest);
            client.write_all(&out).await?;
            relay::to_end(app, client).await?;
            Ok(false)
        }
    }
}

/// Reads until `body` holds `length` bytes or the patience runs out.
async fn gather(app: &mut TcpStream, body: &mut BytesMut, length: u64) -> std::io::Result<()> {
    let deadline = tokio::time::Instant::now() + GATHER_PATIENCE;
    while (body.len() as u64) < length {
        body.reserve(length as usize - body.len());
        match tokio::time::timeout_at(deadline, app.read_buf(body)).await {
            Ok(Ok(0)) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(result) => result.map(drop)?,
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}
