//! `ssh -L LOCAL:HOST:PORT`: a direct-tcpip channel to one of the environment's ports. The
//! environment is the only host a forward reaches, at the one address the preview proxy
//! uses for it (its address on its owner's network), woken first if it is paused; the host
//! the client names only has to mean the environment: `localhost`, a loopback address, or
//! its own name.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use russh::server::{ChannelOpenHandle, Msg};
use russh::{Channel, ChannelOpenFailure};
use tokio::net::TcpStream;

use super::signed_in::SignedIn;

/// An app that does not accept within this long is as good as none.
const CONNECT_WITHIN: Duration = Duration::from_secs(10);

pub(super) async fn serve(
    signed_in: Arc<SignedIn>,
    channel: Channel<Msg>,
    host: String,
    port: u32,
    reply: ChannelOpenHandle,
) {
    let target = match target(&signed_in, &host, port).await {
        Ok(target) => target,
        Err(reason) => {
            tracing::info!(host, port, reason, "ssh forward refused");
            return reply
                .reject(ChannelOpenFailure::AdministrativelyProhibited)
                .await;
        }
    };
    let app = match tokio::time::timeout(CONNECT_WITHIN, TcpStream::connect(target)).await {
        Ok(Ok(app)) => app,
        _ => return reply.reject(ChannelOpenFailure::ConnectFailed).await,
    };
    let _ = app.set_nodelay(true);
    reply.accept().await;
    super::activity::Activity::new(&signed_in).note().await;
    let mut app = app;
    let mut client = channel.into_stream();
    tokio::select! {
        copied = tokio::io::copy_bidirectional(&mut client, &mut app) => {
            if let Err(err) = copied {
                tracing::debug!(error = %err, "an ssh forward ended with an error");
            }
        }
        _ = signed_in.ended.cancelled() => {}
    }
}

/// Where the forward may go, or why not.
async fn target(signed_in: &SignedIn, host: &str, port: u32) -> Result<SocketAddr, String> {
    let port = u16::try_from(port)
        .ok()
        .filter(|port| *port > 0)
        .ok_or("not a port")?;
    if !names_the_environment(host, &signed_in.environment.name) {
        return Err("only the environment itself can be reached".into());
    }
    // Found as the caller's (a stranger's forward finds nothing), woken if paused, and
    // read afresh: the one address a preview of it may reach.
    signed_in
        .state
        .previews
        .tunnel_target(
            &signed_in.principal,
            &signed_in.environment.id.to_string(),
            port,
        )
        .await
        .map_err(|err| err.to_string())
}

fn names_the_environment(host: &str, environment: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    matches!(
        host.as_str(),
        "localhost" | "127.0.0.1" | "::1" | "[::1]" | "0.0.0.0"
    ) || host == environment.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_environments_own_names_are_forwarded_to() {
        for host in ["localhost", "LOCALHOST.", "127.0.0.1", "::1", "dev-box"] {
            assert!(names_the_environment(host, "dev-box"), "{host}");
        }
        for host in ["10.0.0.1", "example.com", "other-box", "169.254.169.254"] {
            assert!(!names_the_environment(host, "dev-box"), "{host}");
        }
    }
}
