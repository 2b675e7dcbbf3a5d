//! Taking a member: only a create of the pool's shape does, and what it gets was never
//! anyone's: a second user's environment from the same pool holds nothing of the first's.

use serde_json::{json, Value};

use super::{filled_pool, member_ids, pooled_app, wait_filled};
use crate::support::app::TestApp;
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

async fn run(app: &TestApp, token: &str, id: &str, script: &str) -> String {
    let response = app
        .post(
            &format!("/api/containers/{id}/exec"),
            Some(token),
            &json!({"command": ["sh", "-c", script]}),
        )
        .await;
    let job: Value = response.json().await.unwrap();
    assert_eq!(job["results"][0]["exit_code"], 0, "{job}");
    job["results"][0]["stdout"].as_str().unwrap().to_string()
}

fn networks(app: &TestApp, id: &str) -> Vec<String> {
    let inspected = engine::inspect(&app.settings, &format!("sbx-{id}"));
    let mut names: Vec<String> = inspected["NetworkSettings"]["Networks"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_taken_member_had_no_network_and_carries_nothing_of_the_previous_taker() {
    let app = pooled_app(|_| {}).await;
    let admin = app.admin_token().await;
    let node = app.settings.node.name.clone();
    let pool = filled_pool(&app, &admin, &node, 1).await;
    let first_member = member_ids(&app).await.remove(0);

    let alice = app.user_token("pool-alice").await;
    let asked = json!({"image": "debian:bookworm", "env": ["SECRET=alpha"]});
    let (status, made) = app.create(&alice, asked).await;
    assert_eq!(status, 202, "{made}");
    assert_eq!(
        made["id"],
        first_member.as_str(),
        "the create did not take the member"
    );
    let view = app.wait_running(&alice, &first_member, READY_WITHIN).await;
    assert_eq!(
        (&view["stage"], &view["progress"]),
        (&json!("ready"), &json!(100))
    );
    assert_eq!(networks(&app, &first_member), [engine::user_network(&view)]);
    let alices = run(
        &app,
        &alice,
        &first_member,
        "echo $SECRET $SANDBOXD_NAME; echo mine > /root/alice-file; \
         echo 'cat alice-file' > /root/.bash_history; nohup sleep 4242 >/dev/null 2>&1 &",
    )
    .await;
    assert_eq!(
        alices.trim(),
        format!("alpha {}", view["name"].as_str().unwrap()),
        "the owner's variables and the environment's own name (for prompts) reach an exec"
    );

    // The pool makes a new member; Alice's is never handed out again.
    wait_filled(&app, &admin, &pool, 1).await;
    let second_member = member_ids(&app).await.remove(0);
    assert_ne!(second_member, first_member);
    assert!(
        networks(&app, &second_member).is_empty(),
        "a member is on no network"
    );
    let interfaces = engine::exec(
        &app.settings,
        &format!("sbx-{second_member}"),
        "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '",
    );
    assert_eq!(
        String::from_utf8_lossy(&interfaces.stdout).trim(),
        "lo",
        "a member has its loopback and nothing else"
    );

    let bob = app.user_token("pool-bob").await;
    let asked = json!({"image": "debian:bookworm", "environment": {"MINE": "beta"}});
    let (status, made) = app.create(&bob, asked).await;
    assert_eq!(status, 202, "{made}");
    assert_eq!(made["id"], second_member.as_str());
    let view = app.wait_running(&bob, &second_member, READY_WITHIN).await;
    let bobs_network = engine::user_network(&view);
    assert_eq!(
        networks(&app, &second_member),
        std::slice::from_ref(&bobs_network)
    );
    assert_ne!(
        engine::user_network(&app.container(&alice, &first_member).await.1),
        bobs_network
    );
    let parent = run(
        &app,
        &bob,
        &second_member,
        "tr '\\0' ' ' < /proc/$PPID/cmdline",
    )
    .await;
    assert!(
        parent.contains("IFS= read -r line"),
        "a taken member's first command runs on the shell started with it: {parent}"
    );
    let seen = run(
        &app,
        &bob,
        &second_member,
        "echo \"[$MINE|$SECRET]\"; ls -A /root /tmp; cat /root/.bash_history 2>/dev/null; \
         cat /proc/[0-9]*/cmdline | tr '\\0' ' '",
    )
    .await;
    assert!(seen.starts_with("[beta|]"), "{seen}");
    // The network's own name service answers in a member that rested with no network.
    let resolved = run(
        &app,
        &bob,
        &second_member,
        &format!("getent hosts sbx-{second_member}"),
    )
    .await;
    assert!(!resolved.trim().is_empty(), "{resolved}");
    for trace in ["alice-file", "cat alice-file", "4242", "alpha"] {
        assert!(
            !seen.contains(trace),
            "{trace:?} of Alice's in Bob's: {seen}"
        );
    }
}

#[tokio::test]
async fn a_create_that_asks_for_anything_a_member_lacks_is_made_the_usual_way() {
    let app = pooled_app(|_| {}).await;
    let admin = app.admin_token().await;
    let node = app.settings.node.name.clone();
    filled_pool(&app, &admin, &node, 1).await;
    let member = member_ids(&app).await.remove(0);
    let user = app.user_token("pool-other-shape").await;
    let different = [
        json!({"image": "debian:bookworm", "disk_mb": 2048}),
        json!({"image": "debian:bookworm", "memory_mb": 512}),
        json!({"image": "debian:bookworm", "role": "python"}),
        json!({"image": "debian:bookworm", "shell": {"theme": "minimal"}}),
        json!({"image": "alpine:latest"}),
    ];
    for asked in different {
        let (status, made) = app.create(&user, asked.clone()).await;
        assert_eq!(status, 202, "{made}");
        assert_ne!(made["id"], member.as_str(), "{asked} took the member");
    }
    assert_eq!(member_ids(&app).await, [member]);
}
