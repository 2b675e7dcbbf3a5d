//! The model the services, provisioning and housekeeping share: an environment's record,
//! typed ids, status and stage, its progress event and engine names; the tiers that bound
//! it and their egress policy; and the records the API shows as they are kept (API tokens,
//! audit entries, preview share links, SSH keys).

mod audit;
pub mod egress;
pub mod engine_names;
mod environment;
mod error_code;
mod ids;
mod node;
mod pool;
mod preview_share;
mod progress;
mod revocation;
mod snapshot;
mod ssh_key;
mod status;
mod tier;
mod token;
mod workload;

pub use audit::{AuditEntry, NewAuditEntry};
pub use environment::Environment;
pub use error_code::ErrorCode;
pub use ids::{EnvironmentId, JobId, UserId};
pub use node::{is_hostname, Node, NodeChanges};
pub use pool::{Pool, PoolMember, PoolShape, ROLE_WHEN_NONE};
pub use preview_share::PreviewShare;
pub use progress::{ProgressEvent, Step, PROGRESS};
pub use revocation::Revocation;
pub use snapshot::Snapshot;
pub use ssh_key::SshKey;
pub use status::{IdleAction, Stage, Status, UnknownWord};
pub use tier::{LimitOverrides, Tier};
pub use token::ApiToken;
pub use workload::{HostPort, HostVolume, Workload};
