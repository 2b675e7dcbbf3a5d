//! sandboxd: a self-hostable backend for sandboxed Linux dev environments.
//!
//! Data flows downward: `api` (the HTTP edge) calls the services (`auth`, `admin`), which call
//! the adapters (`db` for Postgres, `kv` for Redis, `runtime` for Docker).

pub mod admin;
pub mod api;
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod fresh_map;
pub mod housekeeping;
pub mod kv;
pub mod metrics;
pub mod provision;
pub mod queue;
pub mod runtime;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod terminal;
