//! The web UI in a real browser: headless Chromium, driven by the scripts in tests/browser/.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::app::{spawn_app, ADMIN_PASSWORD};

const WITHIN: Duration = Duration::from_secs(180);

/// Runs `tests/browser/<script>` with the app's address, a screenshot path and `args`; the
/// script stops itself after WITHIN, and the app keeps serving on this runtime meanwhile.
async fn run_script(script: &str, address: &str, args: &[&str]) -> (String, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let screenshots = root.join("target/browser");
    std::fs::create_dir_all(&screenshots).unwrap();
    let screenshot = screenshots.join(script.replace(".mjs", ".png"));
    let mut node = std::process::Command::new("node");
    node.arg(root.join("tests/browser").join(script))
        .arg(address)
        .arg(&screenshot)
        .args(args)
        .env("BROWSER_TEST_TIMEOUT_MS", WITHIN.as_millis().to_string());
    let output = tokio::task::spawn_blocking(move || node.output())
        .await
        .unwrap()
        .expect("node runs: `make test` installs it with scripts/web.sh --browser");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(screenshot.exists(), "{script} saved no screenshot");
    (stdout, screenshot)
}

#[tokio::test]
async fn a_visitor_signs_up_creates_an_environment_and_types_in_its_terminal() {
    let app = spawn_app().await;
    let (stdout, _) = run_script("terminal.mjs", &app.address, &[]).await;
    assert!(stdout.contains("typed and read back"), "{stdout}");
}

#[tokio::test]
async fn an_admin_edits_a_tier_in_the_tiers_table() {
    let app = spawn_app().await;
    let (stdout, _) = run_script(
        "admin.mjs",
        &app.address,
        &["admin@sandboxd.local", ADMIN_PASSWORD],
    )
    .await;
    assert!(stdout.contains("read back"), "{stdout}");
    // The page's edit reached the API, not just the form.
    let token = app.admin_token().await;
    let free = app.tier(&token, "free").await;
    let shown = format!("set to {} ", free["max_containers"]);
    assert!(stdout.contains(&shown), "{stdout} vs {free}");
}
