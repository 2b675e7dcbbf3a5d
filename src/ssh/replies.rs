//! How a channel ends and what it reports: the exit status, stderr lines, a TTY's size.
//! Shared by every kind of channel, so they need nothing of one another.

use russh::server::Msg;
use russh::ChannelWriteHalf;

use super::progress;
use crate::terminal::{DEFAULT_SIZE, MAX_DIMENSION};

/// A command's exit status when the server, not the command, ended it (as OpenSSH does).
pub(super) const SERVER_FAILURE: u32 = 255;

/// A TTY as the client asked for it.
pub(super) struct Pty {
    pub term: String,
    pub size: (u16, u16),
}

/// Tells `message` on stderr and ends the channel as a failed command.
pub(super) async fn refuse(writer: &ChannelWriteHalf<Msg>, message: &str) {
    let _ = writer.extended_data_bytes(1, progress::line(message)).await;
    finish(writer, SERVER_FAILURE).await;
}

/// The exit status, then end of data and close, as OpenSSH's server sends them.
pub(super) async fn finish(writer: &ChannelWriteHalf<Msg>, status: u32) {
    let _ = writer.exit_status(status).await;
    let _ = writer.eof().await;
    let _ = writer.close().await;
}

/// A TTY size as the terminal service takes it: zero (unknown) means the default.
pub(super) fn size(cols: u32, rows: u32) -> (u16, u16) {
    let fit = |value: u32, default: u16| match value {
        0 => default,
        value => value.min(u32::from(MAX_DIMENSION)) as u16,
    };
    (fit(cols, DEFAULT_SIZE.0), fit(rows, DEFAULT_SIZE.1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_bounded_and_zero_means_the_default() {
        assert_eq!(size(0, 0), DEFAULT_SIZE);
        assert_eq!(size(120, 40), (120, 40));
        assert_eq!(size(100_000, 5), (MAX_DIMENSION, 5));
    }
}
