//! What the benchmarks share: a `sandboxd serve` process of their own, the engine, the
//! statistics and the results file that `cargo bench --bench report` gathers.

// Each benchmark binary compiles this module and uses only part of it.
#![allow(dead_code)]

pub mod database;
pub mod load;
pub mod results;
pub mod server;
pub mod stats;
