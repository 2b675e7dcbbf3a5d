//! Lines the server itself tells the person at the other end (an environment starting, a
//! refusal), on the channel's stderr so they never mix with a command's own output.

use bytes::Bytes;

/// One line as a terminal shows it: prefixed with who speaks, ending in CR LF so it starts
/// at the left margin in raw mode too.
pub(super) fn line(text: &str) -> Bytes {
    Bytes::from(format!("sandboxd: {text}\r\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_server_and_returns_to_the_margin() {
        assert_eq!(
            &line("starting dev ...")[..],
            b"sandboxd: starting dev ...\r\n"
        );
    }
}
