//! An environment's connections under its tier's egress policy, against stand-ins that live
//! on this machine: the internet (203.0.113.10), a private machine (10.201.13.10) and the
//! metadata service (169.254.169.254), plus the machine's own addresses.

use std::io::Write;
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

use sandboxd::config::Settings;
use serde_json::json;

use super::hosts::{machine_addresses, Hosts};
use crate::support::app::spawn_app;
use crate::support::engine;

/// A tier edit must reach a running environment within this.
const APPLIED_WITHIN: Duration = Duration::from_secs(15);

struct Probe<'a> {
    settings: &'a Settings,
    container: String,
    bridge: String,
    hosts: &'a Hosts,
}

impl Probe<'_> {
    /// Connects from inside the environment; the listener's reply, or None when refused.
    fn connect(&self, address: &str, port: u16) -> Option<String> {
        // A probe leaves only for an address of this machine or of a stand-in still routed to
        // its namespace.
        self.hosts.assert_routed();
        let script = format!("busybox nc -w 3 {address} {port} </dev/null");
        let out = engine::exec(self.settings, &self.container, &script);
        let reply = String::from_utf8_lossy(&out.stdout).trim().to_string();
        (!reply.is_empty()).then_some(reply)
    }

    /// What `address:port` answered, asking up to ten times: the stand-in's listener takes
    /// one connection at a time, and a busy machine can catch it between two. Only for
    /// checks that something is reached; a refusal is never retried into an answer.
    async fn answer(&self, address: &str, port: u16) -> Option<String> {
        for _ in 0..10 {
            if let Some(reply) = self.connect(address, port) {
                return Some(reply);
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        None
    }

    /// Waits until connecting to `address:port` gives `reach` (reached or not); how long.
    async fn until(&self, address: &str, port: u16, reach: bool) -> Duration {
        let started = Instant::now();
        while self.connect(address, port).is_some() != reach {
            assert!(
                started.elapsed() < APPLIED_WITHIN,
                "{address}:{port} still {} after {APPLIED_WITHIN:?}; the bridge's chain:\n{}",
                if reach { "refused" } else { "reached" },
                iptables(&["-S", &format!("SBX-{}", self.bridge)])
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        started.elapsed()
    }
}

/// Answers every connection to `port` on all of the machine's addresses, in the background.
fn listen_on_the_machine() -> u16 {
    let listener = TcpListener::bind("0.0.0.0:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.write_all(b"hello-host\n");
        }
    });
    port
}

fn iptables(args: &[&str]) -> String {
    let out = Command::new("iptables").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The filter table's way into sandboxd's chain taken away, as the engine's rearranging does
/// for a moment; put back when dropped (the servers' reconciling would, within seconds).
struct FilterPassedBy;

impl FilterPassedBy {
    fn now() -> Self {
        let unjump = ["-D", "DOCKER-USER", "-j", "SANDBOXD-EGRESS"];
        while Command::new("iptables")
            .args(unjump)
            .status()
            .unwrap()
            .success()
        {}
        Self
    }
}

impl Drop for FilterPassedBy {
    fn drop(&mut self) {
        let jump = ["DOCKER-USER", "-j", "SANDBOXD-EGRESS"];
        let present = Command::new("iptables").arg("-C").args(jump).status();
        if !present.unwrap().success() {
            let _ = Command::new("iptables").args(["-I"]).args(jump).status();
        }
    }
}

#[tokio::test]
async fn an_environment_reaches_public_addresses_only_and_follows_its_tiers_egress_within_seconds()
{
    // Made first and dropped last: no probe ever runs without the stand-ins' routes.
    let mut hosts = Hosts::new();
    let internet = hosts.add('i', "203.0.113.9", "203.0.113.10");
    let private = hosts.add('p', "10.201.13.9", "10.201.13.10");
    let metadata = hosts.add('m', "169.254.169.253", "169.254.169.254");
    for (host, reply) in [
        (internet, "inet"),
        (private, "private"),
        (metadata, "metadata"),
    ] {
        hosts.listen(host, 8080, &format!("hello-{reply}"));
    }
    hosts.listen(internet, 9090, "hello-inet-9090");
    let host_port = listen_on_the_machine();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let app = spawn_app().await;
    let admin = app.admin_token().await;
    assert_eq!(app.tier(&admin, "free").await["egress"], "public");
    let token = app.user_token("egress-user").await;
    let id = app.running_busybox(&token, json!({})).await;
    let container = format!("sbx-{id}");
    let [inet, private, metadata] = [internet, private, metadata].map(|h| hosts.address(h));

    let inspected = engine::inspect(&app.settings, &container);
    let network = inspected["NetworkSettings"]["Networks"]
        .as_object()
        .unwrap();
    let (_, endpoint) = network.iter().next().unwrap();
    let network_id = endpoint["NetworkID"].as_str().unwrap();
    let bridge = format!("br-{}", &network_id[..12]);
    let gateway = endpoint["Gateway"].as_str().unwrap().to_string();
    let probe = Probe {
        settings: &app.settings,
        container,
        bridge,
        hosts: &hosts,
    };

    // public: the internet, nothing private, not the metadata service, not the host.
    assert_eq!(
        probe.answer(inet, 8080).await.as_deref(),
        Some("hello-inet")
    );
    assert_eq!(probe.connect(private, 8080), None, "a private address");
    assert_eq!(probe.connect(metadata, 8080), None, "the metadata service");
    let mut own = machine_addresses();
    own.push(gateway);
    for address in &own {
        assert_eq!(
            probe.connect(address, host_port),
            None,
            "the host at {address}"
        );
    }
    println!(
        "public: {inet}:8080 reached; {private}, {metadata} and {} host addresses refused",
        own.len()
    );
    // The refusals are sandboxd's own rules, for this environment's bridge.
    let bridge = &probe.bridge;
    assert!(iptables(&["-S", "SANDBOXD-EGRESS"]).contains(&format!("-i {bridge} -j SBX-{bridge}")));
    assert!(iptables(&["-S", "SANDBOXD-INPUT"]).contains(&format!("-i {bridge} -j REJECT")));
    // The engine moves its jumps in the filter table as networks come and go, and for
    // moments that table is passed by: the security table's copy still refuses (dropping).
    let backstop = iptables(&["-t", "security", "-S", "SANDBOXD-EGRESS"]);
    assert!(
        backstop.contains(&format!("-i {bridge} -j SBX-{bridge}")),
        "{backstop}"
    );
    for address in [metadata, private] {
        let passed_by = FilterPassedBy::now();
        assert_eq!(
            probe.connect(address, 8080),
            None,
            "{address}, filter passed by"
        );
        drop(passed_by);
    }

    // none, applied to the running environment.
    app.edit_tier("free", json!({"egress": "none"})).await;
    let took = probe.until(inet, 8080, false).await;
    println!("none: {inet}:8080 refused {took:?} after the edit");
    for (address, port) in [(inet, 9090), (private, 8080), (metadata, 8080)] {
        assert_eq!(probe.connect(address, port), None, "{address}:{port}");
    }

    // An allow-list: only the listed address and port.
    let allowed = json!([{"cidr": format!("{inet}/32"), "ports": [8080]}]);
    app.edit_tier("free", json!({"egress": allowed})).await;
    assert_eq!(app.tier(&admin, "free").await["egress"], allowed);
    let took = probe.until(inet, 8080, true).await;
    println!("allow-list: {inet}:8080 reached {took:?} after the edit");
    assert_eq!(
        probe.answer(inet, 8080).await.as_deref(),
        Some("hello-inet")
    );
    for (address, port) in [(inet, 9090), (private, 8080), (metadata, 8080)] {
        assert_eq!(probe.connect(address, port), None, "{address}:{port}");
    }
    assert_eq!(probe.connect(&own[0], host_port), None, "the host");

    // Back to public: the internet on any port again.
    app.edit_tier("free", json!({"egress": "public"})).await;
    let took = probe.until(inet, 9090, true).await;
    println!("public again: {inet}:9090 reached {took:?} after the edit");
    assert_eq!(probe.connect(metadata, 8080), None);
    drop(app);
}
