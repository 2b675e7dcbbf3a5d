//! Where an HTTP/1.1 message's body ends (RFC 9112 §6), so a connection can carry the next
//! one: a length, the chunked coding's last chunk, or the connection's end.

/// How a message's body is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    Empty,
    Length(u64),
    Chunked,
    UntilClose,
}

/// A chunked body whose framing does not parse.
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed;

/// Follows a chunked body's framing over its bytes as they pass, without changing them.
#[derive(Debug, Default)]
pub struct ChunkScanner {
    state: State,
    size: u64,
    digits: u8,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    Size,
    Extension,
    SizeLf,
    Data,
    DataCr,
    DataLf,
    TrailerStart,
    TrailerLine,
    TrailerLf,
    FinalLf,
    Done,
}

impl ChunkScanner {
    /// How many of `bytes` belong to the body: all of them, or fewer when its end is among
    /// them (what follows is the next message's).
    pub fn scan(&mut self, bytes: &[u8]) -> Result<usize, Malformed> {
        let mut at = 0;
        while at < bytes.len() && self.state != State::Done {
            if self.state == State::Data {
                let take = (bytes.len() - at).min(usize::try_from(self.size).unwrap_or(usize::MAX));
                at += take;
                self.size -= take as u64;
                if self.size == 0 {
                    self.state = State::DataCr;
                }
                continue;
            }
            self.state = self.step(bytes[at])?;
            at += 1;
        }
        Ok(at)
    }

    pub fn done(&self) -> bool {
        self.state == State::Done
    }

    fn step(&mut self, byte: u8) -> Result<State, Malformed> {
        Ok(match (self.state, byte) {
            (State::Size, b';' | b' ' | b'\t') if self.digits > 0 => State::Extension,
            (State::Size, b'\r') if self.digits > 0 => State::SizeLf,
            (State::Size, _) => {
                let digit = (byte as char).to_digit(16).ok_or(Malformed)?;
                // Sixteen hex digits would overflow; no body of ours is that long anyway.
                if self.digits >= 15 {
                    return Err(Malformed);
                }
                self.digits += 1;
                self.size = self.size * 16 + u64::from(digit);
                State::Size
            }
            (State::Extension, b'\r') => State::SizeLf,
            (State::Extension, _) => State::Extension,
            (State::SizeLf, b'\n') if self.size == 0 => State::TrailerStart,
            (State::SizeLf, b'\n') => State::Data,
            (State::DataCr, b'\r') => State::DataLf,
            (State::DataLf, b'\n') => {
                self.digits = 0;
                State::Size
            }
            (State::TrailerStart, b'\r') => State::FinalLf,
            (State::TrailerLine, b'\r') => State::TrailerLf,
            (State::TrailerStart | State::TrailerLine, _) => State::TrailerLine,
            (State::TrailerLf, b'\n') => State::TrailerStart,
            (State::FinalLf, b'\n') => State::Done,
            _ => return Err(Malformed),
        })
    }
}

/// A body or head whose framing does not parse, as the connection's error.
pub fn malformed() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, "malformed HTTP framing")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_in_pieces(body: &[u8], piece: usize) -> Result<(usize, bool), Malformed> {
        let mut scanner = ChunkScanner::default();
        let mut taken = 0;
        for part in body.chunks(piece) {
            taken += scanner.scan(part)?;
            if scanner.done() {
                break;
            }
        }
        Ok((taken, scanner.done()))
    }

    #[test]
    fn finds_the_end_of_a_body_however_it_is_cut() {
        let body = b"5\r\nhello\r\n1a;name=value\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\nNEXT";
        for piece in [1, 2, 3, 7, 64] {
            assert_eq!(
                scan_in_pieces(body, piece),
                Ok((body.len() - 4, true)),
                "{piece}"
            );
        }
    }

    #[test]
    fn trailers_belong_to_the_body() {
        let body = b"3\r\nabc\r\n0\r\nExpires: never\r\nX-Sum: 1\r\n\r\nGET";
        assert_eq!(scan_in_pieces(body, 5), Ok((body.len() - 3, true)));
    }

    #[test]
    fn an_unfinished_body_is_not_done() {
        assert_eq!(scan_in_pieces(b"5\r\nhel", 2), Ok((6, false)));
        assert_eq!(scan_in_pieces(b"0\r\n\r", 2), Ok((4, false)));
    }

    #[test]
    fn bad_framing_is_refused() {
        for body in [
            &b"x\r\n"[..],
            b"\r\n",
            b"5\r\nhelloX",
            b"5\nhello",
            b"ffffffffffffffff\r\n",
        ] {
            assert_eq!(scan_in_pieces(body, 64), Err(Malformed), "{body:?}");
        }
    }
}
