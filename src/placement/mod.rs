//! Placement: which node an environment lives on. The choice, the caller's quota check and
//! the record of the choice are one Postgres transaction, and the nodes it chooses among
//! are locked until it ends, so two API processes placing at once never overfill one.

mod choose;
pub mod fan_out;
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
            draining_too: false,
        },
        Target::Label { key, value } => Among {
            name: None,
            label: Some((key, value)),
            draining_too: false,
        },
        Target::Node(name) => Among {
            name: Some(name),
            label: None,
            draining_too: false,
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

/// Whether some node could take `need` now, read without holding any: a waiting
/// environment looks here first, so that many of them waiting for room do not hold every
/// node each second (and with them the nodes' heartbeats).
pub async fn might_fit(
    conn: &mut PgConnection,
    target: &Target,
    need: Need,
    down_after: Duration,
) -> Result<bool, sqlx::Error> {
    let candidates = db::placement::candidates(conn, &among(target), down_after).await?;
    Ok(choose::best(&candidates, need).is_some())
}

/// Whether the node an environment lives on has room for it to start again (draining or
/// not), read without holding it.
pub async fn room_to_start(
    conn: &mut PgConnection,
    node: &str,
    need: Need,
    down_after: Duration,
) -> Result<bool, sqlx::Error> {
    let only = Among {
        name: Some(node),
        label: None,
        draining_too: true,
    };
    let candidates = db::placement::candidates(conn, &only, down_after).await?;
    // A node that is down is not refused here: reaching it says so more plainly.
    Ok(candidates.first().is_none_or(|node| node.fits(need)))
}

/// Chooses a node for `need` within the caller's transaction, holding every node it may
/// go to until the transaction ends: creates that could land on the same nodes are placed
/// one after another, each counting what the one before placed, so a burst spreads by room
/// and no node is overfilled. The hold is as short as the create's transaction.
pub async fn place(
    conn: &mut PgConnection,
    target: &Target,
    need: Need,
    down_after: Duration,
) -> Result<Placed, sqlx::Error> {
    let among = among(target);
    db::placement::lock_nodes(conn, &among).await?;
    let candidates = db::placement::candidates(conn, &among, down_after).await?;
    Ok(match choose::best(&candidates, need) {
        Some(node) => Placed::On(node.name.clone()),
        None => Placed::NoRoom,
    })
}
