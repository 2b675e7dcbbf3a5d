//! The admin API: who may use it, and what it manages.

mod access;
mod manage;
mod node_placement;
mod nodes;
