//! Property tests of what the terminal reads from clients and from the engine: any text a
//! client sends parses or is refused without a panic, frames survive a round trip, and output
//! cut anywhere decodes to the same text as when read whole.

use proptest::prelude::*;
use serde_json::json;

use super::protocol::{ClientFrame, Utf8Stream};

/// Decodes `bytes` cut at `cuts`, then flushes what is left, as the end of a stream would.
fn decode_in_pieces(bytes: &[u8], cuts: &[usize]) -> String {
    let mut points: Vec<usize> = cuts.iter().map(|cut| cut % (bytes.len() + 1)).collect();
    points.sort_unstable();
    let mut stream = Utf8Stream::default();
    let mut text = String::new();
    let mut start = 0;
    for point in points.into_iter().chain([bytes.len()]) {
        text.push_str(&stream.decode(&bytes[start..point]));
        start = point;
    }
    text.push_str(&stream.finish());
    text
}

proptest! {
    #[test]
    fn any_client_text_parses_or_is_refused(text in ".{0,256}") {
        let _ = ClientFrame::parse(&text);
    }

    #[test]
    fn any_json_shaped_frame_parses_or_is_refused(
        kind in prop_oneof![Just("input".to_string()), Just("resize".to_string()), Just("ping".to_string()), Just("pong".to_string()), ".{0,12}"],
        data in proptest::option::of(".{0,64}"),
        cols in proptest::option::of(any::<i64>()),
        rows in proptest::option::of(any::<i64>()),
    ) {
        let frame = json!({"type": kind, "data": data, "cols": cols, "rows": rows});
        let _ = ClientFrame::parse(&frame.to_string());
    }

    #[test]
    fn input_survives_the_round_trip(data in "\\PC{0,512}") {
        let text = json!({"type": "input", "data": data}).to_string();
        prop_assert_eq!(ClientFrame::parse(&text), Ok(ClientFrame::Input { data }));
    }

    #[test]
    fn resize_survives_the_round_trip(cols in any::<u16>(), rows in any::<u16>()) {
        let text = json!({"type": "resize", "cols": cols, "rows": rows}).to_string();
        prop_assert_eq!(ClientFrame::parse(&text), Ok(ClientFrame::Resize { cols, rows }));
    }

    #[test]
    fn valid_output_cut_anywhere_decodes_to_itself(
        text in "\\PC{0,200}",
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        prop_assert_eq!(decode_in_pieces(text.as_bytes(), &cuts), text);
    }

    #[test]
    fn any_bytes_cut_anywhere_decode_as_when_read_whole(
        bytes in proptest::collection::vec(any::<u8>(), 0..200),
        cuts in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        prop_assert_eq!(decode_in_pieces(&bytes, &cuts), String::from_utf8_lossy(&bytes));
    }
}
