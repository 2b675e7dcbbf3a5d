//! What the tests share: an application of their own per test, accounts and tiers, creating
//! environments and waiting on them, the Docker engine seen through its CLI, and clients for
//! the event stream and the terminal. Both test binaries (`api` and `faults`) include it.

pub mod accounts;
pub mod app;
pub mod engine;
pub mod provisioning;
pub mod terminal;
pub mod tiers;
pub mod ws;
