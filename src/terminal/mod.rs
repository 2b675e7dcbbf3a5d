//! Browser terminals: shells on a TTY inside environments, kept by session id so a client
//! that drops can resume its shell within a grace period.
//!
//! Shells live in the API process that started them. Behind a load balancer a reconnect may
//! reach another replica and get a new shell; with `use_tmux` the tmux session still survives.

mod error;
mod hangup;
pub mod protocol;
#[cfg(test)]
mod protocol_props;
mod replay;
mod shell;
mod slots;

pub use shell::{Attachment, Shell, ShellEvent};

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use uuid::Uuid;

use crate::model::engine_names::container_name;
use crate::model::Environment;
use crate::nodes::{Fleet, FleetError};
use crate::runtime::RuntimeError;
pub use error::TerminalError;
use hangup::Hangups;
use shell::ShellSpec;
use slots::{Slot, Slots};

const LAUNCH: &str = include_str!("launch.sh");
/// Whoever connects without naming a tmux session shares this one.
const DEFAULT_TMUX_SESSION: &str = "main";
pub const DEFAULT_SIZE: (u16, u16) = (80, 24);
pub const MAX_DIMENSION: u16 = 1000;

type Key = (Uuid, String);

#[derive(Clone)]
pub struct Terminals {
    /// Each shell runs in the engine of its environment's node, and is resized and hung up
    /// there.
    fleet: Fleet,
    hangups: Hangups,
    grace: Duration,
    per_environment: usize,
    slots: Slots,
    shells: Arc<Mutex<HashMap<Key, Arc<Shell>>>>,
}

/// What a client asks for when it connects.
pub struct OpenRequest {
    pub session_id: Option<String>,
    pub size: (u16, u16),
}

/// A connection's shell, and whether it was already running.
pub struct Opened {
    pub attachment: Attachment,
    pub resumed: bool,
}

impl Terminals {
    pub fn new(fleet: Fleet, grace: Duration, per_environment: usize) -> Self {
        Self {
            hangups: Hangups::start(),
            fleet,
            grace,
            per_environment,
            slots: Slots::default(),
            shells: Arc::default(),
        }
    }

    /// Resumes the session `request.session_id` names if it is still running, else starts a
    /// new shell under that id (or a fresh one).
    pub async fn open(
        &self,
        environment: &Environment,
        request: OpenRequest,
    ) -> Result<Opened, TerminalError> {
        let tmux_session = request
            .session_id
            .clone()
            .unwrap_or_else(|| DEFAULT_TMUX_SESSION.to_string());
        let session_id = match request.session_id {
            Some(id) => valid_session_id(id)?,
            None => Uuid::new_v4().simple().to_string(),
        };
        let key = (environment.id.uuid(), session_id.clone());
        if let Some(attachment) = self.running(&key, environment.user_id.uuid()) {
            if let Err(err) = attachment
                .shell
                .resize(request.size.0, request.size.1)
                .await
            {
                tracing::debug!(error = %err, "resizing a resumed terminal failed");
            }
            return Ok(Opened {
                attachment,
                resumed: true,
            });
        }
        let slot = self
            .slots
            .take(environment.id.uuid(), self.per_environment)
            .ok_or(TerminalError::TooMany(self.per_environment))?;
        let shell = self
            .start(environment, session_id, &tmux_session, request.size, slot)
            .await?;
        let attachment = shell
            .attach()
            .ok_or(TerminalError::Internal("the shell ended as it started"))?;
        Ok(Opened {
            attachment,
            resumed: false,
        })
    }

    /// Called when a client goes away: unless someone reattaches within the grace period, the
    /// shell is hung up.
    pub fn release(&self, attachment: Attachment) {
        if !attachment.detach() {
            return;
        }
        let shell = attachment.shell.clone();
        let generation = shell.generation();
        let grace = self.grace;
        let hangups = self.hangups.clone();
        tokio::spawn(async move {
            tokio::time::sleep(grace).await;
            if shell.unattended_since(generation) {
                tracing::debug!(
                    session_id = shell.session_id,
                    "terminal not resumed; hanging up"
                );
                hangups.request(&shell);
            }
        });
    }

    /// Hangs `shell` up now; its output then ends, and its client, if any, gets `exit`.
    pub fn hang_up(&self, shell: &Shell) {
        self.hangups.request(shell);
    }

    /// Open shells, for metrics.
    pub fn open_count(&self) -> usize {
        self.shells.lock().expect("terminal registry lock").len()
    }

    fn running(&self, key: &Key, owner: Uuid) -> Option<Attachment> {
        let shell = self
            .shells
            .lock()
            .expect("terminal registry lock")
            .get(key)
            .cloned()?;
        // The key already includes an environment the caller owns; this guards the invariant.
        (shell.owner == owner).then(|| shell.attach()).flatten()
    }

    async fn start(
        &self,
        environment: &Environment,
        session_id: String,
        tmux_session: &str,
        size: (u16, u16),
        slot: Slot,
    ) -> Result<Arc<Shell>, TerminalError> {
        let container = container_name(environment.id);
        let command = [
            "sh",
            "-c",
            LAUNCH,
            "sandboxd-terminal",
            &session_id,
            tmux_session,
        ]
        .map(String::from)
        .to_vec();
        // The owner's variables reach every shell, also in an environment taken from a warm
        // pool (made before they were known); the terminal's own come last and win.
        let env = [
            environment.session_vars(),
            ["TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"]
                .map(String::from)
                .to_vec(),
        ]
        .concat();
        let runtime = match self.fleet.runtime_for(environment).await {
            Ok(runtime) => runtime,
            Err(FleetError::NodeDown(node)) => return Err(TerminalError::NodeDown(node)),
            Err(unreachable) => return Err(open_error(unreachable.into())),
        };
        let tty = runtime
            .open_tty(&container, command, env, size)
            .await
            .map_err(open_error)?;
        let key: Key = (environment.id.uuid(), session_id.clone());
        let spec = ShellSpec {
            session_id,
            environment: environment.id.uuid(),
            owner: environment.user_id.uuid(),
            container,
        };
        let registry = self.shells.clone();
        let shell = Shell::start(spec, tty, runtime, move |ended| {
            // The slot is the shell's until it ends.
            drop(slot);
            let mut shells = registry.lock().expect("terminal registry lock");
            let key = (ended.environment, ended.session_id.clone());
            if shells
                .get(&key)
                .is_some_and(|current| std::ptr::eq(current.as_ref(), ended))
            {
                shells.remove(&key);
            }
        });
        let mut shells = self.shells.lock().expect("terminal registry lock");
        if let Some(other) = shells.get(&key) {
            // Another connection started this session first: keep theirs, hang ours up.
            self.hangups.request(&shell);
            return Ok(other.clone());
        }
        shells.insert(key, shell.clone());
        Ok(shell)
    }
}

/// Session ids name a pid file and a tmux session inside the environment: keep them plain.
fn valid_session_id(id: String) -> Result<String, TerminalError> {
    let plain = (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain {
        Ok(id)
    } else {
        Err(TerminalError::InvalidSessionId)
    }
}

/// Only an engine that says the container is gone or not running means the caller should
/// start it; anything else (the engine down, a kernel limit such as the keyring quota) is
/// ours, and worth a retry.
fn open_error(err: RuntimeError) -> TerminalError {
    let not_running = match &err {
        RuntimeError::NotFound(_) => true,
        RuntimeError::Rejected(message) => {
            let message = message.to_ascii_lowercase();
            message.contains("not running")
                || message.contains("is paused")
                || message.contains("is restarting")
        }
        RuntimeError::Unavailable(_) => false,
    };
    if not_running {
        TerminalError::NotRunning
    } else {
        tracing::warn!(error = %err, "could not start a shell");
        TerminalError::Unavailable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_are_plain_words() {
        assert!(valid_session_id("tab-1_a".into()).is_ok());
        assert!(valid_session_id("".into()).is_err());
        assert!(valid_session_id("../../etc".into()).is_err());
        assert!(valid_session_id("a b".into()).is_err());
        assert!(valid_session_id("x".repeat(65)).is_err());
    }

    #[test]
    fn only_a_stopped_or_missing_container_is_the_callers_to_fix() {
        let not_running = |err| matches!(open_error(err), TerminalError::NotRunning);
        assert!(not_running(RuntimeError::NotFound(
            "no such container".into()
        )));
        assert!(not_running(RuntimeError::Rejected(
            "Container abc is not running".into()
        )));
        assert!(!not_running(RuntimeError::Rejected(
            "unable to start: disk quota exceeded".into()
        )));
        assert!(!not_running(RuntimeError::Unavailable(
            "connection refused".into()
        )));
    }
}
