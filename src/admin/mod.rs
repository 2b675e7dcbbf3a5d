//! Administration: the seeded admin account, tiers, users and their limits, and every
//! environment whoever owns it.

pub mod environments;
pub mod seed;
pub mod stats;
pub mod tiers;
pub mod users;

use sqlx::PgPool;

use crate::provision::Provisioner;

#[derive(Clone)]
pub struct Admin {
    pub pool: PgPool,
    pub provisioner: Provisioner,
}
