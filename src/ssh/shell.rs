//! An interactive shell on a TTY (plain `ssh ENV`): the terminal service's shell, the same
//! one a browser terminal gets (tmux included when the environment asked for it). SSH has
//! no reattach, so a client that goes away hangs its shell up at once.

use std::sync::Arc;

use bytes::Bytes;
use russh::server::Msg;
use russh::{Channel, ChannelMsg, ChannelReadHalf};
use tokio_util::sync::CancellationToken;

use super::activity::Activity;
use super::replies::{finish, refuse, Pty, SERVER_FAILURE};
use super::signed_in::SignedIn;
use crate::model::Environment;
use crate::terminal::{OpenRequest, Shell, ShellEvent};

pub(super) async fn serve(
    signed_in: Arc<SignedIn>,
    channel: Channel<Msg>,
    environment: Environment,
    pty: Pty,
) {
    let (reader, writer) = channel.split();
    let terminals = &signed_in.state.terminals;
    let request = OpenRequest {
        session_id: None,
        size: pty.size,
    };
    let mut attachment = match terminals.open(&environment, request).await {
        Ok(opened) => opened.attachment,
        Err(err) => return refuse(&writer, &err.to_string()).await,
    };
    let shell = attachment.shell.clone();
    let client_gone = CancellationToken::new();
    let activity = Activity::new(&signed_in);
    let typing = tokio::spawn(type_into(
        reader,
        shell.clone(),
        activity,
        client_gone.clone(),
    ));
    let ended = signed_in.ended.clone();
    let mut status = SERVER_FAILURE;
    if !attachment.replay.is_empty() {
        let _ = writer
            .data_bytes(std::mem::take(&mut attachment.replay))
            .await;
    }
    loop {
        tokio::select! {
            event = attachment.events.recv() => match event {
                Some(ShellEvent::Output(bytes)) => {
                    if writer.data_bytes(bytes).await.is_err() {
                        break;
                    }
                }
                Some(ShellEvent::Exit(code)) => {
                    status = code
                        .and_then(|code| u32::try_from(code).ok())
                        .unwrap_or(SERVER_FAILURE);
                    break;
                }
                Some(ShellEvent::Lost(reason)) => {
                    let line = super::progress::line(&format!("the shell was lost: {reason}"));
                    let _ = writer.extended_data_bytes(1, line).await;
                    break;
                }
                None => break,
            },
            _ = client_gone.cancelled() => break,
            _ = ended.cancelled() => break,
        }
    }
    typing.abort();
    terminals.hang_up(&shell);
    finish(&writer, status).await;
}

/// Keystrokes and resizes from the client, until it closes the channel. The end of its
/// input is not the end of the shell: `printf 'make\nexit\n' | ssh -tt` runs to its exit.
async fn type_into(
    mut reader: ChannelReadHalf,
    shell: Arc<Shell>,
    mut activity: Activity,
    client_gone: CancellationToken,
) {
    let input = shell.input();
    while let Some(message) = reader.wait().await {
        match message {
            ChannelMsg::Data { data } => {
                activity.note().await;
                let typed = input.send(Bytes::copy_from_slice(&data)).await;
                if typed.is_err() {
                    break;
                }
            }
            ChannelMsg::WindowChange {
                col_width,
                row_height,
                ..
            } => {
                let (cols, rows) = super::replies::size(col_width, row_height);
                if let Err(err) = shell.resize(cols, rows).await {
                    tracing::debug!(error = %err, "resizing an ssh shell failed");
                }
            }
            ChannelMsg::Close => break,
            _ => {}
        }
    }
    client_gone.cancel();
}
