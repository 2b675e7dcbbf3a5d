//! Share links: listed for a day after they end, then forgotten; live ones are kept.

use serde_json::{json, Value};

use super::{count, eventually, pruned, retention_app, run_sql, PRUNED_WITHIN};
use crate::support::app::TestApp;
use crate::support::provisioning::user_with_environment;

async fn share(app: &TestApp, token: &str, id: &str) -> String {
    let response = app
        .post(
            &format!("/api/containers/{id}/ports/8000/shares"),
            Some(token),
            &json!({"expires_in_seconds": 600}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let share: Value = response.json().await.unwrap();
    share["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn share_links_ended_over_a_day_ago_are_pruned_and_others_kept() {
    let app = retention_app(|_| {}).await;
    let (token, id) = user_with_environment(&app, "sharer").await;
    let (expired, revoked, ended_today, live) = (
        share(&app, &token, &id).await,
        share(&app, &token, &id).await,
        share(&app, &token, &id).await,
        share(&app, &token, &id).await,
    );
    run_sql(&app, &format!("UPDATE preview_shares SET expires_at = now() - interval '25 hours' WHERE id = '{expired}'")).await;
    run_sql(&app, &format!("UPDATE preview_shares SET revoked_at = now() - interval '25 hours' WHERE id = '{revoked}'")).await;
    run_sql(&app, &format!("UPDATE preview_shares SET expires_at = now() - interval '1 hour' WHERE id = '{ended_today}'")).await;
    eventually("ended shares pruned", PRUNED_WITHIN, || async {
        count(&app, "SELECT count(*) FROM preview_shares").await == 2
    })
    .await;
    let kept: Value = app
        .get(&format!("/api/containers/{id}/shares"), Some(&token))
        .await
        .json()
        .await
        .unwrap();
    let mut ids: Vec<&str> = kept
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    ids.sort();
    let mut expected = vec![ended_today.as_str(), live.as_str()];
    expected.sort();
    assert_eq!(ids, expected);
    assert_eq!(pruned(&app, "preview_shares").await, 2);
}
