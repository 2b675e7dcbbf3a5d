//! Provisioning: workers take jobs from the queue and take each environment through the
//! stages validating → pulling → creating → starting → configuring → ready, recording each in
//! Postgres and announcing it to the owner. The API only enqueues (see `environments`).

pub mod catalogue;
mod claimed;
pub mod committed;
mod configure;
mod creating;
mod halted;
pub mod helper;
mod images;
mod lease;
mod pool_filler;
mod pool_members;
mod progress;
pub mod registries;
mod removal;
pub mod shell;
pub mod shell_options;
mod stage_error;
mod stages;
mod subnets;
mod supervision;
mod watch;
mod worker;

use std::sync::Arc;

use sqlx::PgPool;

use crate::broker::events::EventBus;
use crate::broker::queue::JobQueue;
use crate::config::Settings;
use crate::egress::Guard;
use crate::runtime::{Runtime, Standbys};
use catalogue::Catalogue;

pub use pool_filler::PoolFiller;
pub use progress::{announce, enqueue};
pub use removal::finish_removal;

/// The provisioning pipeline: what each worker runs a job with.
#[derive(Clone)]
pub struct Provisioner {
    pool: PgPool,
    runtime: Runtime,
    egress: Guard,
    queue: JobQueue,
    events: EventBus,
    catalogue: Arc<Catalogue>,
    settings: Arc<Settings>,
    /// Whether the engine has been seen to hold this build's shell scripts.
    scripts_made: Arc<tokio::sync::Mutex<bool>>,
    /// Exec shells started in warm pools' members, for their first command.
    standbys: Arc<Standbys>,
}

/// What a provisioner works with, named: too many for a list of arguments.
pub struct ProvisionerParts {
    pub pool: PgPool,
    pub runtime: Runtime,
    pub egress: Guard,
    pub queue: JobQueue,
    pub events: EventBus,
    pub catalogue: Arc<Catalogue>,
    pub settings: Arc<Settings>,
    pub standbys: Arc<Standbys>,
}

impl Provisioner {
    pub fn new(parts: ProvisionerParts) -> Self {
        Self {
            pool: parts.pool,
            runtime: parts.runtime,
            egress: parts.egress,
            queue: parts.queue,
            events: parts.events,
            catalogue: parts.catalogue,
            settings: parts.settings,
            standbys: parts.standbys,
            scripts_made: Arc::default(),
        }
    }
}
