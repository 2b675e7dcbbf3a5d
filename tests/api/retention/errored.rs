//! Environments left in `error` are deleted after their retention through the normal delete:
//! the record and the container go, not just the row.

use std::time::Duration;

use serde_json::{json, Value};

use super::{eventually, pruned, retention_app, run_sql, PRUNED_WITHIN};
use crate::support::engine;

#[tokio::test]
async fn environments_left_in_error_are_deleted_with_their_container_after_their_retention() {
    let app = retention_app(|r| r.errored_environments = Some(Duration::from_secs(3600))).await;
    let token = app.user_token("unlucky").await;
    let old = app.running_busybox(&token, json!({})).await;
    let recent = app.running_busybox(&token, json!({})).await;
    // Both fail; one of them long ago.
    run_sql(
        &app,
        &format!(
            "UPDATE containers SET status = 'error', message = 'failed', updated_at = CASE id \
             WHEN '{old}' THEN now() - interval '2 hours' ELSE now() END \
             WHERE id IN ('{old}', '{recent}')"
        ),
    )
    .await;
    let of = |id: &str| format!("sandboxd.environment={id}");
    assert_eq!(engine::containers_with(&app.settings, &of(&old)).len(), 1);
    eventually("the old one deleted", PRUNED_WITHIN, || async {
        app.container(&token, &old).await.0 == 404
    })
    .await;
    eventually("its container removed", PRUNED_WITHIN, || async {
        engine::containers_with(&app.settings, &of(&old)).is_empty()
    })
    .await;
    let (status, body) = app.container(&token, &recent).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("error")),
        "{body}"
    );
    assert_eq!(
        engine::containers_with(&app.settings, &of(&recent)).len(),
        1
    );
    let listed: Value = app
        .get("/api/containers", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["count"], 1,
        "only the recent one is listed: {listed}"
    );
    assert_eq!(pruned(&app, "errored_environments").await, 1);
}
