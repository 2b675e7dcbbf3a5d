//! Following an environment's stages until it is ready: a live bar on a terminal, a line per
//! stage otherwise. Events come from `/ws/events`; if that socket is lost, polling carries on.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use super::environment_path;
use crate::client::{ApiClient, ClientError, Socket, SocketMessage};

const POLL_EVERY: Duration = Duration::from_millis(300);

/// Shows one environment's stages.
pub struct StageDisplay {
    bar: Option<ProgressBar>,
    last_stage: String,
    shown: u64,
    quiet: bool,
}

impl StageDisplay {
    /// `quiet` (for `--output json`) shows nothing.
    pub fn new(name: &str, quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(100);
            bar.set_style(
                ProgressStyle::with_template("{prefix:.bold} [{bar:30.cyan/blue}] {pos:>3}% {msg}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar.set_prefix(name.to_string());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self {
            bar,
            last_stage: String::new(),
            shown: 0,
            quiet,
        }
    }

    pub fn show(&mut self, stage: &str, message: &str, progress: u64) {
        // Events of one create may arrive out of order (the API's and the worker's): the
        // display never goes back.
        if progress < self.shown && stage != "error" {
            return;
        }
        self.shown = progress;
        match &self.bar {
            Some(bar) => {
                bar.set_position(progress.min(100));
                bar.set_message(format!("{stage}: {message}"));
            }
            None if !self.quiet && stage != self.last_stage => {
                eprintln!("{progress:>3}% {stage}: {message}");
            }
            None => {}
        }
        self.last_stage = stage.to_string();
    }

    pub fn finish(&self, ok: bool) {
        if let Some(bar) = &self.bar {
            if ok {
                bar.finish();
            } else {
                bar.abandon();
            }
        }
    }
}

/// Waits until environment `id` is ready or has failed, showing each stage. `events` should
/// be connected before the create was sent, so no stage is missed.
/// The environment once ready; its failure's code and message as the error otherwise.
pub async fn follow(
    client: &ApiClient,
    id: &str,
    mut events: Option<Socket>,
    display: &mut StageDisplay,
    timeout: Duration,
) -> Result<Value, ClientError> {
    let deadline = Instant::now() + timeout;
    loop {
        if Instant::now() > deadline {
            return Err(ClientError::Usage(format!(
                "still not ready after {} s",
                timeout.as_secs()
            )));
        }
        let heard = match events.as_mut() {
            Some(socket) => match tokio::time::timeout(POLL_EVERY * 10, socket.next()).await {
                Ok(Some(Ok(SocketMessage::Text(text)))) => progress_of(&text, id),
                Ok(Some(Ok(SocketMessage::Binary(_)))) | Err(_) => None,
                Ok(None | Some(Err(_))) => {
                    events = None;
                    None
                }
            },
            None => {
                tokio::time::sleep(POLL_EVERY).await;
                None
            }
        };
        if let Some((stage, message, progress)) = heard {
            display.show(&stage, &message, progress);
            if stage != "ready" && stage != "error" {
                continue;
            }
        }
        // The environment itself is the answer: events may be missed, it may not.
        let environment: Value = client.get(&environment_path(id)).await?;
        let stage = environment["stage"].as_str().unwrap_or_default();
        let status = environment["status"].as_str().unwrap_or_default();
        let progress = environment["progress"].as_u64().unwrap_or(0);
        let message = environment["message"].as_str().unwrap_or_default();
        display.show(stage, message, progress);
        if stage == "error" || status == "error" {
            display.finish(false);
            let name = environment["name"].as_str().unwrap_or(id);
            let code = environment["code"]
                .as_str()
                .unwrap_or("PROVISIONING_FAILED");
            let message = format!("{name} failed: {}", message_or(message));
            return Err(ClientError::refused(code, &message));
        }
        if stage == "ready" {
            display.finish(true);
            return Ok(environment);
        }
    }
}

fn message_or(message: &str) -> &str {
    match message {
        "" => "provisioning failed",
        message => message,
    }
}

/// A `container_progress` frame about `id`: its stage, message and progress.
fn progress_of(frame: &str, id: &str) -> Option<(String, String, u64)> {
    let frame: Value = serde_json::from_str(frame).ok()?;
    if frame["type"] != "container_progress" || frame["data"]["id"] != id {
        return None;
    }
    let data = &frame["data"];
    Some((
        data["stage"].as_str()?.to_string(),
        data["message"].as_str().unwrap_or_default().to_string(),
        data["progress"].as_u64().unwrap_or(0),
    ))
}

#[cfg(test)]
mod tests {
    use super::progress_of;

    #[test]
    fn only_the_environments_own_progress_counts() {
        let frame = r#"{"type":"container_progress","data":{"id":"a","stage":"starting","message":"up","progress":60}}"#;
        assert_eq!(
            progress_of(frame, "a"),
            Some(("starting".into(), "up".into(), 60))
        );
        assert_eq!(progress_of(frame, "b"), None);
        assert_eq!(
            progress_of(
                r#"{"type":"container.start.completed","data":{"id":"a"}}"#,
                "a"
            ),
            None
        );
    }
}
