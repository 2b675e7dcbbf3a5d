//! Every documented route × {no auth, another user, guest, read-only token, admin, owner}: the
//! status its rule in rules.rs gives, and not a byte of another tenant's data in any
//! body or /ws/events frame (progress, lifecycle notices, log lines).

use serde_json::Value;

use super::events::Listener;
use super::plan::{callers, destructive, paths, privileged};
use super::probe::{call, concrete_path, leaks, Outcome};
use super::rules::{documented, expected, find, Caller, Route, Rule, CALLERS, ROUTES};
use super::world::{tenant_of, Tenant, World};
use crate::support::engine;

/// Adds what a caller just made (environments, tokens) to their tenant's secrets.
async fn learn(world: &mut World) {
    for caller in [Caller::Owner, Caller::Other, Caller::Guest, Caller::Admin] {
        let token = world.credential(caller).unwrap().to_string();
        let listed: Value = world
            .app
            .get("/api/containers", Some(&token))
            .await
            .json()
            .await
            .unwrap();
        let containers = listed["containers"].as_array().unwrap();
        // One still being made has no docker id yet, which the leak search must know.
        if containers.iter().any(|env| env["status"] == "creating") {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            return Box::pin(learn(world)).await;
        }
        let secrets = world.secrets.get_mut(&tenant_of(caller).unwrap()).unwrap();
        for env in containers {
            for key in ["id", "name", "docker_id"] {
                if let Some(value) = env[key].as_str() {
                    secrets.push(value.to_string());
                }
            }
        }
    }
}

fn learn_token(world: &mut World, caller: Caller, outcome: &Outcome) {
    let (Some(tenant), Ok(body)) = (
        tenant_of(caller),
        serde_json::from_str::<Value>(&outcome.body),
    ) else {
        return;
    };
    let secrets = world.secrets.get_mut(&tenant).unwrap();
    for key in ["id", "token"] {
        if let Some(value) = body[key].as_str() {
            secrets.push(value.to_string());
        }
    }
}

/// The error body for a reference that exists nowhere, to compare with a stranger's 404.
async fn absent_body(world: &World, route: &Route) -> Option<Outcome> {
    if !matches!(route.rule, Rule::Owned(..)) || route.path.starts_with("/ws/") {
        return None;
    }
    let nowhere = concrete_path(route, "00000000-0000-4000-8000-000000000000")
        .replace("{share_id}", &world.share_id);
    Some(call(world, route, Caller::Owner, &nowhere).await)
}

#[tokio::test]
async fn every_route_answers_every_caller_as_its_rule_says_and_leaks_nothing() {
    let mut world = World::build().await;
    let document: Value = world
        .app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    for operation in documented(&document) {
        let (method, path) = operation.split_once(' ').unwrap();
        assert!(
            find(method, path).is_some(),
            "{operation} has no rule in isolation/rules.rs"
        );
    }

    let mut listeners = Vec::new();
    for caller in [
        Caller::Owner,
        Caller::Reader,
        Caller::Other,
        Caller::Guest,
        Caller::Admin,
    ] {
        let mut listener = Listener::open(&world, caller).await;
        for reference in world.main.references() {
            listener.subscribe_logs(&reference).await;
        }
        listeners.push(listener);
    }
    let log_line = engine::exec(
        &world.app.settings,
        &format!("sbx-{}", world.main.id),
        "echo owner-log-line > /proc/1/fd/1",
    );
    assert!(log_line.status.success(), "{log_line:?}");
    world
        .secrets
        .get_mut(&Tenant::Owner)
        .unwrap()
        .push("owner-log-line".into());
    assert!(listeners[0].wait_for("owner-log-line").await);

    let mut failures: Vec<String> = Vec::new();
    let mut calls = 0;
    // Shows the leak search finds a tenant's data where it is allowed to be.
    let mut owner_bodies_with_own_data = 0;
    for (index, route) in ROUTES.iter().enumerate() {
        let before = world.owner_snapshot().await;
        let absent = absent_body(&world, route).await;
        for caller in callers(route) {
            let want = expected(route, caller);
            for path in paths(&world, index, route, caller) {
                let outcome = call(&world, route, caller, &path).await;
                calls += 1;
                let what = format!("{} {path} as {caller:?}", route.method);
                if outcome.status != want {
                    failures.push(format!(
                        "{what}: {} instead of {want}: {}",
                        outcome.status, outcome.body
                    ));
                }
                if caller == Caller::Owner {
                    let own: Vec<&str> = world.secrets[&Tenant::Owner]
                        .iter()
                        .map(String::as_str)
                        .collect();
                    owner_bodies_with_own_data += usize::from(!leaks(&outcome, &own).is_empty());
                }
                let admin_sees_all =
                    matches!(route.rule, Rule::Admin(_)) && caller == Caller::Admin;
                if !admin_sees_all {
                    let foreign = world.foreign_secrets(tenant_of(caller));
                    let leaked = leaks(&outcome, &foreign);
                    if !leaked.is_empty() {
                        failures.push(format!("{what} leaked {leaked:?}: {}", outcome.body));
                    }
                }
                if want == 404 {
                    if let Some(absent) = &absent {
                        if absent.body != outcome.body {
                            failures.push(format!(
                                "{what}: another's differs from a missing one: {} vs {}",
                                outcome.body, absent.body
                            ));
                        }
                    }
                }
                if route.path == "/api/tokens" && route.method == "POST" {
                    learn_token(&mut world, caller, &outcome);
                }
                if destructive(route) && caller != privileged(route) {
                    let after = world.owner_snapshot().await;
                    if after != before {
                        failures.push(format!("{what} changed {before:?} to {after:?}"));
                    }
                }
            }
        }
        if route.path.starts_with("/api/containers") && route.method == "POST" {
            learn(&mut world).await;
        }
        if destructive(route) && route.path != "/api/auth/logout" {
            world.settle().await;
        }
    }

    let mut frames_seen = 0;
    for listener in listeners {
        let caller = listener.caller;
        let sent = listener.sent.clone();
        let frames = listener.close().await;
        frames_seen += frames.len();
        let foreign = world.foreign_secrets(tenant_of(caller));
        // The frames do carry a tenant's own data, so the absence of others' means something.
        let own = &world.secrets[&tenant_of(caller).unwrap()];
        let mentions_own = frames
            .iter()
            .any(|frame| own.iter().any(|secret| frame.contains(secret.as_str())));
        let refused = frames
            .iter()
            .filter(|frame| frame.contains("container.logs.error"))
            .filter(|frame| frame.contains("CONTAINER_NOT_FOUND"))
            .count();
        let followed = frames.iter().any(|frame| frame.contains("owner-log-line"));
        let (want_refused, want_followed) = match caller {
            Caller::Owner | Caller::Reader => (0, true),
            _ => (world.main.references().len(), false),
        };
        if (refused, followed) != (want_refused, want_followed) {
            failures.push(format!(
                "log subscriptions of {caller:?}: {refused} refused, followed {followed}"
            ));
        }
        if matches!(caller, Caller::Owner | Caller::Other) && !mentions_own {
            failures.push(format!(
                "/ws/events of {caller:?} carried nothing of its own"
            ));
        }
        for frame in &frames {
            let outcome = Outcome {
                status: 0,
                body: frame.clone(),
                request: sent.clone(),
            };
            let leaked = leaks(&outcome, &foreign);
            if !leaked.is_empty() {
                failures.push(format!(
                    "/ws/events of {caller:?} leaked {leaked:?}: {frame}"
                ));
            }
        }
    }
    println!(
        "isolation matrix: {} routes x {} callers, {calls} calls, {frames_seen} event frames",
        ROUTES.len(),
        CALLERS.len()
    );
    assert!(
        owner_bodies_with_own_data > 10,
        "{owner_bodies_with_own_data}"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
