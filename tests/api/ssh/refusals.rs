//! Who the SSH edge turns away, all with the same answer: an unregistered key, another
//! user's environment, a name nobody has, a disabled user, a deleted key.

use super::{name_of, text, SshUser};
use crate::support::app::spawn_app;
use crate::support::provisioning::user_with_environment;

fn assert_refused(output: &std::process::Output) {
    assert_eq!(output.status.code(), Some(255), "{output:?}");
    assert!(
        text(&output.stderr).contains("Permission denied (publickey)"),
        "{output:?}"
    );
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn strangers_other_users_environments_and_unknown_names_are_refused_alike() {
    let app = spawn_app().await;
    let (owner_token, id) = user_with_environment(&app, "owner").await;
    let name = name_of(&app, &owner_token, &id).await;
    let owner = SshUser::new(&app).await;
    owner.register(&app, &owner_token).await;

    let stranger = SshUser::new(&app).await;
    assert_refused(&stranger.run(&name, "true").await);

    let other_token = app.user_token("other").await;
    let other = SshUser::new(&app).await;
    other.register(&app, &other_token).await;
    assert_refused(&other.run(&name, "true").await);
    assert_refused(&other.run(&id, "true").await);
    assert_refused(&owner.run("no-such-environment", "true").await);

    assert_eq!(owner.run(&name, "true").await.status.code(), Some(0));
}

#[tokio::test]
async fn a_disabled_user_is_refused_and_a_deleted_key_no_longer_signs_in() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "leaving").await;
    let user = SshUser::new(&app).await;
    let key = user.register(&app, &token).await;
    assert_eq!(user.run(&id, "true").await.status.code(), Some(0));

    let key_id = key["id"].as_str().unwrap();
    let deleted = app
        .delete(&format!("/api/ssh-keys/{key_id}"), Some(&token))
        .await;
    assert_eq!(deleted.status(), 204);
    assert_refused(&user.run(&id, "true").await);

    user.register(&app, &token).await;
    assert_eq!(user.run(&id, "true").await.status.code(), Some(0));
    let admin = app.admin_token().await;
    let user_id = app.user_id(&token).await;
    assert_eq!(app.disable_user(&admin, &user_id).await.status(), 200);
    assert_refused(&user.run(&id, "true").await);
}

#[tokio::test]
async fn an_address_refused_thirty_times_in_a_minute_is_refused_outright() {
    let app = spawn_app().await;
    let (owner_token, id) = user_with_environment(&app, "target").await;
    let name = name_of(&app, &owner_token, &id).await;
    let owner = SshUser::new(&app).await;
    owner.register(&app, &owner_token).await;
    assert_eq!(owner.run(&name, "true").await.status.code(), Some(0));

    let stranger = SshUser::new(&app).await;
    for _ in 0..3 {
        let tries = (0..10).map(|_| stranger.run(&name, "true"));
        for output in futures_util::future::join_all(tries).await {
            assert_refused(&output);
        }
    }
    // The same address now gets nothing, a registered key included, for the rest of the minute.
    assert_refused(&owner.run(&name, "true").await);
}
