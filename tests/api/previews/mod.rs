//! Previews: a browser or a script reaches the web app someone runs in their environment,
//! and nobody else does.

mod boundaries;
mod connection;
mod links;
mod port_forward;
mod proxying;
mod sharing;
mod site;
mod unreachable;
mod waking;
