//! `cargo bench --bench placement`: what choosing a node costs a create, in one run.
//!
//! 1. The placement transaction (BEGIN; place; ROLLBACK) for any node, a label and a hostname,
//!    with one node registered and with three, over thousands of environments spread over
//!    the nodes, against the same transaction with a trivial read of `nodes` instead, p50
//!    and p99. Straight against a fresh database of its own, without a server.
//! 2. A burst of barebone creates by node name at a separate `sandboxd serve` process over
//!    another fresh database, until all run, with only the server's node registered and with
//!    two more, rounds alternating.
//!
//! Both databases are dropped, and every container the server made removed, pass or fail.

mod burst;
#[path = "../common/mod.rs"]
mod common;
mod nodes;
mod transaction;

use common::database::Database;
use common::results::{Figure, Results};
use common::server::remove_labelled;
use common::stage::{only_listing, Stage};
use sandboxd::config::Settings;
use sqlx::{Connection, PgConnection};

/// Reserving and stopped environments the transaction is timed over.
const ENVIRONMENTS: i32 = 3_600;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if only_listing() {
        return Ok(());
    }
    let mut results = Results::new(
        "placement",
        "placing a create: its transaction, and a burst by node name, with 1 node and with 3",
    );
    let settings = Settings::from_env()?;

    eprintln!("==> the placement transaction, {ENVIRONMENTS} environments in the database ...");
    let database = Database::fresh(&settings.database_url).await?;
    let timed = time_transactions(&settings, &database).await;
    database.drop().await;
    let transactions = match timed {
        Ok(timings) => {
            for figure in timings.figures() {
                results.push(figure);
            }
            results.note(format!(
                "transaction: {} samples per figure, one node registered and three in \
                 alternating rounds of {} iterations, each running every kind in turn, \
                 on one connection as the server's pool would hold; {ENVIRONMENTS} \
                 environments of one user spread evenly over the three node names (a tenth \
                 being made, a fifth stopped, the rest running), so with one node registered \
                 it weighs its third of them; the baseline is BEGIN; SELECT name FROM nodes \
                 ORDER BY name LIMIT 1; ROLLBACK; the nodes' heartbeat is refreshed before \
                 each round; chosen: {}",
                timings.samples_each(),
                transaction::PER_ROUND,
                timings.choices()
            ));
            Ok(())
        }
        Err(err) => {
            results.push(
                Figure::new("placement transaction: failed", "ms", 0.0).target("completes", false),
            );
            results.note(format!("transaction failed: {err:#}"));
            Err(err)
        }
    };

    eprintln!(
        "==> bursts of {} creates by node name, {} rounds each ...",
        burst::BURST,
        burst::ROUNDS
    );
    let burst = match Stage::start("placement", &[]).await {
        Ok(stage) => {
            let outcome = burst::measure(&stage).await;
            let label = format!("label=sandboxd.instance={}", stage.server.prefix);
            remove_labelled(&stage.settings.docker_host, &label);
            stage.finish(outcome).await
        }
        Err(err) => Err(err),
    };
    let burst = match burst {
        Ok(bursts) => {
            results.push(bursts.figure());
            results.note(format!(
                "burst: {} barebone debian:bookworm creates on a cached image fired at once \
                 with \"node\" naming the server's own node, timed from the first POST until \
                 GET /api/containers (polled every {} ms) shows all running; one warm-up \
                 burst, then {} rounds each, one node and three alternating; the two extra \
                 nodes are rows with a heartbeat kept fresh and no engine; one environment \
                 of the user stands throughout; every burst is deleted through the API and \
                 waited out, then {} s pass, before the next; per round: {}",
                burst::BURST,
                burst::POLL.as_millis(),
                burst::ROUNDS,
                burst::PAUSE.as_secs(),
                bursts.rounds()
            ));
            Ok(())
        }
        Err(err) => {
            results.push(
                Figure::new("burst by node name: failed", "s", 0.0)
                    .target(&format!("ratio <= {}", burst::RATIO), false),
            );
            results.note(format!("burst failed: {err:#}"));
            Err(err)
        }
    };
    results.finish()?;
    transactions.and(burst)
}

async fn time_transactions(
    settings: &Settings,
    database: &Database,
) -> anyhow::Result<transaction::Timings> {
    let mut conn = PgConnection::connect(&database.url).await?;
    sandboxd::db::MIGRATOR.run(&mut conn).await?;
    let local = nodes::local(&settings.node.name);
    transaction::measure(&mut conn, local, ENVIRONMENTS, settings.node.down_after).await
}
