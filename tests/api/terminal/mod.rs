//! The terminal over `/ws/terminal/{id}`: its protocol, and sessions kept and resumed.

mod protocol;
mod resume;
