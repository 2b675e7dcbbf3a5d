//! What can go wrong when opening a terminal, in terms the edge turns into the API's error
//! body. Engine failures are logged where they happen and reach the caller as fixed words.

#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    #[error("this environment already has {0} terminals open; close one first")]
    TooMany(usize),
    #[error("session must be 1-64 letters, digits, '-' or '_'")]
    InvalidSessionId,
    /// The engine says the container is stopped, paused or gone: the caller should start it.
    #[error("the environment's container is not running")]
    NotRunning,
    /// The node the environment lives on is down.
    #[error("the environment's node {0} is down; try again once it is back")]
    NodeDown(String),
    /// The engine could not give us a shell; worth a retry.
    #[error("could not start a shell, retry shortly")]
    Unavailable,
    /// A broken invariant: logged, and shown to the caller as an internal error.
    #[error("{0}")]
    Internal(&'static str),
}
