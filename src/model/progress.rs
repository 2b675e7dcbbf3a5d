//! The `container_progress` event: where provisioning of one environment stands. Built here
//! only, serialised once when published, and read back by nobody: its fields that the event
//! relay needs travel beside it (see `broker::events`).

use serde::{Serialize, Serializer};

use super::{Environment, EnvironmentId, Stage, Status};

/// The event's `type` on /ws/events.
pub const PROGRESS: &str = "container_progress";

/// A step of an environment's life that its owner is told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Stage(Stage),
    Failed,
    Deleted,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Stage(stage) => stage.as_str(),
            Step::Failed => "error",
            Step::Deleted => "deleted",
        }
    }
}

impl Serialize for Step {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct ProgressEvent {
    pub id: EnvironmentId,
    pub name: String,
    pub stage: Step,
    pub message: Option<String>,
    /// Why it failed, for programs: only on `error`, and only when a code applies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub progress: i32,
}

impl ProgressEvent {
    pub fn new(env: &Environment, stage: Step, progress: i32, message: &str) -> Self {
        Self {
            id: env.id,
            name: env.name.clone(),
            stage,
            message: Some(message.to_string()),
            code: (stage == Step::Failed)
                .then(|| env.error_code.clone())
                .flatten(),
            progress,
        }
    }

    /// Where an environment stands as its record says: what a client that connects late, or
    /// a stream that missed an event, is told.
    pub fn of(env: &Environment) -> Self {
        let stage = if env.status == Status::Error {
            Step::Failed
        } else {
            Step::Stage(env.stage)
        };
        Self {
            id: env.id,
            name: env.name.clone(),
            stage,
            message: env.message.clone(),
            code: (stage == Step::Failed)
                .then(|| env.error_code.clone())
                .flatten(),
            progress: env.progress,
        }
    }
}
