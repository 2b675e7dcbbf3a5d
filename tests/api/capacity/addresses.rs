//! A pool that held four users' /24s holds 64 users' networks now; the 65th user's create
//! ends in `error` with `CAPACITY_EXHAUSTED`, leaving nothing behind; a user leaving frees
//! addresses for the next.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use ipnet::Ipv4Net;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};

use super::{network, subnet, until};
use crate::support::app::spawn_app_with;
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

/// Outside the default pool, which the rest of the suite uses at the same time on this engine,
/// and outside the test stack's other engines' pools (10.213-10.214, 10.218 and up). Only the
/// subnets of bridges on this machine's own engine: the test sends nothing to them.
const POOL: &str = "10.212.0.0/22";
const USERS: usize = 64;

#[tokio::test]
async fn a_pool_that_held_four_users_holds_sixty_four_and_says_when_it_is_full() {
    let pool: Ipv4Net = POOL.parse().unwrap();
    assert_eq!(
        pool.subnets(24).unwrap().count(),
        4,
        "what the engine's /24s held"
    );
    let app = spawn_app_with(|s| {
        s.capacity.address_pool = pool;
        s.auth_rate_limit_per_ip = 100_000;
        s.housekeeping_every = Duration::from_millis(300);
    })
    .await;
    // Ten environments each: a /28, the size of a pro user's network.
    app.edit_tier("free", json!({"max_containers": 10})).await;

    let names: Vec<String> = (0..=USERS).map(|n| format!("tenant-{n:02}")).collect();
    let tokens = join_all(names.iter().map(|name| app.user_token(name))).await;
    let (last, first) = tokens.split_last().unwrap();
    let created = join_all(
        first
            .iter()
            .map(|token| app.create_busybox(token, json!({}))),
    )
    .await;
    let mut running = Vec::new();
    for (token, body) in first.iter().zip(&created) {
        let id = body["id"].as_str().unwrap();
        running.push(app.wait_running(token, id, READY_WITHIN * 2).await);
    }
    let subnets: HashSet<String> = running.iter().map(|env| subnet(&app, env)).collect();
    assert_eq!(subnets.len(), USERS, "every user has a subnet of their own");
    for subnet in &subnets {
        let subnet: Ipv4Net = subnet.parse().unwrap();
        assert!(
            pool.contains(&subnet) && subnet.prefix_len() == 28,
            "{subnet}"
        );
    }

    let refused = app.create_busybox(last, json!({})).await;
    let refused_id = refused["id"].as_str().unwrap();
    let failed = app.wait_settled(last, refused_id, READY_WITHIN).await;
    assert_eq!(failed["status"], "error", "{failed}");
    assert_eq!(failed["code"], "CAPACITY_EXHAUSTED", "{failed}");
    let message = failed["message"].as_str().unwrap();
    assert!(
        message.contains("no room for another environment"),
        "{message}"
    );
    for secret in ["10.", "/2", "pool", "sbx-", "docker"] {
        assert!(
            !message.contains(secret),
            "the message tells {secret:?}: {message}"
        );
    }
    let label = format!("sandboxd.environment={refused_id}");
    assert!(engine::containers_with(&app.settings, &label).is_empty());
    assert!(
        network(&app, &failed).is_null(),
        "a network was made anyway"
    );
    assert_eq!(app.usage(last).await, 0, "the failed create holds no quota");

    // One user leaves: their addresses go to the next who asks.
    let leaving = &running[0];
    let path = format!("/api/containers/{}", leaving["id"].as_str().unwrap());
    assert_eq!(app.delete(&path, Some(&first[0])).await.status(), 200);
    until(READY_WITHIN, "the leaver's network stayed", || {
        network(&app, leaving).is_null()
    })
    .await;
    // The engine shows the network gone a moment before housekeeping has freed its subnet.
    let mut db = PgConnection::connect(&app.settings.database_url)
        .await
        .unwrap();
    let deadline = Instant::now() + READY_WITHIN;
    loop {
        let held: i64 = sqlx::query_scalar("SELECT count(*) FROM network_subnets")
            .fetch_one(&mut db)
            .await
            .unwrap();
        if held < USERS as i64 {
            break;
        }
        assert!(Instant::now() < deadline, "the subnet was never freed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let next = app.running_busybox(last, json!({})).await;
    let (_, next) = app.container(last, &next).await;
    assert_eq!(
        subnet(&app, &next),
        subnet_of_leaver(&subnets, &running, &app)
    );
}

/// The subnet the first user had, which nobody else holds now.
fn subnet_of_leaver(
    all: &HashSet<String>,
    running: &[Value],
    app: &crate::support::app::TestApp,
) -> String {
    let others: HashSet<String> = running[1..].iter().map(|env| subnet(app, env)).collect();
    let free: Vec<&String> = all.difference(&others).collect();
    assert_eq!(free.len(), 1, "{free:?}");
    free[0].clone()
}
