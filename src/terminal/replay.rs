//! The last output of a shell, kept so a client that reconnects sees where it left off.

use std::collections::VecDeque;

/// Output kept per shell for a resumed connection to replay.
pub const REPLAY_BYTES: usize = 64 * 1024;

/// A byte ring that keeps the newest `capacity` bytes. It grows as output arrives, so an idle
/// shell that printed one prompt holds a few bytes, not the whole capacity.
#[derive(Debug)]
pub struct ReplayBuffer {
    bytes: VecDeque<u8>,
    capacity: usize,
}

impl ReplayBuffer {
    pub fn new(capacity: usize) -> Self {
        Self {
            bytes: VecDeque::new(),
            capacity,
        }
    }

    pub fn push(&mut self, chunk: &[u8]) {
        let chunk = &chunk[chunk.len().saturating_sub(self.capacity)..];
        let overflow = (self.bytes.len() + chunk.len()).saturating_sub(self.capacity);
        self.bytes.drain(..overflow);
        self.bytes.extend(chunk);
    }

    /// The kept output, starting at a character boundary: a cut through a multi-byte UTF-8
    /// character would otherwise show as garbage at the top of the screen.
    pub fn snapshot(&self) -> Vec<u8> {
        let skip = self
            .bytes
            .iter()
            .take(3)
            .take_while(|byte| (**byte & 0b1100_0000) == 0b1000_0000)
            .count();
        self.bytes.iter().skip(skip).copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_newest_bytes() {
        let mut buffer = ReplayBuffer::new(8);
        buffer.push(b"hello ");
        buffer.push(b"world");
        assert_eq!(buffer.snapshot(), b"lo world");
    }

    #[test]
    fn a_chunk_larger_than_the_buffer_keeps_its_tail() {
        let mut buffer = ReplayBuffer::new(4);
        buffer.push(b"abcdefgh");
        assert_eq!(buffer.snapshot(), b"efgh");
    }

    #[test]
    fn the_snapshot_never_starts_inside_a_character() {
        let mut buffer = ReplayBuffer::new(4);
        buffer.push("aé€".as_bytes()); // 1 + 2 + 3 bytes: the cut lands inside é
        assert_eq!(buffer.snapshot(), "€".as_bytes());
    }
}
