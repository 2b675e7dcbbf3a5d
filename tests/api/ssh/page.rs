//! The SSH keys page, in a real browser: a key added by the form is the API's, with the
//! fingerprint OpenSSH computes, and a deletion there removes it.

use serde_json::Value;

use super::SshUser;
use crate::browser::run_script;
use crate::support::accounts::PASSWORD;
use crate::support::app::spawn_app;

#[tokio::test]
async fn a_user_adds_sees_and_deletes_a_key_on_the_ssh_keys_page() {
    let app = spawn_app().await;
    let token = app.user_token("keyholder").await;
    let user = SshUser::new(&app).await;
    let listed = std::process::Command::new("ssh-keygen")
        .args(["-l", "-E", "sha256", "-f"])
        .arg(user.dir().join("id.pub"))
        .output()
        .unwrap();
    let fingerprint = String::from_utf8_lossy(&listed.stdout)
        .split_whitespace()
        .nth(1)
        .expect("ssh-keygen prints a fingerprint")
        .to_string();
    let public_key = user.public_key();
    let port = app
        .ssh_port
        .expect("the SSH edge is on in tests")
        .to_string();
    let args = [
        "keyholder",
        PASSWORD,
        public_key.trim(),
        fingerprint.as_str(),
        port.as_str(),
    ];
    let (stdout, _) = run_script("ssh-keys.mjs", &app.address, &args).await;
    assert!(stdout.contains("then deleted"), "{stdout}");
    assert!(
        stdout.contains("ssh-ed25519"),
        "the key's type is shown: {stdout}"
    );
    let keys: Value = app
        .get("/api/ssh-keys", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        keys,
        serde_json::json!([]),
        "the page's deletion reached the API"
    );
}
