//! A preview host's connection as the proxy serves it itself: several requests on one
//! connection, bodies by length (short and long) and chunked, `Expect: 100-continue`, and
//! a request for another host refused, all read off the raw connection.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::site::{preview_host, python_site};
use crate::support::app::spawn_app;

const HEADER: &str = "X-Sandboxd-Preview-Token";

/// Reads one answer: its head, and its body by its length.
async fn answer(stream: &mut TcpStream, pending: &mut Vec<u8>) -> (String, Vec<u8>) {
    let end = loop {
        if let Some(at) = pending.windows(4).position(|window| window == b"\r\n\r\n") {
            break at + 4;
        }
        read_more(stream, pending).await;
    };
    let head = String::from_utf8(pending.drain(..end).collect()).unwrap();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().unwrap())
        })
        .unwrap_or(0);
    while pending.len() < length {
        read_more(stream, pending).await;
    }
    (head, pending.drain(..length).collect())
}

async fn read_more(stream: &mut TcpStream, pending: &mut Vec<u8>) {
    let mut chunk = vec![0u8; 256 * 1024];
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut chunk))
        .await
        .expect("an answer within 20 s")
        .unwrap();
    assert!(
        read > 0,
        "the connection ended; so far: {:?}",
        String::from_utf8_lossy(pending)
    );
    pending.extend_from_slice(&chunk[..read]);
}

#[tokio::test]
async fn one_connection_carries_many_requests_and_their_bodies_both_ways() {
    let app = spawn_app().await;
    let site = python_site(&app, "connection-keeper").await;
    let host = preview_host(&app, &site.id, 8000);
    let credentials = format!("Host: {host}\r\n{HEADER}: {}\r\n", site.token);
    let mut stream = TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap();
    let mut pending = Vec::new();

    for path in ["/first", "/second"] {
        let request = format!("GET {path} HTTP/1.1\r\n{credentials}\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let (head, body) = answer(&mut stream, &mut pending).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let seen: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(seen["path"], path);
        assert_eq!(seen["headers"]["host"], host.as_str());
        assert!(
            seen["headers"].get(HEADER.to_lowercase()).is_none(),
            "{seen}"
        );
    }

    // Bytes of every value, longer than what is copied rather than spliced, both ways.
    let long: Vec<u8> = (0..300_000u32).map(|n| (n * 7 % 251) as u8).collect();
    let head = format!(
        "POST /echo HTTP/1.1\r\n{credentials}Content-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        long.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (interim, _) = answer(&mut stream, &mut pending).await;
    assert!(interim.starts_with("HTTP/1.1 100"), "{interim}");
    stream.write_all(&long).await.unwrap();
    let (head, body) = answer(&mut stream, &mut pending).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body == long, "the echo differs: {} bytes back", body.len());

    // A chunked body (the app reads none of it) is read past to its end, the next request's
    // head is sent in the same write, and both are answered in order.
    let chunked = format!(
        "POST /echo HTTP/1.1\r\n{credentials}Transfer-Encoding: chunked\r\n\r\n\
         5\r\nhello\r\n0\r\n\r\nGET /after-chunks HTTP/1.1\r\n{credentials}\r\n"
    );
    stream.write_all(chunked.as_bytes()).await.unwrap();
    let (head, _) = answer(&mut stream, &mut pending).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let (head, body) = answer(&mut stream, &mut pending).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let seen: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(seen["path"], "/after-chunks");

    // A request that would smuggle a second one past the proxy is refused, and so is one for
    // another host on this connection; either ends it.
    let smuggling = format!(
        "POST /echo HTTP/1.1\r\n{credentials}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    );
    let mut other = TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap();
    other.write_all(smuggling.as_bytes()).await.unwrap();
    let (head, _) = answer(&mut other, &mut Vec::new()).await;
    assert!(head.starts_with("HTTP/1.1 400"), "{head}");
    let api_host = app.address.trim_start_matches("http://");
    let request = format!("GET /api/health HTTP/1.1\r\nHost: {api_host}\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let (head, _) = answer(&mut stream, &mut pending).await;
    assert!(head.starts_with("HTTP/1.1 421"), "{head}");
    let mut rest = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest)).await;
    assert!(
        matches!(ended, Ok(Ok(0))),
        "the connection ends after a refusal"
    );
}
