//! Moving a body's bytes from one connection to the other. A large one goes through a pipe
//! with `splice(2)`: the kernel hands the pages on, and they never pass through this process
//! (a 100 MB download through the preview was a third slower copied through buffers).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use tokio::io::{AsyncReadExt, AsyncWriteExt, Interest};
use tokio::net::TcpStream;

/// Bodies up to this long are copied; longer ones spliced.
pub const SPLICED_FROM: u64 = 64 * 1024;
/// What a pipe is asked to hold: fewer round trips through it per megabyte.
const PIPE_BYTES: libc::c_int = 1024 * 1024;

/// Moves exactly `length` bytes; an early end is an error.
pub async fn exact(from: &TcpStream, to: &TcpStream, length: u64) -> io::Result<()> {
    let moved = through_pipe(from, to, Some(length)).await?;
    match moved == length {
        true => Ok(()),
        false => Err(io::ErrorKind::UnexpectedEof.into()),
    }
}

/// Moves everything until `from` ends.
pub async fn to_end(from: &TcpStream, to: &TcpStream) -> io::Result<u64> {
    through_pipe(from, to, None).await
}

/// Copies through a buffer: for short bodies, where a pipe's system calls cost more.
pub async fn copy_exact(from: &mut TcpStream, to: &mut TcpStream, length: u64) -> io::Result<()> {
    let mut buffer = vec![0u8; length.min(SPLICED_FROM) as usize];
    let mut left = length;
    while left > 0 {
        let want = left.min(buffer.len() as u64) as usize;
        let read = from.read(&mut buffer[..want]).await?;
        if read == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        to.write_all(&buffer[..read]).await?;
        left -= read as u64;
    }
    Ok(())
}

async fn through_pipe(from: &TcpStream, to: &TcpStream, limit: Option<u64>) -> io::Result<u64> {
    let (pipe_out, pipe_in) = pipe()?;
    let mut moved = 0u64;
    loop {
        let want = match limit {
            Some(limit) if moved >= limit => return Ok(moved),
            Some(limit) => (limit - moved).min(PIPE_BYTES as u64) as usize,
            None => PIPE_BYTES as usize,
        };
        // The pipe is empty here, so splice can only find the socket with nothing to read.
        let filled = from
            .async_io(Interest::READABLE, || {
                splice(from.as_raw_fd(), pipe_in.as_raw_fd(), want)
            })
            .await?;
        if filled == 0 {
            return Ok(moved);
        }
        let mut in_pipe = filled;
        while in_pipe > 0 {
            let sent = to
                .async_io(Interest::WRITABLE, || {
                    splice(pipe_out.as_raw_fd(), to.as_raw_fd(), in_pipe)
                })
                .await?;
            if sent == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            in_pipe -= sent;
        }
        moved += filled as u64;
    }
}

fn splice(from: RawFd, to: RawFd, length: usize) -> io::Result<usize> {
    let flags = libc::SPLICE_F_MOVE | libc::SPLICE_F_NONBLOCK;
    // SAFETY: both descriptors are open for the duration of the call; no offsets are given.
    let moved = unsafe {
        libc::splice(
            from,
            std::ptr::null_mut(),
            to,
            std::ptr::null_mut(),
            length,
            flags,
        )
    };
    match moved {
        -1 => Err(io::Error::last_os_error()),
        moved => Ok(moved as usize),
    }
}

/// A pipe's read and write ends, closed when dropped.
fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut ends = [0 as libc::c_int; 2];
    // SAFETY: `ends` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } == -1 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both are open descriptors that nothing else owns.
    let (out, into) = unsafe { (OwnedFd::from_raw_fd(ends[0]), OwnedFd::from_raw_fd(ends[1])) };
    // A smaller pipe than asked for only means more rounds.
    // SAFETY: a plain fcntl on a descriptor we own.
    unsafe { libc::fcntl(into.as_raw_fd(), libc::F_SETPIPE_SZ, PIPE_BYTES) };
    Ok((out, into))
}
