//! The chains of the egress firewall (see the module's documentation), made and kept. Every
//! step reads the table first and adds only what is missing. Processes sharing a host that
//! find a rule missing at once may each add it; the copies are left alone, since each does
//! what one does, and processes deleting "extra" copies at once delete them down to none:
//! for a moment, until a reconcile, environments would go unfiltered.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::policy::{self, Context};
use super::ruleset::in_interface;
use super::{Family, Firewall, FirewallError};
use crate::model::egress::EgressPolicy;

const EGRESS: &str = "SANDBOXD-EGRESS";
const HOST: &str = "SANDBOXD-INPUT";
const POLICY_PREFIX: &str = "SBX-";
/// Replies to connections made from outside (a terminal, a preview) pass, whatever the policy.
const REPLIES: &str = "-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN";
/// Marks a policy chain with a digest of its rules, so an unchanged chain is not rewritten.
const DIGEST_TAG: &str = "sbx:";

/// A bridge and the policy its environments get.
#[derive(Clone, Debug)]
pub struct Target {
    pub interface: String,
    pub policy: EgressPolicy,
}

impl Firewall {
    /// Makes the shared chains and their jumps, and repairs them (an engine that restarted, a
    /// rule deleted by hand). Fails when the commands cannot run or change the table.
    pub async fn install(&self, family: Family) -> Result<(), FirewallError> {
        let rules = self.ruleset(family).await?;
        for chain in [EGRESS, HOST] {
            if !rules.has_chain(chain) {
                if let Err(err) = self.run(family, &["-N", chain]).await {
                    // Made meanwhile by another sandboxd on this host.
                    if !self.ruleset(family).await?.has_chain(chain) {
                        return Err(err);
                    }
                }
            }
            // First in its chain: only ever inserted at the top, and rules are appended.
            if !rules.rules(chain).any(|rule| rule == REPLIES) {
                let mut args = vec!["-I", chain, "1"];
                args.extend(REPLIES.split_whitespace());
                self.run(family, &args).await?;
            }
        }
        // The engine evaluates DOCKER-USER before its own forwarding rules.
        let forward = if rules.has_chain("DOCKER-USER") {
            "DOCKER-USER"
        } else {
            "FORWARD"
        };
        for (parent, chain) in [(forward, EGRESS), ("INPUT", HOST)] {
            let jump = format!("-j {chain}");
            if !rules.rules(parent).any(|rule| rule == jump) {
                self.run(family, &["-I", parent, "1", "-j", chain]).await?;
            }
        }
        Ok(())
    }

    /// Gives each target's bridge its policy chain, the jump to it and the host's refusal,
    /// rewriting only chains whose policy changed, in one transaction. Returns how many
    /// chains were written.
    pub async fn apply(
        &self,
        family: Family,
        targets: &[Target],
        context: &Context,
    ) -> Result<usize, FirewallError> {
        let rules = self.ruleset(family).await?;
        let mut script = String::from("*filter\n");
        let mut written = 0;
        for target in targets {
            let interface = &target.interface;
            if !plain_interface(interface) {
                tracing::warn!(
                    interface,
                    "not a bridge name the firewall can match; skipped"
                );
                continue;
            }
            let chain = format!("{POLICY_PREFIX}{interface}");
            let body = policy::rules(family, &target.policy, context);
            let digest = digest(&body);
            let current = rules
                .rules(&chain)
                .find_map(|rule| rule.split(DIGEST_TAG).nth(1))
                .map(|tail| tail.trim_end_matches('"'));
            if !rules.has_chain(&chain) || current != Some(digest.as_str()) {
                written += 1;
                script.push_str(&format!(":{chain} - [0:0]\n"));
                script.push_str(&format!(
                    "-A {chain} -m comment --comment {DIGEST_TAG}{digest}\n"
                ));
                for rule in &body {
                    script.push_str(&format!("-A {chain} {rule}\n"));
                }
            }
            let jump = format!("-i {interface} -j {chain}");
            let refuse = format!("-i {interface} {}", host_reject(family));
            for (parent, rule) in [(EGRESS, jump), (HOST, refuse)] {
                if !rules.rules(parent).any(|line| line == rule) {
                    script.push_str(&format!("-A {parent} {rule}\n"));
                }
            }
        }
        if script.lines().count() > 1 {
            script.push_str("COMMIT\n");
            self.restore(family, &script).await?;
        }
        Ok(written)
    }

    /// Removes the rules and chains of bridges that no longer exist on this host, whoever
    /// made them. Returns how many bridges' rules went.
    pub async fn remove_stale(&self, family: Family) -> Result<usize, FirewallError> {
        let rules = self.ruleset(family).await?;
        let gone = |interface: &str| !Path::new("/sys/class/net").join(interface).exists();
        let mut removed = 0;
        for chain in [EGRESS, HOST] {
            for rule in rules.rules(chain) {
                if in_interface(rule).is_some_and(gone) {
                    let mut args = vec!["-D", chain];
                    args.extend(rule.split_whitespace());
                    // Another process may have removed it first.
                    let _ = self.run(family, &args).await;
                }
            }
        }
        for chain in rules.chains_starting(POLICY_PREFIX) {
            if gone(&chain[POLICY_PREFIX.len()..]) {
                let _ = self.run(family, &["-F", &chain]).await;
                let _ = self.run(family, &["-X", &chain]).await;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

fn host_reject(family: Family) -> &'static str {
    // Looks like a closed port: nothing about what the host runs.
    match family {
        Family::V4 => "-j REJECT --reject-with icmp-port-unreachable",
        Family::V6 => "-j REJECT --reject-with icmp6-port-unreachable",
    }
}

/// Interface names go into a restore script: only what the kernel and the engine use.
fn plain_interface(name: &str) -> bool {
    (1..=15).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

fn digest(rules: &[String]) -> String {
    let digest = Sha256::digest(rules.join("\n").as_bytes());
    hex::encode(&digest[..8])
}
