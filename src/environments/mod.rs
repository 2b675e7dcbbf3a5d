//! What the API asks of an environment: accept a create (`intake`), find and list it
//! (`records`, `listing`), start, stop and restart it alone or in bulk (`lifecycle`, `bulk`),
//! pause and resume it (`pause`),
//! read its stats and logs, run commands in it (`exec`), export it, delete it. Each concern is
//! a service type over one shared, private context; `Environments` hands them out.
//! Provisioning itself is the workers' (`provisioning`): a create here only enqueues it.

/// A service type over the shared context: `Name::new(shared)`.
macro_rules! service {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name {
            pub(super) shared: std::sync::Arc<super::Shared>,
        }

        impl $name {
            pub(super) fn new(shared: std::sync::Arc<super::Shared>) -> Self {
                Self { shared }
            }
        }
    };
}

mod bulk;
pub mod env_vars;
pub mod error;
pub mod exec;
pub mod export;
pub mod files;
mod fork;
pub mod image_choice;
mod intake;
pub mod labels;
pub mod lifecycle;
mod listing;
pub mod logs;
mod offer;
pub mod osapi;
pub mod pause;
mod pooled;
mod readiness;
mod records;
pub mod request;
#[cfg(test)]
mod request_props;
pub mod snapshots;
pub mod stats;
pub mod view;

use std::sync::Arc;

use sqlx::PgPool;

use crate::broker::events::{EventBus, Subscription};
use crate::broker::queue::JobQueue;
use crate::config::Settings;
use crate::model::{Status, UserId};
use crate::nodes::Fleet;
use crate::provisioning::catalogue::Catalogue;
use crate::runtime::Standbys;

pub use bulk::{BulkOutcome, BulkResult};
pub use error::EnvironmentError;
pub use fork::Forks;
pub use intake::Intake;
pub use lifecycle::{Action, Lifecycle};
pub use offer::Offer;
pub use readiness::Readiness;
pub use records::{Deletion, Records};
pub use snapshots::Snapshots;

pub struct Census {
    pub by_status: Option<Vec<(Status, i64)>>,
    pub queued: Option<u64>,
}

/// What every environment service works with. Private: services are the only way in.
struct Shared {
    pool: PgPool,
    /// The engines: each environment is acted on in the one of its node.
    fleet: Fleet,
    queue: JobQueue,
    events: EventBus,
    catalogue: Arc<Catalogue>,
    settings: Arc<Settings>,
    listings: listing::ListingCache,
    /// Exec shells started ahead of their commands.
    standbys: Arc<Standbys>,
}

impl Shared {
    /// The lookups every service starts from.
    fn records(self: &Arc<Self>) -> Records {
        Records::new(self.clone())
    }
}

/// The environment services, cheap to clone.
#[derive(Clone)]
pub struct Environments {
    shared: Arc<Shared>,
}

impl Environments {
    pub fn new(
        pool: PgPool,
        fleet: Fleet,
        queue: JobQueue,
        events: EventBus,
        catalogue: Arc<Catalogue>,
        settings: Arc<Settings>,
        standbys: Arc<Standbys>,
    ) -> Self {
        let shared = Shared {
            pool,
            fleet,
            queue,
            events,
            catalogue,
            settings,
            listings: listing::ListingCache::default(),
            standbys,
        };
        Self {
            shared: Arc::new(shared),
        }
    }

    /// Accepting creates, and what a caller may ask for.
    pub fn intake(&self) -> Intake {
        Intake::new(self.shared.clone())
    }

    /// Finding, listing, touching and deleting.
    pub fn records(&self) -> Records {
        Records::new(self.shared.clone())
    }

    /// Start, stop and restart, one at a time or many.
    pub fn lifecycle(&self) -> Lifecycle {
        Lifecycle::new(self.shared.clone())
    }

    /// Pause and resume, and the resume that anything run in a paused environment needs.
    pub fn pausing(&self) -> pause::Pausing {
        pause::Pausing::new(self.shared.clone())
    }

    pub fn stats(&self) -> stats::Stats {
        stats::Stats::new(self.shared.clone())
    }

    pub fn logs(&self) -> logs::Logs {
        logs::Logs::new(self.shared.clone())
    }

    /// Resume, start or wait for an environment someone connects to.
    pub fn readiness(&self) -> Readiness {
        Readiness::new(self.shared.clone())
    }

    pub fn exec(&self) -> exec::Exec {
        exec::Exec::new(self.shared.clone())
    }

    /// OSAPI's routes: creates and execs addressed by node, label or `_all`.
    pub fn osapi(&self) -> osapi::Osapi {
        osapi::Osapi::new(self.shared.clone())
    }

    pub fn export(&self) -> export::Export {
        export::Export::new(self.shared.clone())
    }

    pub fn files(&self) -> files::Files {
        files::Files::new(self.shared.clone())
    }

    pub fn snapshots(&self) -> Snapshots {
        Snapshots::new(self.shared.clone())
    }

    pub fn forks(&self) -> Forks {
        Forks::new(self.shared.clone())
    }

    /// How many environments there are in each status, and how many creates wait for a
    /// worker; what cannot be read now is `None`.
    pub async fn census(&self) -> Census {
        let (by_status, queued) = tokio::join!(
            crate::db::containers::count_by_status(&self.shared.pool),
            self.shared.queue.depth()
        );
        Census {
            by_status: by_status.ok(),
            queued: queued.ok(),
        }
    }

    /// The owner's events (progress, lifecycle notifications) as they are published.
    pub fn subscribe(&self, owner: UserId) -> Subscription {
        self.shared.events.subscribe(owner)
    }
}
