//! The nodes and environments the placement benchmark places among: rows in a fresh database,
//! as a fleet of three would leave them, without the engines behind them.

use std::time::Duration;

use sqlx::{Connection, PgConnection};

/// Other nodes only ever heartbeat through these rows; fresher than any `down_after`.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);
/// Never dialled: the burst names the server's own node, and nothing else lands elsewhere.
const ABSENT_ENGINE: &str = "tcp://127.0.0.1:9";

/// A registered node as placement sees it: its labels (JSON) and capacity.
pub struct Node {
    pub name: String,
    pub labels: &'static str,
    pub cpus: i32,
    pub memory_mb: i64,
}

/// The label the label target asks for: the local node and the bigger extra one carry it.
pub const POOL: (&str, &str) = ("pool", "bench");

/// The server's own node, as the transaction benchmark registers it without a server.
pub fn local(name: &str) -> Node {
    Node {
        name: name.to_string(),
        labels: r#"{"pool": "bench"}"#,
        cpus: 64,
        memory_mb: 131_072,
    }
}

/// Two more, unequal, so placing on "any" has a real choice to make: the first has the most
/// room, the second does not carry the label.
pub fn extra() -> [Node; 2] {
    [
        Node {
            name: "bench-node-b".into(),
            labels: r#"{"pool": "bench"}"#,
            cpus: 96,
            memory_mb: 196_608,
        },
        Node {
            name: "bench-node-c".into(),
            labels: r#"{"pool": "other"}"#,
            cpus: 64,
            memory_mb: 131_072,
        },
    ]
}

pub fn names(nodes: &[Node]) -> Vec<String> {
    nodes.iter().map(|node| node.name.clone()).collect()
}

/// Registers `nodes` with a fresh heartbeat, as their own process would.
pub async fn register(conn: &mut PgConnection, nodes: &[Node]) -> anyhow::Result<()> {
    for node in nodes {
        sqlx::query(
            "INSERT INTO nodes (name, engine, labels, cpus, memory_mb, version) \
             VALUES ($1, $2, $3::jsonb, $4, $5, 'bench') \
             ON CONFLICT (name) DO UPDATE SET heartbeat_at = now()",
        )
        .bind(&node.name)
        .bind(ABSENT_ENGINE)
        .bind(node.labels)
        .bind(node.cpus)
        .bind(node.memory_mb)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn unregister(conn: &mut PgConnection, names: &[String]) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM nodes WHERE name = ANY($1)")
        .bind(names)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn heartbeat(conn: &mut PgConnection, names: &[String]) -> anyhow::Result<()> {
    sqlx::query("UPDATE nodes SET heartbeat_at = now() WHERE name = ANY($1)")
        .bind(names)
        .execute(conn)
        .await?;
    Ok(())
}

/// Keeps the heartbeat of `names` fresh while they are registered, as their processes would
/// over a run longer than `down_after`; aborted at the end.
pub fn keep_fresh(url: String, names: Vec<String>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let Ok(mut conn) = PgConnection::connect(&url).await else {
            eprintln!("the extra nodes' heartbeat could not connect: they will go down");
            return;
        };
        loop {
            if let Err(err) = heartbeat(&mut conn, &names).await {
                eprintln!("the extra nodes' heartbeat failed: {err:#}");
            }
            tokio::time::sleep(HEARTBEAT_EVERY).await;
        }
    })
}

/// `count` environments of one user, spread evenly over `nodes` by name: one in ten being
/// made, one in five stopped (reserving nothing), the rest running. Statistics are refreshed
/// afterwards so the planner sees the table a long-running database would have.
pub async fn seed_environments(
    conn: &mut PgConnection,
    nodes: &[String],
    count: i32,
) -> anyhow::Result<()> {
    let user = uuid::Uuid::new_v4();
    sqlx::query(
        "INSERT INTO users (id, username, tier) VALUES ($1, 'bench-placement', 'enterprise')",
    )
    .bind(user)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO containers (id, user_id, name, image, image_ref, role, memory_mb, \
           cpu_millicores, disk_mb, status, stage, progress, node, node_target) \
         SELECT gen_random_uuid(), $1, 'bench-' || i, 'debian:bookworm', \
           'debian:bookworm', 'barebone', 256, 250, 2048, \
           CASE WHEN i % 10 = 0 THEN 'creating' WHEN i % 5 = 1 THEN 'stopped' \
             ELSE 'running' END, \
           CASE WHEN i % 10 = 0 THEN 'starting' ELSE 'ready' END, \
           CASE WHEN i % 10 = 0 THEN 40 ELSE 100 END, \
           ($2::text[])[1 + i % cardinality($2::text[])], '_any' \
         FROM generate_series(1, $3) AS i",
    )
    .bind(user)
    .bind(nodes)
    .bind(count)
    .execute(&mut *conn)
    .await?;
    sqlx::query("ANALYZE containers")
        .execute(&mut *conn)
        .await?;
    Ok(())
}
