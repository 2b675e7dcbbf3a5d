//! Our own answers on a preview host (its pages, the redirect that trades a link for a
//! cookie), made as everywhere else and written out on the raw connection.

use actix_web::body::MessageBody;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use bytes::{BufMut, BytesMut};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// Writes `response`; the connection stays open for the next request when `keep_alive`.
pub async fn write(
    client: &mut TcpStream,
    response: HttpResponse,
    keep_alive: bool,
) -> std::io::Result<u16> {
    let status = response.status();
    let mut out = BytesMut::with_capacity(1024);
    out.put_slice(
        format!(
            "HTTP/1.1 {} {}\r\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or_default()
        )
        .as_bytes(),
    );
    for (name, value) in response.headers() {
        out.put_slice(name.as_str().as_bytes());
        out.put_slice(b": ");
        out.put_slice(value.as_bytes());
        out.put_slice(b"\r\n");
    }
    // Our answers are small pages made whole in memory.
    let body = response.into_body().try_into_bytes().unwrap_or_default();
    out.put_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    if !keep_alive {
        out.put_slice(b"connection: close\r\n");
    }
    out.put_slice(b"\r\n");
    out.put_slice(&body);
    client.write_all(&out).await?;
    Ok(status.as_u16())
}

/// A request the connection cannot go on from: said, then the connection is closed.
pub async fn refuse(client: &mut TcpStream, status: StatusCode, reason: &str) {
    let response = HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(format!("{reason}\n"));
    let _ = write(client, response, false).await;
}
