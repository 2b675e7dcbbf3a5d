//! The SSH edge: `ssh ENVIRONMENT@HOST` opens a shell in that environment of the user whose
//! registered key signed in; commands, SFTP (and so scp) and `-L` forwarding too. Like the
//! HTTP edge it only calls services; nothing below imports it.
//!
//! A connection signs in with a key and names its environment as the SSH user; both are
//! checked before anything is opened (`connection`). Each session channel then waits for
//! what the client asks of it (`channel`): a shell on a TTY (`shell`), a command
//! (`command`) or the SFTP subsystem (`sftp`); direct-tcpip channels reach the
//! environment's ports (`forward`).

mod activity;
mod channel;
mod command;
mod connection;
mod forward;
mod progress;
mod replies;
mod sftp;
mod shell;
mod signed_in;

use std::sync::Arc;
use std::time::Duration;

use russh::server::{Config, Server};
use russh::{MethodKind, MethodSet, SshId};
use tokio::net::TcpListener;

use crate::state::AppState;
use connection::Connection;

/// Refusals all take this long, whatever was wrong, so timing tells nothing either.
const REFUSAL_TIME: Duration = Duration::from_millis(300);

/// The SSH listener, bound and ready to serve.
pub struct SshEdge {
    listener: TcpListener,
    config: Arc<Config>,
    state: AppState,
}

impl SshEdge {
    /// Binds the configured address, or gives `None` when the edge is switched off.
    pub async fn bind(state: &AppState) -> anyhow::Result<Option<Self>> {
        let Some(address) = state.settings.ssh.listen.clone() else {
            return Ok(None);
        };
        let host_key = state
            .auth
            .ssh_host_key(state.settings.ssh.host_key_file.as_deref())
            .await?;
        let listener = TcpListener::bind(&address)
            .await
            .map_err(|err| anyhow::anyhow!("cannot listen for SSH on {address}: {err}"))?;
        let config = Config {
            server_id: SshId::Standard(
                format!("SSH-2.0-sandboxd_{}", env!("CARGO_PKG_VERSION")).into(),
            ),
            methods: MethodSet::from(&[MethodKind::PublicKey][..]),
            auth_rejection_time: REFUSAL_TIME,
            auth_rejection_time_initial: Some(Duration::ZERO),
            keys: vec![host_key],
            inactivity_timeout: Some(state.settings.terminal_idle),
            keepalive_interval: Some(Duration::from_secs(30)),
            // Keystrokes go out as typed: Nagle's algorithm would hold an echo for the
            // client's delayed acknowledgement.
            nodelay: true,
            ..Default::default()
        };
        Ok(Some(Self {
            listener,
            config: Arc::new(config),
            state: state.clone(),
        }))
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|address| address.port())
            .unwrap_or(0)
    }

    /// Serves until the application shuts down; open connections are then disconnected.
    pub async fn serve(self) {
        let shutdown = self.state.shutdown.clone();
        let mut edge = Edge {
            state: self.state.clone(),
        };
        let running = edge.run_on_socket(self.config, &self.listener);
        let handle = running.handle();
        tokio::select! {
            outcome = running => {
                if let Err(err) = outcome {
                    tracing::error!(error = %err, "the SSH edge stopped");
                }
            }
            _ = shutdown.cancelled() => handle.shutdown("the server is shutting down".into()),
        }
    }
}

struct Edge {
    state: AppState,
}

impl Server for Edge {
    type Handler = Connection;

    fn new_client(&mut self, peer: Option<std::net::SocketAddr>) -> Connection {
        Connection::new(self.state.clone(), peer)
    }

    fn handle_session_error(&mut self, error: anyhow::Error) {
        tracing::debug!(error = %error, "ssh connection ended with an error");
    }
}
