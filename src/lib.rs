//! sandboxd: a self-hostable backend for sandboxed Linux dev environments.
//!
//! Data flows downward: the edges (`api`, HTTP and WebSocket; `ssh`) call the services,
//! which call the adapters. Only the HTTP edge knows actix, only the SSH edge russh's
//! server. The API says "container" where the code says "environment".

// The edges.
pub mod api; // HTTP and WebSocket handlers, the OpenAPI document, the one error body
pub mod cli; // the command-line client and the MCP server: they call the API through `client`
pub mod ssh; // the SSH edge: shells, commands, SFTP and port forwards in environments
pub mod startup; // builds the services, binds the server, spawns workers and housekeeping
pub mod state; // what every handler may reach: the services

// Services.
pub mod admin; // tiers, users, every environment, the audit log, admin statistics
pub mod auth; // accounts, passwords, JWTs, API tokens, scopes, rate limits
pub mod connections; // open event streams and terminals by principal: per-user cap, revocation
pub mod egress; // each user's network gets their tier's egress policy, kept within seconds
pub mod environments; // what the API asks of an environment: create, view, lifecycle, exec, ...
pub mod housekeeping; // expiry, idle stops, reconciling the engine with Postgres, sweeps
pub mod nodes; // the engines environments run on: registration, heartbeats, state
pub mod placement; // which node an environment lives on, chosen in the create's transaction
pub mod previews; // signed links to an environment's port, and where they lead
pub mod provisioning; // the workers and their stages, shell scripts, the image catalogue
pub mod terminal; // interactive shells over a TTY exec, with replay and reattach

// The shared model.
pub mod model; // Environment, Status, Stage, typed ids, progress event, engine names, tiers, tokens, audit

// Adapters.
pub mod broker; // Redis: connection, work queue (Streams), event fan-out and revocations (pub/sub), the freezing ledger
pub mod client; // the public API as a client calls it, over HTTP(S) and WebSockets
pub mod db; // Postgres: one module per table family, SQL in sql/
pub mod firewall; // the host's iptables: the egress chains, made idempotently
pub mod runtime; // the Docker engine: containers, exec, TTYs, images, networks, stats

// Cross-cutting.
pub mod config; // settings from SANDBOXD_* variables
pub mod error; // the one HTTP error body
pub mod expiring_map; // a bounded map whose entries expire (the caches' building block)
pub mod health; // readiness of Postgres, Redis and the engine
pub mod metrics; // Prometheus counters and gauges
pub mod telemetry; // tracing output
