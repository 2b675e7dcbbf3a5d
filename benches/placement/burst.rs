//! The burst: barebone creates fired at once at the server's own node by name, timed until
//! every one runs, with that node the only one registered and with two more beside it, in
//! alternating rounds. A create by name locks only its node, so the others should cost
//! nothing; this checks that they do not.

use std::time::{Duration, Instant};

use anyhow::ensure;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};

use crate::common::api::Api;
use crate::common::results::Figure;
use crate::common::server::docker;
use crate::common::stage::Stage;
use crate::common::stats::median;
use crate::nodes;

/// As many creates at once as a team starting its day might send; small enough that the
/// alternating rounds fit in a few minutes on two cores.
pub const BURST: usize = 10;
/// Rounds of each kind, after one warm-up burst with one node.
pub const ROUNDS: usize = 6;
/// Three nodes may make the burst this much slower at most.
pub const RATIO: f64 = 1.1;
pub const POLL: Duration = Duration::from_millis(25);
const WITHIN: Duration = Duration::from_secs(180);
/// Lets the engine start on the removed containers' storage before the next burst; the
/// rounds alternate, so what is left over lands on both kinds alike.
pub const PAUSE: Duration = Duration::from_secs(2);

/// Seconds until all of a burst ran, per round, by nodes registered.
#[derive(Default)]
pub struct Bursts {
    pub one_node: Vec<f64>,
    pub three_nodes: Vec<f64>,
}

pub async fn measure(stage: &Stage) -> anyhow::Result<Bursts> {
    let (settings, server) = (&stage.settings, &stage.server);
    server.wait_ready(Duration::from_millis(50)).await?;
    let api = stage.admin_with_room().await?;
    let node = settings.node.name.clone();
    let mut conn = PgConnection::connect(&stage.database.url).await?;
    let known: Option<String> = sqlx::query_scalar("SELECT name FROM nodes WHERE name = $1")
        .bind(&node)
        .fetch_optional(&mut conn)
        .await?;
    ensure!(known.is_some(), "the server did not register node {node}");
    let image = format!("{}/sandboxd/debian-barebone:bookworm", settings.registry);
    let pulled = docker(&settings.docker_host, &["pull", &image])?;
    ensure!(pulled.status.success(), "docker pull failed: {pulled:?}");

    let request = json!({"image": "debian:bookworm", "role": "barebone", "node": node});
    let extra = nodes::extra();
    let keeper = nodes::keep_fresh(stage.database.url.clone(), nodes::names(&extra));
    let outcome = rounds(&api, &mut conn, &request, &node).await;
    keeper.abort();
    outcome
}

async fn rounds(
    api: &Api,
    conn: &mut PgConnection,
    request: &Value,
    node: &str,
) -> anyhow::Result<Bursts> {
    let extra = nodes::extra();
    let extra_names = nodes::names(&extra);
    // The user's network and the image's layers exist before anything is timed, and stay,
    // as they do for anyone who already has an environment.
    eprintln!("==> one standing environment on {node} ...");
    let standing = api.create_all(request, 1).await?;
    let ready = api.wait_running(&standing, WITHIN, POLL).await?;
    ensure!(ready == 1, "the standing environment did not run");

    let mut bursts = Bursts::default();
    for round in 0..=2 * ROUNDS {
        let three = round > 0 && round % 2 == 0;
        match three {
            true => nodes::register(conn, &extra).await?,
            false => nodes::unregister(conn, &extra_names).await?,
        }
        tokio::time::sleep(PAUSE).await;
        let seconds = burst(api, request, node).await?;
        let registered = if three { 3 } else { 1 };
        eprintln!(
            "    round {round}: {registered} node(s) registered, all ready in {seconds:.2} s"
        );
        match (round, three) {
            (0, _) => {}
            (_, true) => bursts.three_nodes.push(seconds),
            (_, false) => bursts.one_node.push(seconds),
        }
    }
    nodes::unregister(conn, &extra_names).await?;
    remove(api, &standing).await?;
    Ok(bursts)
}

/// One burst: seconds from the first POST until all run. Removed before returning, pass or
/// fail, so the next round starts with the same environments.
async fn burst(api: &Api, request: &Value, node: &str) -> anyhow::Result<f64> {
    let started = Instant::now();
    let ids = api.create_all(request, BURST).await?;
    let ready = api.wait_running(&ids, WITHIN, POLL).await;
    let seconds = started.elapsed().as_secs_f64();
    let placed = placed_on(api, &ids, node).await;
    let removed = remove(api, &ids).await;
    let ready = ready?;
    ensure!(
        ready == BURST,
        "only {ready} of {BURST} ran within {} s",
        WITHIN.as_secs()
    );
    placed?;
    removed?;
    Ok(seconds)
}

/// Fails unless every one of `ids` lives on `node`, as its create asked.
async fn placed_on(api: &Api, ids: &[String], node: &str) -> anyhow::Result<()> {
    let listed = api.get("/api/containers").await?;
    let containers = listed["containers"].as_array().cloned().unwrap_or_default();
    let elsewhere: Vec<&Value> = containers
        .iter()
        .filter(|c| ids.iter().any(|id| c["id"] == id.as_str()) && c["node"] != node)
        .collect();
    ensure!(elsewhere.is_empty(), "not on {node}: {elsewhere:?}");
    Ok(())
}

/// Deletes `ids` and waits until none is listed any more.
async fn remove(api: &Api, ids: &[String]) -> anyhow::Result<()> {
    api.delete_all(ids).await?;
    let deadline = Instant::now() + WITHIN;
    loop {
        let listed = api.get("/api/containers").await?;
        let left = listed["containers"].as_array().map_or(0, |containers| {
            containers
                .iter()
                .filter(|c| ids.iter().any(|id| c["id"] == id.as_str()))
                .count()
        });
        if left == 0 {
            return Ok(());
        }
        ensure!(
            Instant::now() < deadline,
            "{left} environments still listed {} s after their delete",
            WITHIN.as_secs()
        );
        tokio::time::sleep(POLL).await;
    }
}

impl Bursts {
    pub fn figure(&self) -> Figure {
        let (one, three) = (median(&self.one_node), median(&self.three_nodes));
        Figure::new(
            &format!("{BURST} creates by node name, 3 nodes, p50"),
            "s",
            three,
        )
        .against(&format!("{BURST} creates, 1 node, p50"), one)
        .target(&format!("ratio <= {RATIO}"), three / one <= RATIO)
    }

    pub fn rounds(&self) -> String {
        let list = |times: &[f64]| {
            times
                .iter()
                .map(|s| format!("{s:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "one node: {} s; three nodes: {} s",
            list(&self.one_node),
            list(&self.three_nodes)
        )
    }
}
