//! The SFTP server runs over an in-memory pipe, not the channel itself: the channel must
//! outlive it, to end as a finished subsystem (exit status 0, which `scp` checks) once the
//! client is done.

use bytes::Bytes;
use russh::server::Msg;
use russh::{Channel, ChannelMsg};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio_util::sync::CancellationToken;

/// Bytes in flight between the channel and the SFTP server: a few packets of 32 KB.
pub(super) const PIPE_BYTES: usize = 256 * 1024;

/// Moves packets between the channel and the SFTP server until the client is done, then
/// ends the channel as a finished subsystem: `scp` checks for exit status 0.
pub(super) async fn relay(channel: Channel<Msg>, server: DuplexStream, ended: CancellationToken) {
    let (mut reader, writer) = channel.split();
    let (mut from_server, mut to_server) = tokio::io::split(server);
    let incoming = async move {
        while let Some(message) = reader.wait().await {
            match message {
                ChannelMsg::Data { data } => {
                    let passed = to_server.write_all(&data).await;
                    if passed.is_err() {
                        break;
                    }
                }
                ChannelMsg::Eof | ChannelMsg::Close => break,
                _ => {}
            }
        }
        // The server answers what it already has, then sees the end and stops.
        let _ = to_server.shutdown().await;
    };
    let outgoing = async {
        let mut buffer = vec![0u8; PIPE_BYTES];
        loop {
            match from_server.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(read) => {
                    let packet = Bytes::copy_from_slice(&buffer[..read]);
                    if writer.data_bytes(packet).await.is_err() {
                        break;
                    }
                }
            }
        }
    };
    // A connection that ends mid-transfer (its window full, say) drops the pipe, which ends
    // the SFTP server and what it held open.
    tokio::select! {
        _ = async { tokio::join!(incoming, outgoing) } => {}
        _ = ended.cancelled() => return,
    }
    crate::ssh::replies::finish(&writer, 0).await;
}
