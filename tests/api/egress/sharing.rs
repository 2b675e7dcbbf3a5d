//! Processes sharing a host repair the egress chains at the same time (every sandboxd on it
//! reconciles every few seconds). However their repairs interleave, the jump into sandboxd's
//! chain must never be deleted by them: without it no environment on the host is filtered.
//! Played in a network namespace of its own, so the host's own tables are not touched.

use std::path::PathBuf;
use std::process::Command;

use futures_util::future::join_all;
use sandboxd::firewall::{Family, Firewall};
use uuid::Uuid;

const PROCESSES: usize = 8;
const ROUNDS: usize = 5;
const JUMP: &str = "-A FORWARD -j SANDBOXD-EGRESS";

/// A namespace and `iptables` / `iptables-restore` commands that act inside it.
struct Namespace {
    name: String,
    commands: PathBuf,
}

impl Namespace {
    fn new() -> Self {
        let name = format!("sbx-fw-{}", &Uuid::new_v4().simple().to_string()[..8]);
        let made = Command::new("ip").args(["netns", "add", &name]).status();
        assert!(made.unwrap().success(), "ip netns add {name}");
        let commands = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&commands).unwrap();
        for command in ["iptables", "iptables-restore"] {
            let path = commands.join(command);
            let script = format!("#!/bin/sh\nexec ip netns exec {name} {command} \"$@\"\n");
            std::fs::write(&path, script).unwrap();
            let made_executable = Command::new("chmod").arg("+x").arg(&path).status();
            assert!(made_executable.unwrap().success());
        }
        Self { name, commands }
    }

    fn iptables(&self) -> String {
        self.commands.join("iptables").display().to_string()
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new(self.iptables()).args(args).output().unwrap()
    }

    fn jumps(&self) -> usize {
        let listing = self.run(&["-S", "FORWARD"]);
        let listing = String::from_utf8_lossy(&listing.stdout).to_string();
        listing.lines().filter(|line| *line == JUMP).count()
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .status();
        let _ = std::fs::remove_dir_all(&self.commands);
    }
}

#[tokio::test]
async fn processes_repairing_the_chains_at_once_never_delete_the_jump_into_them() {
    let namespace = Namespace::new();
    let firewall = Firewall::new(&namespace.iptables());
    firewall.install(Family::V4).await.expect("first install");
    for round in 0..ROUNDS {
        // The engine restarted, say, and its chains came back without our jump.
        while namespace
            .run(&["-D", "FORWARD", "-j", "SANDBOXD-EGRESS"])
            .status
            .success()
        {}
        // Every process finds it missing and puts it back; the next pass finds their copies.
        for pass in 0..2 {
            let repairs = (0..PROCESSES).map(|_| firewall.install(Family::V4));
            for repaired in join_all(repairs).await {
                repaired.unwrap_or_else(|err| panic!("round {round}, pass {pass}: {err}"));
            }
            let jumps = namespace.jumps();
            assert!(jumps >= 1, "round {round}, pass {pass}: no jump left");
        }
    }
}
