//! A command (or a shell without a TTY) on a channel: the client's data is its stdin, its
//! stdout and stderr come back as data and extended data, and its exit code is the exit
//! status the client's `ssh` returns.

use std::sync::Arc;

use futures_util::StreamExt;
use russh::server::Msg;
use russh::{Channel, ChannelMsg, ChannelReadHalf};
use tokio::io::AsyncWriteExt;
use tokio_util::sync::CancellationToken;

use super::activity::Activity;
use super::replies::{finish, refuse, SERVER_FAILURE};
use super::signed_in::SignedIn;
use crate::environments::exec::{Attached, Control};
use crate::model::Environment;
use crate::runtime::{ProcessOutput, ProcessSpec, TtyInput};

pub(super) async fn serve(
    signed_in: Arc<SignedIn>,
    channel: Channel<Msg>,
    environment: Environment,
    spec: ProcessSpec,
) {
    let (reader, writer) = channel.split();
    let exec = signed_in.state.environments.exec();
    let Attached {
        mut output,
        input,
        control,
    } = match exec.attach(&environment, spec).await {
        Ok(attached) => attached,
        Err(err) => return refuse(&writer, &err.to_string()).await,
    };
    let client_gone = CancellationToken::new();
    let ended = signed_in.ended.clone();
    let feeding = tokio::spawn(feed(
        reader,
        input,
        control.clone(),
        Activity::new(&signed_in),
        [client_gone.clone(), ended.clone()],
    ));
    let mut finished = false;
    loop {
        let chunk = tokio::select! {
            chunk = output.next() => chunk,
            _ = client_gone.cancelled() => break,
            _ = ended.cancelled() => break,
        };
        let sent = match chunk {
            Some(Ok(ProcessOutput::Stdout(bytes))) => writer.data_bytes(bytes).await,
            Some(Ok(ProcessOutput::Stderr(bytes))) => writer.extended_data_bytes(1, bytes).await,
            Some(Err(err)) => {
                tracing::warn!(error = %err, "an ssh command's output broke off");
                break;
            }
            None => {
                finished = true;
                break;
            }
        };
        if sent.is_err() {
            break;
        }
    }
    feeding.abort();
    if !finished {
        // Its client went away: the command goes too, as over a real connection.
        control.kill().await;
        return finish(&writer, SERVER_FAILURE).await;
    }
    let status = control
        .exit_code()
        .await
        .and_then(|code| u32::try_from(code).ok())
        .unwrap_or(SERVER_FAILURE);
    finish(&writer, status).await;
}

/// Moves the client's data to the command's stdin until the client closes the channel;
/// the client's end of data closes stdin, as a pipe's would. A command that does not read
/// its stdin holds the data back until the connection ends.
async fn feed(
    mut reader: ChannelReadHalf,
    mut input: TtyInput,
    control: Control,
    mut activity: Activity,
    [client_gone, ended]: [CancellationToken; 2],
) {
    while let Some(message) = reader.wait().await {
        match message {
            ChannelMsg::Data { data } => {
                activity.note().await;
                // A command that closed its stdin still prints: its output decides the end.
                tokio::select! {
                    _ = input.write_all(&data) => {}
                    _ = ended.cancelled() => return,
                }
            }
            ChannelMsg::Eof => {
                let _ = input.shutdown().await;
            }
            ChannelMsg::WindowChange {
                col_width,
                row_height,
                ..
            } => {
                let (cols, rows) = super::replies::size(col_width, row_height);
                control.resize(cols, rows).await;
            }
            ChannelMsg::Close => break,
            _ => {}
        }
    }
    client_gone.cancel();
}
