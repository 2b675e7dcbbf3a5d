//! A snapshot: an environment's filesystem kept as an image in the deployment's registry, as
//! its owner sees it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::UserId;

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Snapshot {
    pub id: Uuid,
    #[serde(skip)]
    #[schema(ignore)]
    pub user_id: UserId,
    /// Unique among the owner's snapshots; create from it by this or by `id`.
    #[schema(example = "before-upgrade")]
    pub name: String,
    /// What the image holds, in bytes; it counts towards the tier's storage quota.
    pub size_bytes: i64,
    /// The environment it was taken from, which may be gone since.
    pub container_id: Option<Uuid>,
    pub container_name: String,
    /// The node it was taken on; any node can start it.
    pub node: Option<String>,
    /// The image in the registry.
    #[serde(rename = "image")]
    pub image_ref: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub digest: Option<String>,
    pub created_at: DateTime<Utc>,
}
