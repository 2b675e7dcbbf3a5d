//! The one model of an environment that the API's services, provisioning and housekeeping
//! share: its record, typed ids, status and stage, its progress event, its engine names, and
//! a tier's egress policy.

pub mod egress;
pub mod engine_names;
mod environment;
mod ids;
mod progress;
mod status;

pub use environment::Environment;
pub use ids::{EnvironmentId, JobId, UserId};
pub use progress::{ProgressEvent, Step, PROGRESS};
pub use status::{Stage, Status, UnknownWord};
