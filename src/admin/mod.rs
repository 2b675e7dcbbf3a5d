//! Administration: the seeded admin account (and, later, tier and user management).

pub mod seed;
