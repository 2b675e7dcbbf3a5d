//! What placement adds to a create: its transaction (BEGIN; place; ROLLBACK) against the same
//! transaction with one trivial read of `nodes` instead, with one node registered and with
//! three, over a database holding thousands of environments. No server: nothing else
//! touches the rows while they are timed.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use sandboxd::placement::{place, Need, Placed, Target};
use sqlx::{Connection, PgConnection};

use crate::common::results::Figure;
use crate::common::stats::{ms, percentile};
use crate::nodes::{self, Node, POOL};

/// Rounds alternate one node and three (ten of each, 500 samples per figure); each round runs
/// every kind in turn, iteration by iteration, so all kinds see the same moments of a shared
/// machine.
const ROUNDS: usize = 20;
pub const PER_ROUND: usize = 50;
/// The guest tier's default, the smallest environment a create asks for.
const NEED: Need = Need {
    memory_mb: 512,
    cpu: 500,
};
/// Placement may add this much to a create's transaction: a create takes hundreds of
/// milliseconds until ready, so this keeps placement within a percent or two of it.
pub const ADDED_P50_MS: f64 = 2.0;
pub const ADDED_P99_MS: f64 = 5.0;

/// What one timed transaction does between BEGIN and ROLLBACK.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Plain,
    Any,
    Label,
    Hostname,
}

const KINDS: [Kind; 4] = [Kind::Plain, Kind::Any, Kind::Label, Kind::Hostname];

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Plain => "no placement",
            Kind::Any => "any node",
            Kind::Label => "label pool:bench",
            Kind::Hostname => "by hostname",
        }
    }
}

/// Samples and the node chosen, per number of nodes registered and kind.
#[derive(Default)]
pub struct Timings {
    samples: BTreeMap<(usize, Kind), Vec<Duration>>,
    chosen: BTreeMap<(usize, Kind), String>,
}

/// Times every kind with one node registered and with three, on `conn` to a database of its
/// own holding `environments` rows spread over the three.
pub async fn measure(
    conn: &mut PgConnection,
    local: Node,
    environments: i32,
    down_after: Duration,
) -> anyhow::Result<Timings> {
    let extra = nodes::extra();
    let extra_names = nodes::names(&extra);
    let mut all = vec![local.name.clone()];
    all.extend(extra_names.iter().cloned());
    nodes::register(conn, std::slice::from_ref(&local)).await?;
    nodes::seed_environments(conn, &all, environments).await?;
    let targets = [
        (Kind::Any, Target::Any),
        (
            Kind::Label,
            Target::Label {
                key: POOL.0.into(),
                value: POOL.1.into(),
            },
        ),
        (Kind::Hostname, Target::Node(local.name.clone())),
    ];

    let mut timings = Timings::default();
    // The first round of each warms the connection's prepared statements and the caches.
    for round in 0..ROUNDS + 2 {
        let registered = if round % 2 == 0 { 1 } else { 3 };
        match registered {
            1 => nodes::unregister(conn, &extra_names).await?,
            _ => nodes::register(conn, &extra).await?,
        }
        nodes::heartbeat(conn, &all).await?;
        for _ in 0..PER_ROUND {
            for kind in KINDS {
                let target = targets.iter().find(|(k, _)| *k == kind).map(|(_, t)| t);
                let started = Instant::now();
                let mut tx = conn.begin().await?;
                let placed = match target {
                    Some(target) => Some(place(&mut tx, target, NEED, down_after).await?),
                    None => {
                        sqlx::query("SELECT name FROM nodes ORDER BY name LIMIT 1")
                            .fetch_optional(&mut *tx)
                            .await?;
                        None
                    }
                };
                tx.rollback().await?;
                let elapsed = started.elapsed();
                if let Some(placed) = placed {
                    let Placed::On(node) = placed else {
                        anyhow::bail!("{} found no room with {registered} nodes", kind.describe());
                    };
                    timings.chosen.insert((registered, kind), node);
                }
                if round >= 2 {
                    let samples = timings.samples.entry((registered, kind)).or_default();
                    samples.push(elapsed);
                }
            }
        }
    }
    nodes::unregister(conn, &extra_names).await?;
    Ok(timings)
}

impl Timings {
    fn sorted(&self, registered: usize, kind: Kind) -> Vec<Duration> {
        let mut samples = self.samples[&(registered, kind)].clone();
        samples.sort();
        samples
    }

    /// p50 and p99 of each kind against the plain transaction of the same rounds.
    pub fn figures(&self) -> Vec<Figure> {
        let mut figures = Vec::new();
        for registered in [1, 3] {
            let plain = self.sorted(registered, Kind::Plain);
            for kind in [Kind::Any, Kind::Label, Kind::Hostname] {
                let placing = self.sorted(registered, kind);
                for (label, p, added) in [("p50", 50, ADDED_P50_MS), ("p99", 99, ADDED_P99_MS)] {
                    let (ours, baseline) = (ms(percentile(&placing, p)), ms(percentile(&plain, p)));
                    figures.push(
                        Figure::new(
                            &format!(
                                "place, {}, {}, {label}",
                                kind.describe(),
                                registered_nodes(registered)
                            ),
                            "ms",
                            ours,
                        )
                        .against(&format!("tx without placement, {label}"), baseline)
                        .target(&format!("adds <= {added} ms"), ours - baseline <= added),
                    );
                }
            }
        }
        figures
    }

    /// Which node each kind chose, so a reader can tell three nodes were really weighed.
    pub fn choices(&self) -> String {
        self.chosen
            .iter()
            .map(|((registered, kind), node)| {
                format!(
                    "{} with {}: {node}",
                    kind.describe(),
                    registered_nodes(*registered)
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn samples_each(&self) -> usize {
        self.samples.values().map(Vec::len).min().unwrap_or(0)
    }
}

fn registered_nodes(registered: usize) -> String {
    match registered {
        1 => "1 node".to_string(),
        more => format!("{more} nodes"),
    }
}
