//! The configuring stage's two halves: the shared scripts every environment mounts, made once
//! per engine, and the wait for an environment's first process to report that it applied them.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::StreamExt;

use super::stage_error::StageError;
use super::{shell, Provisioner};
use crate::model::engine_names::labels;
use crate::runtime::{RuntimeError, SharedFiles};

/// Of an environment's output while it configures, what is kept to explain a failure.
const KEPT_LINES: usize = 20;
const KEPT_LINE_LENGTH: usize = 300;
/// A line longer than this is read as several.
const LONGEST_LINE: usize = 4096;
/// Restarts of the container (under its restart policy) waited through before giving up.
const RESTARTS_FOLLOWED: usize = 3;

impl Provisioner {
    /// The `volumes_from` entry that gives a container the scripts, making their holder first
    /// when this process has not seen it yet.
    pub(crate) async fn scripts_mount(&self) -> Result<String, StageError> {
        let holder = shell::scripts_holder();
        // Held while the holder is made: workers starting together make it once.
        let mut made = self.scripts_made.lock().await;
        if !*made {
            self.runtime
                .ensure_shared_files(SharedFiles {
                    holder: &holder.container,
                    image: &holder.image,
                    directory: shell::DIRECTORY,
                    archive: &holder.archive,
                    labels: [
                        (labels::MANAGED.to_string(), "true".to_string()),
                        (labels::SHELL_SCRIPTS.to_string(), holder.version.clone()),
                    ]
                    .into(),
                })
                .await?;
            *made = true;
        }
        Ok(format!("{}:ro", holder.container))
    }

    /// For a holder removed since it was made: the next `scripts_mount` makes it again.
    pub(super) async fn forget_scripts(&self) {
        *self.scripts_made.lock().await = false;
    }

    /// Follows the container's output, from its start, until boot.sh reports configuring done.
    pub(super) async fn wait_configured(&self, container: &str) -> Result<(), StageError> {
        let mut recent = RecentLines::default();
        let timeout = self.settings.configure_timeout;
        let report = tokio::time::timeout(timeout, async {
            for _ in 0..=RESTARTS_FOLLOWED {
                if let Some(status) = self.follow_for_report(container, &mut recent).await? {
                    return Ok(Some(status));
                }
                // The output ends when the container stops; under its restart policy (after
                // running out of memory, say) boot.sh starts over and reports again.
                if !self
                    .runtime
                    .describe(container)
                    .await?
                    .running_or_restarting
                {
                    break;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            Ok::<_, RuntimeError>(None)
        })
        .await
        .map_err(|_| StageError::Permanent(not_reported(timeout, &recent)))??;
        match report {
            Some(0) => Ok(()),
            Some(status) => Err(StageError::Permanent(format!(
                "configuring failed (exit {status}): {}",
                recent.reason().unwrap_or("no output")
            ))),
            None => Err(StageError::Permanent(format!(
                "the environment stopped while configuring: {}",
                recent.reason().unwrap_or("does the image have /bin/sh?")
            ))),
        }
    }

    /// Reads the container's output until the report, or until it ends.
    async fn follow_for_report(
        &self,
        container: &str,
        recent: &mut RecentLines,
    ) -> Result<Option<i64>, RuntimeError> {
        let mut output = self.runtime.logs(container, None, true, false).await?;
        let mut pending: Vec<u8> = Vec::new();
        while let Some(chunk) = output.next().await {
            let (_, bytes) = chunk?;
            let mut searched = pending.len();
            pending.extend_from_slice(&bytes);
            // Only new bytes are searched, and an endless line is cut, so what an image prints
            // costs time and memory in proportion to its length.
            while let Some(end) = next_line_end(&pending, searched) {
                let line = String::from_utf8_lossy(&pending[..end]).into_owned();
                pending.drain(..end);
                searched = 0;
                if let Some(status) = shell::configured_status(&line) {
                    return Ok(Some(status));
                }
                recent.push(&line);
            }
        }
        Ok(None)
    }
}

/// Why an environment that never reported failed, in words its owner can act on.
fn not_reported(timeout: Duration, recent: &RecentLines) -> String {
    let mut message = format!(
        "the environment did not report that it was configured within {} s: its image must \
         run sandboxd's boot script with a working /bin/sh, and a role must install in time",
        timeout.as_secs()
    );
    if let Some(last) = recent.reason() {
        message.push_str(&format!(" (last output: {last})"));
    }
    message
}

/// Where the first line of `pending` ends (after its newline, or at [`LONGEST_LINE`]), looking
/// from `from` on.
fn next_line_end(pending: &[u8], from: usize) -> Option<usize> {
    let newline = pending[from..].iter().position(|&byte| byte == b'\n');
    match newline.map(|at| from + at + 1) {
        Some(end) if end <= LONGEST_LINE => Some(end),
        _ if pending.len() >= LONGEST_LINE => Some(LONGEST_LINE),
        _ => None,
    }
}

/// The environment's last lines while it configures, each cut short, to explain a failure.
#[derive(Default)]
struct RecentLines(VecDeque<String>);

impl RecentLines {
    fn push(&mut self, line: &str) {
        if self.0.len() == KEPT_LINES {
            self.0.pop_front();
        }
        let line = line.trim();
        let mut cut = line.len().min(KEPT_LINE_LENGTH);
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        self.0.push_back(line[..cut].to_string());
    }

    /// The last thing the environment said: configure.sh's reason, when it gives up.
    fn reason(&self) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|line| !line.is_empty())
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_after_their_newline_or_at_the_longest_line() {
        assert_eq!(next_line_end(b"abc\ndef", 0), Some(4));
        assert_eq!(next_line_end(b"abc\ndef", 4), None);
        assert_eq!(next_line_end(b"no end yet", 3), None);
        let endless = vec![b'x'; LONGEST_LINE + 10];
        assert_eq!(next_line_end(&endless, LONGEST_LINE), Some(LONGEST_LINE));
        let mut late = vec![b'x'; LONGEST_LINE + 10];
        late.push(b'\n');
        assert_eq!(next_line_end(&late, 0), Some(LONGEST_LINE));
    }

    #[test]
    fn only_the_last_lines_are_kept_each_cut_short_on_a_character() {
        let mut recent = RecentLines::default();
        for index in 0..KEPT_LINES + 5 {
            recent.push(&format!("line {index}\n"));
        }
        recent.push("  \n");
        assert_eq!(recent.0.len(), KEPT_LINES);
        assert_eq!(
            recent.reason(),
            Some(format!("line {}", KEPT_LINES + 4).as_str())
        );
        recent.push(&"é".repeat(KEPT_LINE_LENGTH));
        let last = recent.reason().unwrap();
        assert!(last.len() <= KEPT_LINE_LENGTH && last.chars().all(|c| c == 'é'));
    }
}
