//! The terminal WebSocket's frames. Text frames are JSON `{type, data, cols, rows}`; binary
//! frames carry raw bytes, both ways, for clients that connect with `mode=binary`.

use serde::Deserialize;
use serde_json::{json, Value};

/// What a client may send in a text frame.
#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ClientFrame {
    Input { data: String },
    Resize { cols: u16, rows: u16 },
    Ping,
    Pong,
}

impl ClientFrame {
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|err| {
            format!("expected {{\"type\": \"input\"|\"resize\"|\"ping\"|\"pong\", ...}}: {err}")
        })
    }
}

pub fn connected(session_id: &str, resumed: bool, container_id: &str, size: (u16, u16)) -> String {
    json!({
        "type": "connected",
        "data": { "session_id": session_id, "resumed": resumed, "container_id": container_id },
        "cols": size.0,
        "rows": size.1,
    })
    .to_string()
}

pub fn output(data: &str) -> String {
    json!({ "type": "output", "data": data }).to_string()
}

pub fn pong() -> String {
    json!({ "type": "pong" }).to_string()
}

pub fn error(code: &str, message: &str) -> String {
    json!({ "type": "error", "data": message, "code": code }).to_string()
}

pub fn exit(code: Option<i64>) -> String {
    let message = match code {
        Some(code) => format!("shell exited with code {code}"),
        None => "shell ended".to_string(),
    };
    json!({ "type": "exit", "data": message, "code": code.map_or(Value::Null, Value::from) })
        .to_string()
}

/// Turns a byte stream into text without breaking characters that straddle two chunks:
/// the incomplete tail of one chunk waits for the rest in the next.
#[derive(Debug, Default)]
pub struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    pub fn decode(&mut self, chunk: &[u8]) -> String {
        self.pending.extend_from_slice(chunk);
        let mut text = String::new();
        let mut rest: &[u8] = &self.pending;
        // Invalid bytes become U+FFFD as `String::from_utf8_lossy` would make them, so the
        // text is the same however the stream was cut; only a truncated tail waits.
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    text.push_str(valid);
                    rest = &[];
                }
                Err(err) => {
                    let (valid, after) = rest.split_at(err.valid_up_to());
                    text.push_str(&String::from_utf8_lossy(valid));
                    match err.error_len() {
                        Some(invalid) => {
                            text.push(char::REPLACEMENT_CHARACTER);
                            rest = &after[invalid..];
                        }
                        None => {
                            rest = after;
                            break;
                        }
                    }
                }
            }
        }
        let consumed = self.pending.len() - rest.len();
        self.pending.drain(..consumed);
        text
    }

    /// What is left when the stream ends: the start of a character that never completed.
    pub fn finish(self) -> String {
        String::from_utf8_lossy(&self.pending).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_frames_parse_by_type() {
        assert_eq!(
            ClientFrame::parse(r#"{"type":"input","data":"ls\r"}"#),
            Ok(ClientFrame::Input {
                data: "ls\r".into()
            })
        );
        assert_eq!(
            ClientFrame::parse(r#"{"type":"resize","cols":120,"rows":40}"#),
            Ok(ClientFrame::Resize {
                cols: 120,
                rows: 40
            })
        );
        assert_eq!(
            ClientFrame::parse(r#"{"type":"ping"}"#),
            Ok(ClientFrame::Ping)
        );
        assert!(ClientFrame::parse(r#"{"type":"launch"}"#).is_err());
        assert!(ClientFrame::parse(r#"{"type":"resize","cols":-1,"rows":2}"#).is_err());
    }

    #[test]
    fn a_character_split_across_chunks_comes_out_whole() {
        let mut stream = Utf8Stream::default();
        let bytes = "é!".as_bytes();
        assert_eq!(stream.decode(&bytes[..1]), "");
        assert_eq!(stream.decode(&bytes[1..]), "é!");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let mut stream = Utf8Stream::default();
        assert_eq!(stream.decode(b"a\xffb"), "a\u{fffd}b");
    }

    #[test]
    fn exit_carries_the_code() {
        let frame: Value = serde_json::from_str(&exit(Some(3))).unwrap();
        assert_eq!(frame["type"], "exit");
        assert_eq!(frame["code"], 3);
    }
}
