//! Resizes reach the engine at most every `EVERY`: a client dragging a window (or a script
//! sending thousands) costs one engine call per interval, and the last size asked for is the
//! one that stays.

use std::time::Duration;

use actix_ws::Session;
use tokio::time::Instant;

use crate::terminal::protocol;
use crate::terminal::{Attachment, MAX_DIMENSION};

const EVERY: Duration = Duration::from_millis(100);

pub(super) struct ResizeThrottle {
    next: Instant,
    waiting: Option<(u16, u16)>,
}

impl ResizeThrottle {
    pub(super) fn new() -> Self {
        Self {
            next: Instant::now(),
            waiting: None,
        }
    }

    /// The size to apply now, or `None` when it waits for `due`.
    pub(super) fn offer(&mut self, size: (u16, u16)) -> Option<(u16, u16)> {
        let now = Instant::now();
        if now >= self.next && self.waiting.is_none() {
            self.next = now + EVERY;
            Some(size)
        } else {
            self.waiting = Some(size);
            None
        }
    }

    pub(super) fn is_waiting(&self) -> bool {
        self.waiting.is_some()
    }

    /// Resolves when the waiting size may be applied, and hands it over.
    pub(super) async fn due(&mut self) -> Option<(u16, u16)> {
        tokio::time::sleep_until(self.next).await;
        self.next = Instant::now() + EVERY;
        self.waiting.take()
    }
}

/// Applies a size the client asked for, or tells it why not.
pub(super) async fn apply(session: &mut Session, attachment: &Attachment, cols: u16, rows: u16) {
    let valid = (1..=MAX_DIMENSION).contains(&cols) && (1..=MAX_DIMENSION).contains(&rows);
    if !valid {
        let message = format!("cols and rows must be between 1 and {MAX_DIMENSION}");
        let _ = session
            .text(protocol::error("INVALID_TERMINAL_SIZE", &message))
            .await;
        return;
    }
    if let Err(err) = attachment.shell.resize(cols, rows).await {
        tracing::debug!(error = %err, "resizing a terminal failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_burst_applies_the_first_size_at_once_and_the_last_one_after_the_interval() {
        let mut throttle = ResizeThrottle::new();
        assert_eq!(throttle.offer((80, 24)), Some((80, 24)));
        for cols in 81..200 {
            assert_eq!(throttle.offer((cols, 24)), None);
        }
        assert!(throttle.is_waiting());
        let started = Instant::now();
        assert_eq!(throttle.due().await, Some((199, 24)));
        assert!(started.elapsed() >= EVERY - Duration::from_millis(1));
        assert!(!throttle.is_waiting());
    }
}
