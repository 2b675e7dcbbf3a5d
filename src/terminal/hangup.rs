//! Hanging shells up when nobody came back for them. Shells whose clients left together (a
//! browser closing its tabs, a proxy dropping every connection) go out in a few execs per
//! environment, not one exec each: a thousand execs at once swamp the engine, and most of them
//! time out with their shells still running.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, Semaphore};

use super::Shell;
use crate::provisioning::helper::BUSYBOX;
use crate::runtime::{Runtime, RuntimeError};

const SCRIPT: &str = include_str!("hangup.sh");
/// Hang-up execs in flight at once; whatever arrives meanwhile waits and joins the next round.
const CONCURRENT_EXECS: usize = 4;
/// Session ids per exec, well inside any argument-length limit.
const SESSIONS_PER_EXEC: usize = 200;
const ATTEMPTS: u32 = 3;
/// The script gives the shells two seconds before killing them; the rest is a busy engine.
const EXEC_TIMEOUT: Duration = Duration::from_secs(30);

/// A shell to hang up: the engine and container it runs in, and its terminal session id.
struct Request {
    runtime: Runtime,
    container: String,
    session_id: String,
}

#[derive(Clone)]
pub struct Hangups {
    requests: mpsc::UnboundedSender<Request>,
}

impl Hangups {
    /// Starts the task that sends hang-ups out; needs a Tokio runtime.
    pub fn start() -> Self {
        let (requests, queue) = mpsc::unbounded_channel();
        tokio::spawn(send_out(queue));
        Self { requests }
    }

    pub fn request(&self, shell: &Shell) {
        let _ = self.requests.send(Request {
            runtime: shell.runtime().clone(),
            container: shell.container().to_string(),
            session_id: shell.session_id.clone(),
        });
    }
}

async fn send_out(mut queue: mpsc::UnboundedReceiver<Request>) {
    let in_flight = Arc::new(Semaphore::new(CONCURRENT_EXECS));
    while let Some(first) = queue.recv().await {
        // Container names are unique across nodes (an environment's id), so one container's
        // shells are all in one engine.
        let mut rounds: HashMap<String, (Runtime, Vec<String>)> = HashMap::new();
        let mut next = Some(first);
        while let Some(request) = next {
            rounds
                .entry(request.container)
                .or_insert_with(|| (request.runtime, Vec::new()))
                .1
                .push(request.session_id);
            next = queue.try_recv().ok();
        }
        for (container, (runtime, sessions)) in rounds {
            for batch in sessions.chunks(SESSIONS_PER_EXEC) {
                let Ok(permit) = in_flight.clone().acquire_owned().await else {
                    return;
                };
                let (runtime, container, batch) =
                    (runtime.clone(), container.clone(), batch.to_vec());
                tokio::spawn(async move {
                    hang_up(&runtime, &container, &batch).await;
                    drop(permit);
                });
            }
        }
    }
}

/// Runs the hang-up script for `sessions`, retrying while the engine struggles: a shell left
/// running would hold a slot of the environment's terminal cap.
async fn hang_up(runtime: &Runtime, container: &str, sessions: &[String]) {
    let command = |shell: &[&str]| {
        let mut command: Vec<String> = shell.iter().map(|part| part.to_string()).collect();
        command.extend(["-c", SCRIPT, "sandboxd-hangup"].map(String::from));
        command.extend(sessions.iter().cloned());
        command
    };
    let ours = command(&[BUSYBOX, "sh"]);
    // Environments made before the scripts carried a busybox have only their own shell.
    let theirs = command(&["sh"]);
    for attempt in 1..=ATTEMPTS {
        let mut result = runtime
            .exec(container, ours.clone(), Vec::new(), EXEC_TIMEOUT)
            .await;
        if matches!(&result, Ok(output) if output.exit_code == 126 || output.exit_code == 127) {
            result = runtime
                .exec(container, theirs.clone(), Vec::new(), EXEC_TIMEOUT)
                .await;
        }
        match result {
            // A container that is gone took its shells with it.
            Ok(_) | Err(RuntimeError::NotFound(_)) => return,
            Err(err) if attempt == ATTEMPTS => {
                tracing::warn!(error = %err, container, shells = sessions.len(), "could not hang up terminals");
            }
            Err(err) => {
                tracing::debug!(error = %err, container, attempt, "hanging up terminals failed; retrying");
                tokio::time::sleep(Duration::from_millis(500 * u64::from(attempt))).await;
            }
        }
    }
}
