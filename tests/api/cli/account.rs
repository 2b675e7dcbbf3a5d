//! `login`, `whoami`, `logout`, and the variables that stand in for a login.

use serde_json::Value;

use super::{assert_refused, describe, mode_of, stderr, stdout, Client};
use crate::support::accounts::PASSWORD;
use crate::support::app::spawn_app;

#[tokio::test]
async fn a_password_login_keeps_a_token_of_its_own_readable_by_the_user_alone() {
    let app = spawn_app().await;
    app.register("ada").await;
    let client = Client::new(&app);

    let output = client
        .run_with_input(
            &["login", &app.address, "--user", "ada", "--password-stdin"],
            &format!("{PASSWORD}\n"),
        )
        .await;
    assert!(output.status.success(), "{}", describe(&output));
    assert!(stdout(&output).contains("as ada"), "{}", describe(&output));
    assert_eq!(mode_of(&client.config()), 0o600);
    assert_eq!(mode_of(client.config().parent().unwrap()), 0o700);
    let saved: Value = serde_json::from_slice(&std::fs::read(client.config()).unwrap()).unwrap();
    let token = saved["token"].as_str().unwrap().to_string();
    assert!(!std::fs::read_to_string(client.config())
        .unwrap()
        .contains(PASSWORD));

    let me = client.json(&["whoami"]).await;
    assert_eq!(me["user"]["username"], "ada");
    assert_eq!(app.get("/api/me", Some(&token)).await.status(), 200);

    // Logging out revokes the token login made, and forgets it.
    let output = client.run(&["logout"]).await;
    assert!(output.status.success(), "{}", describe(&output));
    assert!(!client.config().exists());
    assert_eq!(app.get("/api/me", Some(&token)).await.status(), 401);
    let output = client.run(&["whoami"]).await;
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("not logged in"),
        "{}",
        describe(&output)
    );
}

#[tokio::test]
async fn a_wrong_password_prints_the_apis_message_and_code_and_fails() {
    let app = spawn_app().await;
    app.register("bob").await;
    let client = Client::new(&app);
    let output = client
        .run_with_input(
            &["login", "--user", "bob", "--password-stdin"],
            "not the password\n",
        )
        .await;
    assert_refused(&output, "INVALID_CREDENTIALS");
    assert!(!client.config().exists());

    let output = client
        .run_with_input(
            &[
                "--output",
                "json",
                "login",
                "--user",
                "bob",
                "--password-stdin",
            ],
            "nope\n",
        )
        .await;
    let printed: Value = serde_json::from_slice(&output.stdout).expect("an error as JSON");
    assert_eq!(printed["code"], "INVALID_CREDENTIALS");
}

#[tokio::test]
async fn a_token_in_the_environment_needs_no_login_and_an_existing_token_can_be_saved() {
    let app = spawn_app().await;
    let session = app.user_token("cyd").await;
    let made = app.api_token(&session, &["read", "write", "exec"]).await;
    let token = made["token"].as_str().unwrap();

    let scripted = Client::with_token(&app, token);
    assert_eq!(scripted.json(&["whoami"]).await["user"]["username"], "cyd");
    assert!(!scripted.config().exists());

    let client = Client::new(&app);
    let output = client
        .run_with_input(&["login", "--with-token", "-"], &format!("{token}\n"))
        .await;
    assert!(output.status.success(), "{}", describe(&output));
    assert_eq!(client.json(&["ls"]).await["count"], 0);

    let output = Client::with_token(&app, "sbx_not_a_real_token")
        .run(&["ls"])
        .await;
    assert_refused(&output, "HTTP 401");
}
