//! The tests' shared support (tests/support/, as the api tests have it), and what only the
//! fault tests need: the daemons they stop and start again, and the checks they make before,
//! during and after an outage.

#[path = "../../support/mod.rs"]
#[allow(dead_code)]
mod shared;
pub use shared::*;

pub mod checks;
pub mod daemons;
