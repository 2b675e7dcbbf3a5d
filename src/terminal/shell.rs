//! One running shell in an environment. It outlives the WebSocket that started it, so a
//! client that reconnects within the grace period resumes it; at most one client is attached
//! at a time, and a new one takes over from the old.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::replay::{ReplayBuffer, REPLAY_BYTES};
use crate::runtime::{Runtime, Tty, TtyInput, TtyOutput};

/// Output chunks queued for a client. When a client reads slowly the queue fills, the shell's
/// output stops being read, and the process in the container blocks on its writes: memory
/// stays bounded however fast the shell prints.
const CLIENT_QUEUE: usize = 16;
/// Keystroke batches queued for the shell.
pub const INPUT_QUEUE: usize = 16;

pub enum ShellEvent {
    Output(Bytes),
    /// The shell ended, with its exit code when the engine knows it.
    Exit(Option<i64>),
    /// The engine went away under the shell: whether it still runs is unknown, and a
    /// reconnect starts a new one once the engine is back.
    Lost(String),
}

/// A client's hold on a shell: the replay to draw first, then live events.
pub struct Attachment {
    pub shell: Arc<Shell>,
    pub replay: Vec<u8>,
    pub events: mpsc::Receiver<ShellEvent>,
    generation: u64,
}

impl Attachment {
    pub fn detach(&self) -> bool {
        self.shell.detach(self.generation)
    }
}

pub struct Shell {
    pub session_id: String,
    pub environment: Uuid,
    pub owner: Uuid,
    container: String,
    exec_id: String,
    runtime: Runtime,
    input: mpsc::Sender<Bytes>,
    state: Mutex<State>,
}

struct State {
    replay: ReplayBuffer,
    client: Option<(u64, mpsc::Sender<ShellEvent>)>,
    generation: u64,
    exited: bool,
}

pub struct ShellSpec {
    pub session_id: String,
    pub environment: Uuid,
    pub owner: Uuid,
    pub container: String,
}

impl Shell {
    /// Wraps a started TTY and starts moving its bytes; `on_exit` runs once the shell ends.
    pub fn start(
        spec: ShellSpec,
        tty: Tty,
        runtime: Runtime,
        on_exit: impl FnOnce(&Shell) + Send + 'static,
    ) -> Arc<Shell> {
        let (input_tx, input_rx) = mpsc::channel(INPUT_QUEUE);
        let shell = Arc::new(Shell {
            session_id: spec.session_id,
            environment: spec.environment,
            owner: spec.owner,
            container: spec.container,
            exec_id: tty.exec_id,
            runtime,
            input: input_tx,
            state: Mutex::new(State {
                replay: ReplayBuffer::new(REPLAY_BYTES),
                client: None,
                generation: 0,
                exited: false,
            }),
        });
        tokio::spawn(write_input(tty.input, input_rx));
        let pumping = shell.clone();
        tokio::spawn(async move {
            pumping.pump(tty.output).await;
            on_exit(&pumping);
        });
        shell
    }

    /// Attaches a client, replacing any other: the old one's event stream ends.
    pub fn attach(self: &Arc<Self>) -> Option<Attachment> {
        let (sender, events) = mpsc::channel(CLIENT_QUEUE);
        let mut state = self.state.lock().expect("shell state lock");
        if state.exited {
            return None;
        }
        state.generation += 1;
        let generation = state.generation;
        state.client = Some((generation, sender));
        Some(Attachment {
            shell: self.clone(),
            // Taken under the same lock the pump pushes under: no chunk is both replayed and
            // sent live, and none is lost between the two.
            replay: state.replay.snapshot(),
            events,
            generation,
        })
    }

    /// Lets go of the client `generation`; true when the shell is now unattended.
    fn detach(&self, generation: u64) -> bool {
        let mut state = self.state.lock().expect("shell state lock");
        if matches!(state.client, Some((current, _)) if current == generation) {
            state.client = None;
        }
        state.client.is_none() && !state.exited
    }

    /// Whether nobody has attached since client `generation` left.
    pub fn unattended_since(&self, generation: u64) -> bool {
        let state = self.state.lock().expect("shell state lock");
        state.client.is_none() && state.generation == generation && !state.exited
    }

    pub fn generation(&self) -> u64 {
        self.state.lock().expect("shell state lock").generation
    }

    /// Where keystrokes go; bounded, so a shell that stops reading slows its client down.
    pub fn input(&self) -> mpsc::Sender<Bytes> {
        self.input.clone()
    }

    pub async fn resize(&self, cols: u16, rows: u16) -> Result<(), crate::runtime::RuntimeError> {
        self.runtime.resize_tty(&self.exec_id, cols, rows).await
    }

    /// The engine the shell runs in: its environment's node's.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// The engine name of the container the shell runs in.
    pub fn container(&self) -> &str {
        &self.container
    }

    async fn pump(&self, mut output: TtyOutput) {
        let mut failure = None;
        while let Some(chunk) = output.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(err) => {
                    failure = Some(err);
                    break;
                }
            };
            let client = {
                let mut state = self.state.lock().expect("shell state lock");
                state.replay.push(&chunk);
                state.client.as_ref().map(|(_, sender)| sender.clone())
            };
            if let Some(client) = client {
                // Waits while the client's queue is full; a gone client errors at once.
                let _ = client.send(ShellEvent::Output(chunk)).await;
            }
        }
        let ending = match failure {
            Some(err) if err.is_transient() => ShellEvent::Lost(err.to_string()),
            _ => match self.runtime.exec_exit_code(&self.exec_id).await {
                Ok(code) => ShellEvent::Exit(code),
                Err(err) if err.is_transient() => ShellEvent::Lost(err.to_string()),
                // The exec is gone with its container: the shell ended with it.
                Err(_) => ShellEvent::Exit(None),
            },
        };
        if let ShellEvent::Lost(reason) = &ending {
            tracing::warn!(session_id = self.session_id, %reason, "terminal lost with the engine");
        }
        let client = {
            let mut state = self.state.lock().expect("shell state lock");
            state.exited = true;
            state.client.take()
        };
        if let Some((_, client)) = client {
            let _ = client.send(ending).await;
        }
    }
}

async fn write_input(mut input: TtyInput, mut keystrokes: mpsc::Receiver<Bytes>) {
    while let Some(bytes) = keystrokes.recv().await {
        if input.write_all(&bytes).await.is_err() || input.flush().await.is_err() {
            break;
        }
    }
    let _ = input.shutdown().await;
}
