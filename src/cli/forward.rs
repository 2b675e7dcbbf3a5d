//! `port-forward` (a local listener, each connection tunnelled over a WebSocket to a port of
//! the environment) and `preview` (a signed link to a port, for a browser).

use std::process::ExitCode;

use bytes::Bytes;
use reqwest::Method;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::environment_path;
use super::output::{self, Format};
use crate::client::{segment, ApiClient, ClientError, SocketMessage};

#[derive(Debug, clap::Args)]
pub struct ForwardArgs {
    pub name: String,
    /// LOCAL:REMOTE, or one port for both (LOCAL 0 picks a free port)
    pub ports: String,
    /// The local address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    pub address: String,
}

#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    pub name: String,
    pub port: u16,
    /// Open the link in the browser (xdg-open) instead of printing it alone
    #[arg(long)]
    pub open: bool,
}

fn split_ports(text: &str) -> Result<(u16, u16), ClientError> {
    let bad = || ClientError::Usage(format!("expected LOCAL:REMOTE ports, not {text:?}"));
    let parse = |part: &str| part.parse::<u16>().map_err(|_| bad());
    match text.split_once(':') {
        Some((local, remote)) => Ok((parse(local)?, parse(remote)?)),
        None => parse(text).map(|port| (port, port)),
    }
}

pub async fn port_forward(client: ApiClient, args: ForwardArgs) -> Result<ExitCode, ClientError> {
    let (local, remote) = split_ports(&args.ports)?;
    if remote == 0 {
        return Err(ClientError::Usage("the remote port must be 1-65535".into()));
    }
    // One tunnel first, so a wrong name or a stopped environment fails here, not later.
    let path = format!("/ws/port-forward/{}/{remote}", segment(&args.name));
    let mut first = client.socket(&path).await?;
    first.close().await;
    let listener = TcpListener::bind((args.address.as_str(), local))
        .await
        .map_err(|err| {
            ClientError::Usage(format!("cannot listen on {}:{local}: {err}", args.address))
        })?;
    let bound = listener
        .local_addr()
        .map_err(|err| ClientError::Usage(err.to_string()))?;
    println!("Forwarding {bound} -> {}:{remote}", args.name);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((connection, _)) = accepted else { continue };
                let (client, path) = (client.clone(), path.clone());
                tokio::spawn(async move {
                    if let Err(err) = tunnel(&client, &path, connection).await {
                        eprintln!("sandboxd: a forwarded connection failed: {err}");
                    }
                });
            }
            _ = tokio::signal::ctrl_c() => return super::done(),
        }
    }
}

async fn tunnel(client: &ApiClient, path: &str, connection: TcpStream) -> Result<(), ClientError> {
    let socket = client.socket(path).await?;
    let (mut sender, mut receiver) = socket.split();
    let (mut from_local, mut to_local) = connection.into_split();
    let upstream = async move {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            match from_local.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if sender
                        .send_binary(Bytes::copy_from_slice(&buffer[..n]))
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
            }
        }
        sender.close().await;
    };
    let downstream = async move {
        while let Some(Ok(message)) = receiver.next().await {
            if let SocketMessage::Binary(bytes) = message {
                if to_local.write_all(&bytes).await.is_err() {
                    break;
                }
            }
        }
        let _ = to_local.shutdown().await;
    };
    // Either side's end closes the whole connection, as a direct one would.
    tokio::select! {
        _ = upstream => {}
        _ = downstream => {}
    }
    Ok(())
}

pub async fn preview(
    client: &ApiClient,
    args: PreviewArgs,
    format: Format,
) -> Result<ExitCode, ClientError> {
    let path = format!("{}/ports/{}/link", environment_path(&args.name), args.port);
    let link: Value = client.call(Method::POST, &path).await?;
    let url = link["url"].as_str().unwrap_or_default().to_string();
    match format {
        Format::Json => output::print_json(&link),
        Format::Text => println!("{url}"),
    }
    if args.open {
        std::process::Command::new("xdg-open")
            .arg(&url)
            .spawn()
            .map_err(|err| ClientError::Usage(format!("could not open a browser: {err}")))?;
    }
    super::done()
}

#[cfg(test)]
mod tests {
    use super::split_ports;

    #[test]
    fn ports_are_local_then_remote() {
        assert_eq!(split_ports("8080:80").ok(), Some((8080, 80)));
        assert_eq!(split_ports("8000").ok(), Some((8000, 8000)));
        assert_eq!(split_ports("0:8000").ok(), Some((0, 8000)));
        assert!(split_ports("x:80").is_err());
        assert!(split_ports("70000").is_err());
    }
}
