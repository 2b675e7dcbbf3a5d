//! Hanging up abandoned shells needs nothing from the tenant: one who replaces `/bin/sh` with
//! a program that never returns neither keeps their own shells alive nor holds up the
//! hang-ups of anyone else's.

use std::time::Duration;

use crate::support::app::{spawn_app_with, TestApp};
use crate::support::engine;
use crate::support::provisioning::user_with_environment;
use crate::support::terminal::Terminal;

/// Opens a terminal and notes its shell's pid.
async fn shell(app: &TestApp, token: &str, id: &str, session: &str) -> (Terminal, String) {
    let mut terminal = Terminal::open(app, token, id, &format!("session={session}")).await;
    terminal.type_line("echo pid-$$-pid").await;
    let screen = terminal.read_until("-pid\r\n").await.to_string();
    let pid = screen
        .rsplit("pid-")
        .nth(1)
        .and_then(|rest| rest.split('-').next())
        .unwrap()
        .to_string();
    (terminal, pid)
}

fn container_of(environment: &serde_json::Value) -> String {
    environment["docker_id"].as_str().unwrap().to_string()
}

fn alive(app: &TestApp, container: &str, pid: &str) -> bool {
    // The engine runs this with the image's busybox by its full path, not the tenant's sh.
    let probe = engine::docker(
        &app.settings,
        &["exec", container, "/bin/busybox", "kill", "-0", pid],
    );
    probe.status.success()
}

#[tokio::test]
async fn a_tenant_whose_sh_never_returns_holds_up_no_hang_up() {
    let app = spawn_app_with(|settings| {
        settings.terminal_grace = Duration::from_millis(200);
    })
    .await;
    let mut hostile = Vec::new();
    let mut terminals = Vec::new();
    for n in 0..5 {
        let (token, id) = user_with_environment(&app, &format!("hostile-{n}")).await;
        let (terminal, pid) = shell(&app, &token, &id, "left").await;
        let (_, environment) = app.container(&token, &id).await;
        terminals.push(terminal);
        hostile.push((container_of(&environment), pid));
    }
    // Each hostile environment's /bin/sh now sleeps forever.
    for (container, _) in &hostile {
        let replaced = engine::docker(
            &app.settings,
            &[
                "exec",
                container,
                "/bin/busybox",
                "sh",
                "-c",
                "rm /bin/sh && printf '#!/bin/busybox sh\\nexec /bin/busybox sleep 100000\\n' > /bin/sh && chmod +x /bin/sh",
            ],
        );
        assert!(replaced.status.success(), "{replaced:?}");
    }
    let (victim_token, victim_id) = user_with_environment(&app, "victim").await;
    let (victim_terminal, victim_pid) = shell(&app, &victim_token, &victim_id, "gone").await;
    let (_, victim) = app.container(&victim_token, &victim_id).await;
    let victim_container = container_of(&victim);
    // Everyone leaves at once: the hostile tenants' hang-ups go out first.
    for terminal in terminals {
        terminal.close().await;
    }
    victim_terminal.close().await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(8);
    while alive(&app, &victim_container, &victim_pid) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the victim's abandoned shell was not hung up"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The hostile tenants' own shells were hung up as well.
    for (container, pid) in &hostile {
        assert!(
            !alive(&app, container, pid),
            "a hostile tenant kept an abandoned shell"
        );
    }
}
