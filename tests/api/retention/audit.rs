//! The audit log: entries pruned past their retention (sooner for requests nobody
//! authenticated for), and a stranger's flood of long-path requests stored within a bound.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use reqwest::Client;
use serde_json::json;

use super::{count, eventually, pruned, retention_app, run_sql, PRUNED_WITHIN};

#[tokio::test]
async fn audit_entries_past_their_retention_are_pruned_and_recent_ones_kept() {
    let app = retention_app(|r| {
        r.audit = Some(Duration::from_secs(3600));
        r.audit_anonymous = Some(Duration::from_secs(600));
    })
    .await;
    let backdated = |action: &str, actor: &str, age: &str| {
        format!(
            "INSERT INTO audit_log (at, actor_id, actor, action, ip, status, outcome) \
             VALUES (now() - interval '{age}', {actor}, NULL, '{action}', '127.0.0.1', 200, 'success')"
        )
    };
    let someone = "'00000000-0000-4000-8000-000000000001'";
    for (action, actor, age) in [
        ("POST /old-authenticated", someone, "2 hours"),
        ("POST /recent-authenticated", someone, "30 minutes"),
        ("POST /old-anonymous", "NULL", "30 minutes"),
        ("POST /recent-anonymous", "NULL", "5 minutes"),
    ] {
        run_sql(&app, &backdated(action, actor, age)).await;
    }
    let left = || async {
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action LIKE 'POST /old-%'",
        )
        .await
    };
    eventually("old entries pruned", PRUNED_WITHIN, || async {
        left().await == 0
    })
    .await;
    let kept = count(
        &app,
        "SELECT count(*) FROM audit_log WHERE action LIKE 'POST /recent-%'",
    )
    .await;
    assert_eq!(kept, 2, "entries within their retention stay");
    assert_eq!(pruned(&app, "audit_entries").await, 2);
}

#[tokio::test]
async fn an_unauthenticated_flood_of_long_path_posts_stores_a_bounded_amount() {
    let app = retention_app(|r| {
        r.audit_anonymous_per_address = 10;
        r.audit_anonymous_per_minute = 25;
    })
    .await;
    let token = app.user_token("witness").await;
    let long = "a".repeat(16 * 1024);
    let paths = [
        format!("/api/{long}"),
        format!("/api/containers/{long}/stop"),
    ];
    // Five addresses of this machine's loopback, 14 requests each: more than one address may
    // write, and together more than the total.
    let mut sent = 0;
    for last in 1..=5u8 {
        let client = Client::builder()
            .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
            .build()
            .unwrap();
        for n in 0..14 {
            let url = format!("{}{}", app.address, paths[n % 2]);
            let response = client.post(url).json(&json!({})).send().await.unwrap();
            assert!(response.status().is_client_error(), "{}", response.status());
            sent += 1;
        }
    }
    let anonymous = "FROM audit_log WHERE actor_id IS NULL";
    let written = count(&app, &format!("SELECT count(*) {anonymous}")).await;
    assert_eq!(written, 25, "the total per minute, registration included");
    let busiest = count(
        &app,
        &format!(
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n {anonymous} GROUP BY ip) x"
        ),
    )
    .await;
    assert!(busiest <= 10, "at most 10 from one address, got {busiest}");
    let bytes = count(
        &app,
        &format!(
            "SELECT coalesce(sum(octet_length(action) + coalesce(octet_length(target), 0) \
             + coalesce(octet_length(ip), 0)), 0)::bigint {anonymous}"
        ),
    )
    .await;
    assert!(bytes <= 25 * (256 + 128 + 64), "{bytes} bytes stored");
    let metrics = app.get("/metrics", None).await.text().await.unwrap();
    // Registering and logging in the witness were two requests without credentials.
    let unrecorded = format!("sandboxd_audit_unrecorded_total {}", sent + 2 - written);
    assert!(metrics.contains(&unrecorded), "expected {unrecorded}");

    // The budget is for strangers only: the witness's own calls are still recorded.
    let created = app
        .post(
            "/api/tokens",
            Some(&token),
            &json!({"name": "after", "scopes": ["read"]}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let recorded = count(
        &app,
        "SELECT count(*) FROM audit_log WHERE actor = 'witness' AND action = 'POST /api/tokens'",
    )
    .await;
    assert_eq!(recorded, 1);
}
