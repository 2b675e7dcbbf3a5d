//! From inside an environment: no Docker API or socket, no Postgres, Redis, registry or
//! sandboxd port on any host address, and no way to another user's environment.

use std::time::Duration;

use super::sandbox::{environment, host_addresses, reachable, still_on_host, Sandbox};
use crate::support::engine;

/// The port of a `scheme://user@host:port/...` or `host:port` address.
fn port_of(address: &str) -> u16 {
    let rest = address.split_once("://").map_or(address, |(_, rest)| rest);
    let host_port = rest.split('/').next().unwrap();
    let host_port = host_port.rsplit_once('@').map_or(host_port, |(_, hp)| hp);
    host_port.rsplit_once(':').unwrap().1.parse().unwrap()
}

/// Listens on `port` inside a container, detached, so a probe has something to find.
fn listen_inside(settings: &sandboxd::config::Settings, container: &str, port: u16) {
    let script = format!(
        "use IO::Socket::INET; my $s = IO::Socket::INET->new(LocalAddr => '0.0.0.0:{port}', \
         Listen => 5, ReuseAddr => 1) or die $!; while (my $c = $s->accept) {{ close $c }}"
    );
    let out = engine::docker(settings, &["exec", "-d", container, "perl", "-e", &script]);
    assert!(out.status.success(), "{out:?}");
}

#[tokio::test]
async fn an_environment_finds_no_docker_socket_and_no_engine_api() {
    let sandbox = Sandbox::start("socket-seeker").await;
    let run = sandbox
        .run(
            "ls -l /var/run/docker.sock /run/docker.sock /run/sandboxd 2>&1; \
             find / -xdev -type s 2>/dev/null; grep -i docker /proc/mounts; env | grep -i docker; \
             curl -s --max-time 2 --unix-socket /var/run/docker.sock http://x/version; \
             echo checked",
        )
        .await;
    let output = run.stdout;
    assert!(output.ends_with("checked\n"), "{output}");
    let lines: Vec<&str> = output
        .lines()
        .filter(|line| !line.contains("No such file or directory") && *line != "checked")
        .collect();
    assert!(
        lines.is_empty(),
        "a socket, mount or variable of the engine: {lines:?}"
    );
    // The engine's TCP ports on every address the environment could use for the host.
    let mut targets = Vec::new();
    for host in sandbox.gateways().into_iter().chain(host_addresses()) {
        for port in [2375, 2376] {
            targets.push((host.clone(), port));
        }
    }
    let open = still_on_host(&sandbox, &reachable(&sandbox, &targets).await);
    assert!(open.is_empty(), "the engine answers on {open:?}");
}

#[tokio::test]
async fn an_environment_reaches_no_host_service_on_any_host_address() {
    // Bound on every interface, as a deployment's default SANDBOXD_BIND is.
    let sandbox = Sandbox::start_with("port-scanner", |s| s.bind = "0.0.0.0:0".into()).await;
    let settings = &sandbox.app.settings;
    let api_port = port_of(&sandbox.app.address);
    let services = [
        ("postgres", port_of(&settings.database_url)),
        ("redis", port_of(&settings.redis_url)),
        ("registry", port_of(&settings.registry)),
        ("sandboxd", api_port),
    ];
    let gateways = sandbox.gateways();
    assert!(!gateways.is_empty(), "the environment has a gateway");
    let mut hosts = gateways.clone();
    hosts.extend(host_addresses());
    hosts.sort();
    hosts.dedup();
    let mut targets = Vec::new();
    for host in &hosts {
        for (_, port) in services {
            targets.push((host.clone(), port));
        }
    }
    // A listener of the environment's own shows that the probe sees an open port.
    let own = sandbox.address();
    let container = format!("sbx-{}", sandbox.id);
    listen_inside(settings, &container, 18080);
    tokio::time::sleep(Duration::from_millis(500)).await;
    targets.push((own.clone(), 18080));

    let open = reachable(&sandbox, &targets).await;
    println!(
        "{} host targets probed; reachable: {open:?}",
        targets.len() - 1
    );
    assert!(
        open.contains(&format!("{own}:18080")),
        "the probe works: {open:?}"
    );
    // The host refuses new connections from environments (scripts/docker-engine.sh), so
    // even a service bound on every interface, as sandboxd is here, stays out of reach.
    let others: Vec<String> = open
        .iter()
        .filter(|target| **target != format!("{own}:18080"))
        .cloned()
        .collect();
    let unexpected = still_on_host(&sandbox, &others);
    assert!(
        unexpected.is_empty(),
        "reachable from inside: {unexpected:?} (services {services:?})"
    );
}

#[tokio::test]
async fn an_environment_cannot_reach_another_users_environment() {
    let sandbox = Sandbox::start("neighbour").await;
    let settings = &sandbox.app.settings;
    let other = sandbox.app.user_token("other-neighbour").await;
    let theirs = environment(&sandbox.app, &other).await;
    let their_container = format!("sbx-{theirs}");
    listen_inside(settings, &their_container, 18080);
    let inspected = engine::inspect(settings, &their_container);
    let networks = inspected["NetworkSettings"]["Networks"]
        .as_object()
        .unwrap();
    let their_address = networks.values().next().unwrap()["IPAddress"]
        .as_str()
        .unwrap()
        .to_string();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Their own network reaches the listener, so a closed port below is isolation, not a
    // missing listener.
    let from_theirs = engine::exec(
        settings,
        &their_container,
        &format!("timeout 2 bash -c 'exec 3<>/dev/tcp/{their_address}/18080' && echo open"),
    );
    assert_eq!(String::from_utf8_lossy(&from_theirs.stdout), "open\n");
    let open = reachable(&sandbox, &[(their_address.clone(), 18080)]).await;
    assert!(
        open.is_empty(),
        "reached another user's environment: {open:?}"
    );
}
