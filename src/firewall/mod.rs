//! The host's packet filter, through the `iptables` and `ip6tables` commands (either backend,
//! nft or legacy, the same one the engine uses). Whole chains are replaced with
//! `iptables-restore --noflush`, so a chain is never seen half-written.
//!
//! Layout, in the filter table of each family:
//! - `SANDBOXD-EGRESS`, jumped to from `DOCKER-USER` (or `FORWARD` without one): replies pass;
//!   then one rule per bridge sends what enters on it to that bridge's policy chain.
//! - `SBX-<bridge>`: the bridge's policy; it rejects or returns, never accepts, so the engine's
//!   own rules (isolation between networks) still apply to what it lets through.
//! - `SANDBOXD-INPUT`, jumped to from `INPUT`: replies pass; anything else from a bridge of
//!   ours to the host itself is rejected.
//!
//! The engine rearranges the filter table's `FORWARD` as networks come and go: it deletes and
//! inserts again its jump to `DOCKER-USER`, and puts a new bridge's ACCEPT rules first, so for
//! moments a connection passes the filter table without meeting `DOCKER-USER`. The security
//! table's `FORWARD` runs after the filter table's for every forwarded packet, whatever that
//! accepted, and no engine touches it: the same `SANDBOXD-EGRESS` and policy chains there,
//! dropping where the filter table rejects (REJECT exists in the filter table only), close
//! those moments.

mod layout;
mod policy;
mod ruleset;

pub use layout::Target;
pub use policy::Context;

use std::process::Stdio;
use std::sync::Arc;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use ruleset::Ruleset;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

/// Where the chains live: see the module's documentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Table {
    Filter,
    Security,
}

impl Table {
    const ALL: [Table; 2] = [Table::Filter, Table::Security];

    fn name(self) -> &'static str {
        match self {
            Table::Filter => "filter",
            Table::Security => "security",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FirewallError(String);

#[derive(Clone)]
pub struct Firewall {
    /// The IPv4 command; the IPv6 one and the restore commands are named after it.
    iptables: Arc<str>,
}

impl Firewall {
    pub fn new(iptables: &str) -> Self {
        Self {
            iptables: iptables.into(),
        }
    }

    /// The command for `family`: `iptables-legacy` gives `ip6tables-legacy`, and so on.
    pub fn command(&self, family: Family) -> String {
        match family {
            Family::V4 => self.iptables.to_string(),
            Family::V6 => match self.iptables.rsplit_once('/') {
                Some((dir, file)) => format!("{dir}/{}", file.replacen("iptables", "ip6tables", 1)),
                None => self.iptables.replacen("iptables", "ip6tables", 1),
            },
        }
    }

    /// The table's chains and rules as `iptables -S` prints them.
    async fn ruleset(&self, family: Family, table: Table) -> Result<Ruleset, FirewallError> {
        Ok(Ruleset::parse(&self.run(family, table, &["-S"]).await?))
    }

    async fn run(
        &self,
        family: Family,
        table: Table,
        args: &[&str],
    ) -> Result<String, FirewallError> {
        let command = self.command(family);
        let output = Command::new(&command)
            .args(["-w", "-t", table.name()])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|err| FirewallError(format!("cannot run {command}: {err}")))?;
        if !output.status.success() {
            return Err(FirewallError(format!(
                "{command} {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Applies `script` (restore format, its tables named in it) in one transaction.
    async fn restore(&self, family: Family, script: &str) -> Result<(), FirewallError> {
        let command = format!("{}-restore", self.command(family));
        let mut child = Command::new(&command)
            .args(["-w", "--noflush"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|err| FirewallError(format!("cannot run {command}: {err}")))?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin
            .write_all(script.as_bytes())
            .await
            .map_err(|err| FirewallError(format!("{command}: {err}")))?;
        drop(stdin);
        let output = child
            .wait_with_output()
            .await
            .map_err(|err| FirewallError(format!("{command}: {err}")))?;
        if !output.status.success() {
            return Err(FirewallError(format!(
                "{command}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ipv6_command_is_named_after_the_ipv4_one() {
        let named = |command: &str| Firewall::new(command).command(Family::V6);
        assert_eq!(named("iptables"), "ip6tables");
        assert_eq!(named("iptables-legacy"), "ip6tables-legacy");
        assert_eq!(named("/usr/sbin/iptables-nft"), "/usr/sbin/ip6tables-nft");
    }
}
