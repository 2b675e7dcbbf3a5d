//! Reading a started process until it says it is done, rather than until the engine closes
//! its streams: the engine learns of a process's end through its runtime's exit event and
//! closes the streams 25–35 ms after the last byte. A process that prints
//! `\n{marker}:{exit code}\n` last on both stdout and stderr (each pipe keeps its own order,
//! not the other's) is done when both end so; the marker is not part of its output.

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::exec::append;
use super::{ExecOutput, Process, ProcessOutput, Runtime, RuntimeError};

/// What is kept of each stream's last bytes to find the marker in.
const TAIL: usize = 128;

#[derive(Default)]
struct Stream {
    bytes: Vec<u8>,
    dropped: bool,
    tail: Vec<u8>,
}

impl Stream {
    fn push(&mut self, chunk: &[u8], keep: usize) {
        let room = keep.saturating_sub(self.bytes.len());
        self.bytes
            .extend_from_slice(&chunk[..chunk.len().min(room)]);
        self.dropped |= chunk.len() > room;
        self.tail.extend_from_slice(chunk);
        let excess = self.tail.len().saturating_sub(TAIL);
        self.tail.drain(..excess);
    }

    /// The exit code the marker ending this stream carries.
    fn ended(&self, marker: &str) -> Option<i64> {
        let line = self.tail.strip_suffix(b"\n")?;
        let head = [b"\n", marker.as_bytes(), b":"].concat();
        let at = line
            .windows(head.len())
            .rposition(|window| window == head.as_slice())?;
        std::str::from_utf8(&line[at + head.len()..])
            .ok()?
            .parse()
            .ok()
    }

    /// The output without the marker, at most `cap` bytes; whether some was dropped.
    fn output(mut self, marker: &str, cap: usize) -> (String, bool) {
        if let Some(at) = self
            .bytes
            .windows(marker.len() + 2)
            .rposition(|window| window[0] == b'\n' && window[1..].starts_with(marker.as_bytes()))
        {
            self.bytes.truncate(at);
        }
        let mut kept = String::new();
        let dropped = append(&mut kept, &self.bytes, cap) || self.dropped;
        (kept, dropped)
    }
}

impl Runtime {
    /// Feeds `stdin` to a started process and reads it until both its streams end with
    /// `marker`'s line (or, if it never prints it, until they close), keeping at most
    /// `output_cap` bytes of each. What the process prints after it is left unread, drained
    /// in the background so that nothing writing there fails.
    pub async fn finish_marked(
        &self,
        mut process: Process,
        stdin: &[u8],
        marker: &str,
        output_cap: usize,
    ) -> Result<ExecOutput, RuntimeError> {
        let lost = |err: std::io::Error| RuntimeError::Unavailable(err.to_string());
        process.input.write_all(stdin).await.map_err(lost)?;
        process.input.flush().await.map_err(lost)?;
        // Room for a marker cut by the cap.
        let keep = output_cap + TAIL;
        let (mut stdout, mut stderr) = (Stream::default(), Stream::default());
        let mut code = None;
        while let Some(chunk) = process.output.next().await {
            match chunk? {
                ProcessOutput::Stdout(message) => stdout.push(&message, keep),
                ProcessOutput::Stderr(message) => stderr.push(&message, keep),
            }
            if let (Some(out), Some(err)) = (stdout.ended(marker), stderr.ended(marker)) {
                if out == err {
                    code = Some(out);
                    break;
                }
            }
        }
        let exit_code = match code {
            Some(code) => {
                let mut rest = process.output;
                tokio::spawn(async move { while rest.next().await.is_some() {} });
                code
            }
            None => self.exec_exit_code(&process.exec_id).await?.unwrap_or(-1),
        };
        let (stdout, stdout_truncated) = stdout.output(marker, output_cap);
        let (stderr, stderr_truncated) = stderr.output(marker, output_cap);
        Ok(ExecOutput {
            exit_code,
            stdout,
            stderr,
            stdout_truncated,
            stderr_truncated,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_ends_at_its_marker_which_leaves_the_output() {
        let mut stream = Stream::default();
        stream.push("ok, é".as_bytes(), 100);
        assert_eq!(stream.ended("m-1"), None);
        stream.push(b"\nm-1:", 100);
        assert_eq!(stream.ended("m-1"), None, "not the whole line yet");
        stream.push(b"3\n", 100);
        assert_eq!(stream.ended("m-1"), Some(3));
        assert_eq!(stream.ended("m-2"), None);
        assert_eq!(stream.output("m-1", 100), ("ok, é".to_string(), false));
    }

    #[test]
    fn the_cap_counts_the_output_without_its_marker() {
        let mut stream = Stream::default();
        stream.push(b"abcdef\nm:0\n", 4 + TAIL);
        assert_eq!(stream.output("m", 4), ("abcd".to_string(), true));
        let mut stream = Stream::default();
        stream.push(b"abcd\nm:0\n", 4 + TAIL);
        assert_eq!(stream.output("m", 4), ("abcd".to_string(), false));
    }
}
