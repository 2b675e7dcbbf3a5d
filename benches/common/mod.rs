//! What the benchmarks share: a `sandboxd serve` process of their own over a database of their
//! own, the API calls they make, the engine, the statistics and the results file that
//! `cargo bench --bench report` gathers.

// Each benchmark binary compiles this module and uses only part of it.
#![allow(dead_code)]

pub mod api;
pub mod database;
pub mod in_process;
pub mod load;
pub mod results;
pub mod server;
pub mod settle;
pub mod sockets;
pub mod stage;
pub mod stats;
