//! Warm pools: per node, environments of one shape (a catalogue image, a role, a tier's
//! default limits) made and started ahead of time for creates to take.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// What a create that names no role matches: configuring treats the two alike.
pub const ROLE_WHEN_NONE: &str = "barebone";

/// A pool as admins see it.
#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct Pool {
    pub id: Uuid,
    pub node: String,
    /// A catalogue name, such as `debian:bookworm`.
    pub image: String,
    pub role: String,
    /// The tier whose default memory, CPU and disk its environments have.
    pub tier: String,
    /// How many it keeps ready; 0 is off.
    pub size: i32,
    /// Members ready to be taken.
    pub ready: i64,
    /// Members being made.
    pub making: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A pool of one node with the shape its tier gives its members now.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PoolShape {
    pub id: Uuid,
    pub image: String,
    pub role: String,
    pub size: i32,
    pub memory_mb: i32,
    pub cpu_millicores: i32,
    pub disk_mb: i32,
}

/// One environment of a pool, made or being made, not yet taken.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PoolMember {
    pub id: Uuid,
    pub pool_id: Uuid,
    pub image_ref: String,
    pub role: String,
    pub memory_mb: i32,
    pub cpu_millicores: i32,
    pub disk_mb: i32,
    pub ready: bool,
    pub docker_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl PoolMember {
    /// Whether it was made as `pool` would make one now.
    pub fn fits(&self, pool: &PoolShape, image_ref: &str) -> bool {
        self.pool_id == pool.id
            && self.image_ref == image_ref
            && self.role == pool.role
            && self.memory_mb == pool.memory_mb
            && self.cpu_millicores == pool.cpu_millicores
            && self.disk_mb == pool.disk_mb
    }
}
