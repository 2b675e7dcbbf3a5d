//! Placement: which node an environment lives on. The choice, the caller's quota check and
//! the record of the choice are one Postgres transaction, and a node is locked while it is
//! being given an environment, so two API processes placing at once never overfill it.

mod choose;
pub mod target;
pub mod waiting;

use std::time::Duration;

use sqlx::PgConnection;

use crate::db;
use crate::db::placement::Among;
pub use choose::Need;
pub use target::Target;

/// Where the environment went.
#[derive(Debug, PartialEq, Eq)]
pub enum Placed {
    On(String),
    /// No node it may go to has room now: it waits.
    NoRoom,
}

fn among(target: &Target) -> Among<'_> {
    match target {
        Target::Any => Among {
            name: None,
            label: None,
        },
        Target::Label { key, value } => Among {
            name: None,
            label: Some((key, value)),
        },
        Target::Node(name) => Among {
            name: Some(name),
            label: None,
        },
    }
}

/// Whether any node answers to `target`, whatever its state; `_any` always does.
pub async fn known(
    executor: impl sqlx::PgExecutor<'_>,
    target: &Target,
) -> Result<bool, sqlx::Error> {
    match target {
        Target::Any => Ok(true),
        other => db::placement::known(executor, &among(other)).await,
    }
}

/// Chooses a node for `need` within the caller's transaction and holds it until the
/// transaction ends. The choice is made on counts read without a lock, then checked again
/// under the chosen node's lock: a node another process filled meanwhile is passed over.
pub async fn place(
    conn: &mut PgConnection,
    target: &Target,
    need: Need,
    down_after: Duration,
) -> Result<Placed, sqlx::Error> {
    let mut candidates = db::placement::candidates(conn, &among(target), down_after).await?;
    while let Some(chosen) = choose::best(&candidates, need).map(|node| node.name.clone()) {
        if db::placement::lock_node(conn, &chosen).await? {
            let only = Among {
                name: Some(&chosen),
                label: None,
            };
            let now = db::placement::candidates(conn, &only, down_after).await?;
            if now.first().is_some_and(|node| node.fits(need)) {
                return Ok(Placed::On(chosen));
            }
        }
        candidates.retain(|node| node.name != chosen);
    }
    Ok(Placed::NoRoom)
}
