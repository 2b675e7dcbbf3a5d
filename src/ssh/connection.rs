//! One SSH connection: signing in (a registered key of a user who may act, and an
//! environment of theirs named as the SSH user, or nothing at all), then its channels.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use russh::keys::PublicKey;
use russh::server::{Auth, ChannelOpenHandle, Handler, Msg, Session, VerifiedPublicKey};
use russh::{Channel, ChannelId, ChannelOpenFailure, Disconnect};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

use super::signed_in::SignedIn;
use super::{channel, forward};
use crate::auth::rate_limit::Limit;
use crate::auth::Scope;
use crate::connections::Registered;
use crate::state::AppState;

/// Channels one connection may have open at once, as OpenSSH's MaxSessions.
const MAX_CHANNELS: usize = 10;
/// Refused sign-ins from one address before it is refused outright for the rest of the
/// window: each costs lookups, and a client offers each of its keys in turn.
const REFUSALS: &str = "ssh-refusals";
const REFUSAL_LIMIT: Limit = Limit {
    requests: 30,
    window: Duration::from_secs(60),
};

pub struct Connection {
    state: AppState,
    peer: Option<SocketAddr>,
    signed_in: Option<Arc<SignedIn>>,
    /// Held while the connection lasts: counted against the user's connections, and closed
    /// when the key is deleted or the user disabled.
    registered: Option<Registered>,
    ended: CancellationToken,
    /// Channels open at once: each may hold an exec, a forward's connection or upload spools.
    channels: Arc<Semaphore>,
}

impl Connection {
    pub(super) fn new(state: AppState, peer: Option<SocketAddr>) -> Self {
        Self {
            state,
            peer,
            signed_in: None,
            registered: None,
            ended: CancellationToken::new(),
            channels: Arc::new(Semaphore::new(MAX_CHANNELS)),
        }
    }

    /// The key's user and their environment named `user`; `None` for every refusal alike,
    /// so a client learns nothing about which part was wrong.
    async fn admit(&self, user: &str, key: &PublicKey) -> Option<(SignedIn, Registered)> {
        let principal = match self.state.auth.authenticate_ssh_key(key).await {
            Ok(found) => found?,
            Err(err) => {
                tracing::warn!(error = %err, "ssh sign-in could not be checked");
                return None;
            }
        };
        principal.require(Scope::Exec).ok()?;
        let environment = self
            .state
            .environments
            .records()
            .find(&principal, user)
            .await
            .ok()?;
        let registered = self
            .state
            .connections
            .register(principal.id(), principal.revocation())
            .map_err(|err| tracing::info!(error = %err, "ssh connection over the user's cap"))
            .ok()?;
        // Asked again once registered: a key deleted (or a user disabled) in between was
        // revoked before this connection could hear of it.
        self.state.auth.authenticate_ssh_key(key).await.ok()??;
        let signed_in = SignedIn {
            state: self.state.clone(),
            principal,
            environment,
            ended: self.ended.clone(),
        };
        Some((signed_in, registered))
    }

    fn signed_in(&self) -> Option<Arc<SignedIn>> {
        self.signed_in.clone()
    }

    fn channel_permit(&self) -> Option<OwnedSemaphorePermit> {
        self.channels.clone().try_acquire_owned().ok()
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.ended.cancel();
    }
}

impl Handler for Connection {
    type Error = anyhow::Error;

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        // Refused sign-ins are counted by source: past the limit, none is even looked up.
        let source = self
            .peer
            .map(|peer| peer.ip().to_string())
            .unwrap_or_default();
        let limiter = &self.state.limiter;
        if limiter
            .check(REFUSALS, &source, REFUSAL_LIMIT)
            .await
            .is_err()
        {
            tracing::info!(peer = ?self.peer, "ssh sign-in refused: too many refusals");
            return Ok(Auth::reject());
        }
        match self.admit(user, key.public_key).await {
            Some((signed_in, registered)) => {
                tracing::info!(
                    peer = ?self.peer,
                    user_id = %signed_in.principal.id(),
                    container_id = %signed_in.environment.id,
                    "ssh signed in"
                );
                self.signed_in = Some(Arc::new(signed_in));
                self.registered = Some(registered);
                Ok(Auth::Accept)
            }
            None => {
                tracing::info!(peer = ?self.peer, "ssh sign-in refused");
                limiter
                    .record(REFUSALS, &source, REFUSAL_LIMIT.window)
                    .await;
                Ok(Auth::reject())
            }
        }
    }

    async fn auth_succeeded(&mut self, session: &mut Session) -> Result<(), Self::Error> {
        let Some(registered) = &self.registered else {
            return Ok(());
        };
        let (closed, ended) = (registered.closed.clone(), self.ended.clone());
        let shutdown = self.state.shutdown.clone();
        let handle = session.handle();
        tokio::spawn(async move {
            let reason = tokio::select! {
                _ = closed.cancelled() => "access was revoked",
                _ = shutdown.cancelled() => "the server is shutting down",
                _ = ended.cancelled() => return,
            };
            let _ = handle
                .disconnect(Disconnect::ByApplication, reason.into(), String::new())
                .await;
        });
        Ok(())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (Some(signed_in), Some(permit)) = (self.signed_in(), self.channel_permit()) else {
            reply.reject(ChannelOpenFailure::ResourceShortage).await;
            return Ok(());
        };
        reply.accept().await;
        tokio::spawn(async move {
            channel::serve(signed_in, channel).await;
            drop(permit);
        });
        Ok(())
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        channel: Channel<Msg>,
        host_to_connect: &str,
        port_to_connect: u32,
        _originator_address: &str,
        _originator_port: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        let (Some(signed_in), Some(permit)) = (self.signed_in(), self.channel_permit()) else {
            reply.reject(ChannelOpenFailure::ResourceShortage).await;
            return Ok(());
        };
        let host = host_to_connect.to_string();
        tokio::spawn(async move {
            forward::serve(signed_in, channel, host, port_to_connect, reply).await;
            drop(permit);
        });
        Ok(())
    }

    // The requests below are acted on by the channel's own task, which sees them in order;
    // here they are only answered.

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        _term: &str,
        _cols: u32,
        _rows: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(russh::Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        Ok(session.channel_success(channel)?)
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        _name: &str,
        _value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        Ok(session.channel_success(channel)?)
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        Ok(session.channel_success(channel)?)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        _command: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        Ok(session.channel_success(channel)?)
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        if name == "sftp" {
            Ok(session.channel_success(channel)?)
        } else {
            Ok(session.channel_failure(channel)?)
        }
    }
}
