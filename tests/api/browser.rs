//! The web UI in a real browser: headless Chromium, driven by tests/browser/terminal.mjs.

use std::path::Path;
use std::time::Duration;

use crate::helpers::spawn_app;

const WITHIN: Duration = Duration::from_secs(180);

#[tokio::test]
async fn a_visitor_signs_up_creates_an_environment_and_types_in_its_terminal() {
    let app = spawn_app().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let screenshots = root.join("target/browser");
    std::fs::create_dir_all(&screenshots).unwrap();
    // The script stops itself after WITHIN; the app keeps serving on this runtime meanwhile.
    let mut node = std::process::Command::new("node");
    node.arg(root.join("tests/browser/terminal.mjs"))
        .arg(&app.address)
        .arg(screenshots.join("terminal.png"))
        .env("BROWSER_TEST_TIMEOUT_MS", WITHIN.as_millis().to_string());
    let output = tokio::task::spawn_blocking(move || node.output())
        .await
        .unwrap()
        .expect("node runs: `make test` installs it with scripts/web.sh --browser");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser test failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(stdout.contains("typed and read back"), "{stdout}");
    assert!(screenshots.join("terminal.png").exists());
}
