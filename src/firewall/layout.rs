//! The chains of the egress firewall (see the module's documentation), made and kept. Every
//! step reads the table first and adds only what is missing. Processes sharing a host that
//! find a rule missing at once may each add it; the copies are left alone, since each does
//! what one does, and processes deleting "extra" copies at once delete them down to none:
//! for a moment, until a reconcile, environments would go unfiltered.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::policy::{self, Context};
use super::ruleset::{in_interface, Ruleset};
use super::{Family, Firewall, FirewallError, Table};
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
        for table in Table::ALL {
            self.install_in(family, table).await?;
        }
        Ok(())
    }

    async fn install_in(&self, family: Family, table: Table) -> Result<(), FirewallError> {
        let rules = self.ruleset(family, table).await?;
        // The engine evaluates DOCKER-USER before its own forwarding rules; it never touches
        // the security table.
        let forward = match table {
            Table::Filter if rules.has_chain("DOCKER-USER") => "DOCKER-USER",
            _ => "FORWARD",
        };
        let mut jumps = vec![(forward, EGRESS)];
        if table == Table::Filter {
            jumps.push(("INPUT", HOST));
        }
        for (_, chain) in &jumps {
            if !rules.has_chain(chain) {
                if let Err(err) = self.run(family, table, &["-N", chain]).await {
                    // Made meanwhile by another sandboxd on this host.
                    if !self.ruleset(family, table).await?.has_chain(chain) {
                        return Err(err);
                    }
                }
            }
            // First in its chain: only ever inserted at the top, and rules are appended.
            if !rules.rules(chain).any(|rule| rule == REPLIES) {
                let mut args = vec!["-I", chain, "1"];
                args.extend(REPLIES.split_whitespace());
                self.run(family, table, &args).await?;
            }
        }
        for (parent, chain) in jumps {
            let jump = format!("-j {chain}");
            if !rules.rules(parent).any(|rule| rule == jump) {
                self.run(family, table, &["-I", parent, "1", "-j", chain])
                    .await?;
            }
        }
        Ok(())
    }

    /// Gives each target's bridge its policy chains, the jumps to them and the host's
    /// refusal, rewriting only chains whose policy changed, in one transaction. Returns how
    /// many chains were written.
    pub async fn apply(
        &self,
        family: Family,
        targets: &[Target],
        context: &Context,
    ) -> Result<usize, FirewallError> {
        let targets: Vec<&Target> = targets
            .iter()
            .filter(|target| {
                let plain = plain_interface(&target.interface);
                if !plain {
                    tracing::warn!(
                        interface = target.interface,
                        "not a bridge name the firewall can match; skipped"
                    );
                }
                plain
            })
            .collect();
        let mut script = String::new();
        let mut written = 0;
        for table in Table::ALL {
            let rules = self.ruleset(family, table).await?;
            let mut lines = Vec::new();
            for target in &targets {
                written += policy_lines(family, table, &rules, target, context, &mut lines);
            }
            if !lines.is_empty() {
                script.push_str(&format!(
                    "*{}\n{}\nCOMMIT\n",
                    table.name(),
                    lines.join("\n")
                ));
            }
        }
        if !script.is_empty() {
            self.restore(family, &script).await?;
        }
        Ok(written)
    }

    /// Removes the rules and chains of bridges that no longer exist on this host, whoever
    /// made them. Returns how many bridges' rules went.
    pub async fn remove_stale(&self, family: Family) -> Result<usize, FirewallError> {
        let gone = |interface: &str| !Path::new("/sys/class/net").join(interface).exists();
        let mut removed = 0;
        for table in Table::ALL {
            let rules = self.ruleset(family, table).await?;
            for chain in [EGRESS, HOST] {
                for rule in rules.rules(chain) {
                    if in_interface(rule).is_some_and(gone) {
                        let mut args = vec!["-D", chain];
                        args.extend(rule.split_whitespace());
                        // Another process may have removed it first.
                        let _ = self.run(family, table, &args).await;
                    }
                }
            }
            for chain in rules.chains_starting(POLICY_PREFIX) {
                if gone(&chain[POLICY_PREFIX.len()..]) {
                    let _ = self.run(family, table, &["-F", &chain]).await;
                    let _ = self.run(family, table, &["-X", &chain]).await;
                    // A bridge counts once, though its chains go from both tables.
                    removed += usize::from(table == Table::Filter);
                }
            }
        }
        Ok(removed)
    }
}

/// The restore lines that give `target` (a plain bridge name) its policy chain in `table` (when missing or
/// changed: then 1 is returned), the jump to it and, in the filter table, the host's
/// refusal (when missing).
fn policy_lines(
    family: Family,
    table: Table,
    rules: &Ruleset,
    target: &Target,
    context: &Context,
    lines: &mut Vec<String>,
) -> usize {
    let interface = &target.interface;
    let chain = format!("{POLICY_PREFIX}{interface}");
    let mut body = policy::rules(family, &target.policy, context);
    if table == Table::Security {
        body = policy::dropping(family, body);
    }
    let digest = digest(&body);
    let current = rules
        .rules(&chain)
        .find_map(|rule| rule.split(DIGEST_TAG).nth(1))
        .map(|tail| tail.trim_end_matches('"'));
    let mut written = 0;
    if !rules.has_chain(&chain) || current != Some(digest.as_str()) {
        written = 1;
        lines.push(format!(":{chain} - [0:0]"));
        lines.push(format!(
            "-A {chain} -m comment --comment {DIGEST_TAG}{digest}"
        ));
        lines.extend(body.iter().map(|rule| format!("-A {chain} {rule}")));
    }
    let mut parents = vec![(EGRESS, format!("-i {interface} -j {chain}"))];
    if table == Table::Filter {
        parents.push((HOST, format!("-i {interface} {}", host_reject(family))));
    }
    for (parent, rule) in parents {
        if !rules.rules(parent).any(|line| line == rule) {
            lines.push(format!("-A {parent} {rule}"));
        }
    }
    written
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
