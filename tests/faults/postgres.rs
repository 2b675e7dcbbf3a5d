//! Postgres restarted: what needs it answers 503 DATABASE_UNAVAILABLE quickly, what does not
//! (liveness, pages, an open terminal) goes on; afterwards the pool reconnects and the job
//! interrupted by the outage finishes, with one container.

use std::time::Instant;

use serde_json::json;

use crate::support::app::spawn_app_with;
use crate::support::checks::*;
use crate::support::daemons::{outage, time_until, PrivatePostgres};
use crate::support::provisioning::busybox;
use crate::support::terminal::Terminal;

#[tokio::test]
async fn postgres_restarted_under_provisioning_and_a_terminal_loses_nothing() {
    let mut postgres = PrivatePostgres::launch();
    let app = spawn_app_with(|settings| settings.database_url = postgres.url.clone()).await;
    let (token, _, mut terminal) = user_with_open_terminal(&app, "postgres-fault", "").await;

    let caught = app.creating_busybox(&token).await;
    let caught_at = stage_of(&app, &token, &caught).await;
    let outage = outage(&mut postgres);

    assert_eq!(app.get("/healthz", None).await.status(), 200);
    assert_eq!(app.get("/login", None).await.status(), 200);

    let started = Instant::now();
    assert_unavailable(
        app.get("/api/containers", Some(&token)),
        "DATABASE_UNAVAILABLE",
    )
    .await;
    let refused_in = started.elapsed();
    let create = json!({"image": "custom", "custom_image": busybox(&app), "role": "barebone"});
    assert_unavailable(
        app.post("/api/containers", Some(&token), &create),
        "DATABASE_UNAVAILABLE",
    )
    .await;
    assert_unavailable(
        app.login("postgres-fault", "correct horse battery"),
        "DATABASE_UNAVAILABLE",
    )
    .await;
    assert_unavailable(app.get("/readyz", None), "NOT_READY").await;
    assert_echoes(&mut terminal, "during").await;

    let downtime = outage.restore();
    let back = time_until(RECOVERS_WITHIN, "reads", || async {
        app.get("/api/containers", Some(&token)).await.status() == 200
    })
    .await;
    let settled = time_until_settled(&app, &token).await;
    assert_echoes(&mut terminal, "after").await;
    let (status, created) = app.create(&token, create).await;
    assert_eq!(status, 202, "{created}");
    let settled_new = time_until_settled(&app, &token).await;
    let mut second = Terminal::open(&app, &token, &caught, "").await;
    assert_echoes(&mut second, "new").await;
    let environments = assert_whole(&app, &token).await;
    let attempts = assert_jobs_done(&app).await;
    assert_eq!(environments, 3);
    terminal.close().await;
    second.close().await;
    println!(
        "FAULT postgres: down {}; 503 DATABASE_UNAVAILABLE in {}; create caught at {caught_at}; \
         reads back {} after restart, caught environment running {} after that, \
         a new create ready in {}; {environments} environments, one container each, none orphaned, jobs done in attempts {attempts:?}",
        seconds(downtime),
        seconds(refused_in),
        seconds(back),
        seconds(settled),
        seconds(settled_new),
    );
}
