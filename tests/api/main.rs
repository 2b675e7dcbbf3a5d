//! The API against the real stack, one folder per concern; what the tests share is in
//! tests/support/, which the fault tests include too.

#[path = "../support/mod.rs"]
mod support;

mod abuse;
mod admin;
mod auth;
mod browser;
mod capacity;
mod cli;
mod containers;
mod egress;
mod escape;
mod fairness;
mod files;
mod housekeeping;
mod isolation;
mod nodes;
mod osapi;
mod pools;
mod previews;
mod retention;
mod snapshots;
mod ssh;
mod surface;
mod terminal;
