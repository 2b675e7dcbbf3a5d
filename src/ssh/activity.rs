//! Typing and moving bytes over SSH is using the environment: without telling so, idle
//! housekeeping would stop (or pause) it under someone working in it.

use std::time::{Duration, Instant};

use super::signed_in::SignedIn;
use crate::model::EnvironmentId;
use crate::state::AppState;

/// Recorded at most this often, as the browser terminal does.
const EVERY: Duration = Duration::from_secs(10);

pub(super) struct Activity {
    state: AppState,
    environment: EnvironmentId,
    last: Option<Instant>,
}

impl Activity {
    pub fn new(signed_in: &SignedIn) -> Self {
        Self {
            state: signed_in.state.clone(),
            environment: signed_in.environment.id,
            last: None,
        }
    }

    pub async fn note(&mut self) {
        if self.last.is_some_and(|last| last.elapsed() < EVERY) {
            return;
        }
        self.last = Some(Instant::now());
        self.state
            .environments
            .records()
            .touch(self.environment)
            .await;
    }
}
