//! Exec jobs: pruned a while after they finish, capped per user, and deleted with their
//! environment.

use std::time::Duration;

use serde_json::{json, Value};

use super::{count, eventually, pruned, retention_app, run_sql, PRUNED_WITHIN};
use crate::support::app::TestApp;
use crate::support::provisioning::user_with_environment;

async fn exec(app: &TestApp, token: &str, id: &str) -> String {
    let response = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(token),
            &json!({"command": ["echo", "kept for a while"]}),
        )
        .await;
    assert_eq!(response.status(), 202);
    let job: Value = response.json().await.unwrap();
    job["job_id"].as_str().unwrap().to_string()
}

async fn job_status(app: &TestApp, token: &str, job: &str) -> u16 {
    app.get(&format!("/api/jobs/{job}"), Some(token))
        .await
        .status()
        .as_u16()
}

#[tokio::test]
async fn finished_exec_jobs_are_pruned_after_their_retention_and_newer_ones_kept() {
    let app = retention_app(|r| r.exec_jobs = Some(Duration::from_secs(3600))).await;
    let (token, id) = user_with_environment(&app, "runner").await;
    let old = exec(&app, &token, &id).await;
    let new = exec(&app, &token, &id).await;
    run_sql(
        &app,
        &format!(
            "UPDATE exec_jobs SET created_at = now() - interval '2 hours', \
             finished_at = now() - interval '2 hours' WHERE id = '{old}'"
        ),
    )
    .await;
    // A job left `running` by a restart never finishes; it goes once it is surely dead.
    run_sql(
        &app,
        &format!(
            "INSERT INTO exec_jobs (id, user_id, container_id, request, created_at) \
             SELECT gen_random_uuid(), user_id, container_id, request, now() - interval '2 hours' \
             FROM exec_jobs WHERE id = '{new}'"
        ),
    )
    .await;
    eventually("old jobs pruned", PRUNED_WITHIN, || async {
        job_status(&app, &token, &old).await == 404
            && count(
                &app,
                "SELECT count(*) FROM exec_jobs WHERE status = 'running'",
            )
            .await
                == 0
    })
    .await;
    assert_eq!(
        job_status(&app, &token, &new).await,
        200,
        "within retention"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM exec_jobs").await, 1);
    assert_eq!(pruned(&app, "exec_jobs").await, 2);
}

#[tokio::test]
async fn a_user_keeps_only_their_newest_exec_jobs() {
    let app = retention_app(|r| r.exec_jobs_per_user = 3).await;
    let (token, id) = user_with_environment(&app, "prolific").await;
    let (other, other_id) = user_with_environment(&app, "bystander").await;
    let others = exec(&app, &other, &other_id).await;
    let mut jobs = Vec::new();
    for _ in 0..5 {
        jobs.push(exec(&app, &token, &id).await);
    }
    for (n, job) in jobs.iter().enumerate() {
        let expected = if n < 2 { 404 } else { 200 };
        assert_eq!(job_status(&app, &token, job).await, expected, "job {n}");
    }
    assert_eq!(
        job_status(&app, &other, &others).await,
        200,
        "another user's"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM exec_jobs").await, 4);
}

#[tokio::test]
async fn deleting_an_environment_deletes_its_exec_jobs() {
    let app = retention_app(|_| {}).await;
    let (token, id) = user_with_environment(&app, "tidy").await;
    let job = exec(&app, &token, &id).await;
    let deleted = app
        .delete(&format!("/api/containers/{id}"), Some(&token))
        .await;
    assert!(deleted.status().is_success());
    eventually("the environment's row gone", PRUNED_WITHIN, || async {
        count(&app, "SELECT count(*) FROM containers").await == 0
    })
    .await;
    assert_eq!(job_status(&app, &token, &job).await, 404);
    assert_eq!(count(&app, "SELECT count(*) FROM exec_jobs").await, 0);
}
