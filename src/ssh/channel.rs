//! A session channel, from its requests to what serves it: a TTY and variables are noted,
//! then a shell, a command or the SFTP subsystem takes the channel over, once its
//! environment runs (started or resumed first, with progress on stderr).

use std::sync::Arc;

use russh::server::Msg;
use russh::{Channel, ChannelMsg};
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

use super::replies::{size, Pty, SERVER_FAILURE};
use super::signed_in::SignedIn;
use super::{command, progress, sftp, shell};
use crate::model::Environment;
use crate::runtime::ProcessSpec;

/// Variables a client may set on one channel, and the bytes of each: what editors and
/// locales send, and a bound on what a client can make the server hold.
const MAX_VARIABLES: usize = 64;
const MAX_VARIABLE_BYTES: usize = 4096;
pub(super) async fn serve(signed_in: Arc<SignedIn>, mut channel: Channel<Msg>) {
    let mut pty = None;
    let mut env = Vec::new();
    while let Some(message) = channel.wait().await {
        match message {
            ChannelMsg::RequestPty {
                term,
                col_width,
                row_height,
                ..
            } => {
                pty = Some(Pty {
                    term,
                    size: size(col_width, row_height),
                })
            }
            ChannelMsg::SetEnv {
                variable_name,
                variable_value,
                ..
            } if env.len() < MAX_VARIABLES && is_variable(&variable_name, &variable_value) => {
                env.push(format!("{variable_name}={variable_value}"));
            }
            ChannelMsg::RequestShell { .. } => {
                return start(signed_in, channel, pty, env, None).await;
            }
            ChannelMsg::Exec { command, .. } => {
                let command = String::from_utf8_lossy(&command).into_owned();
                return start(signed_in, channel, pty, env, Some(command)).await;
            }
            ChannelMsg::RequestSubsystem { name, .. } if name == "sftp" => {
                if let Some(environment) = ready(&signed_in, &channel).await {
                    sftp::serve(signed_in, environment, channel).await;
                }
                return;
            }
            ChannelMsg::Eof | ChannelMsg::Close => return,
            _ => {}
        }
    }
}

async fn start(
    signed_in: Arc<SignedIn>,
    channel: Channel<Msg>,
    pty: Option<Pty>,
    mut env: Vec<String>,
    command: Option<String>,
) {
    let Some(environment) = ready(&signed_in, &channel).await else {
        return;
    };
    let (command, tty) = match (command, pty) {
        (None, Some(pty)) => return shell::serve(signed_in, channel, environment, pty).await,
        // OpenSSH runs a command through the user's shell: `sh -c` is in every image.
        (Some(command), pty) => (vec!["sh".into(), "-c".into(), command], pty),
        // A shell without a TTY (`ssh -T`): a login shell reading commands from stdin.
        (None, None) => (vec!["sh".into(), "-l".into()], None),
    };
    if let Some(pty) = &tty {
        env.push(format!("TERM={}", pty.term));
    }
    let spec = ProcessSpec {
        command,
        env,
        tty: tty.map(|pty| pty.size),
        working_dir: None,
    };
    command::serve(signed_in, channel, environment, spec).await
}

/// The environment once it runs, telling each step on the channel's stderr; on failure the
/// reason is told instead and the channel closed.
async fn ready(signed_in: &SignedIn, channel: &Channel<Msg>) -> Option<Environment> {
    let mut stderr = channel.make_writer_ext(Some(1));
    let (lines, mut heard) = mpsc::unbounded_channel::<String>();
    let readiness = signed_in.state.environments.readiness();
    let reference = signed_in.reference();
    let waiting = readiness.running(&signed_in.principal, &reference, move |line| {
        let _ = lines.send(line);
    });
    tokio::pin!(waiting);
    let outcome = loop {
        tokio::select! {
            outcome = &mut waiting => break outcome,
            Some(line) = heard.recv() => {
                let _ = stderr.write_all(&progress::line(&line)).await;
            }
        }
    };
    while let Ok(line) = heard.try_recv() {
        let _ = stderr.write_all(&progress::line(&line)).await;
    }
    match outcome {
        Ok(environment) => Some(environment),
        Err(err) => {
            let _ = stderr.write_all(&progress::line(&err.to_string())).await;
            let _ = stderr.flush().await;
            let _ = channel.exit_status(SERVER_FAILURE).await;
            let _ = channel.eof().await;
            let _ = channel.close().await;
            None
        }
    }
}

fn is_variable(name: &str, value: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() + value.len() <= MAX_VARIABLE_BYTES
        && !value.contains('\0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_variable_names_are_taken() {
        assert!(is_variable("LANG", "C.UTF-8"));
        assert!(is_variable("_X1", ""));
        assert!(!is_variable("1X", "a"));
        assert!(!is_variable("A-B", "a"));
        assert!(!is_variable("", "a"));
        assert!(!is_variable("A", &"x".repeat(MAX_VARIABLE_BYTES)));
    }
}
