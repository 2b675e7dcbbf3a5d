//! This process's node: the engine it runs beside, named and labelled, and how often it
//! says it is alive.

use std::collections::BTreeMap;
use std::time::Duration;

use super::Env;

#[derive(Clone, Debug)]
pub struct NodeSettings {
    /// Unique among the nodes; the host's name unless set.
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub heartbeat_every: Duration,
    /// A node whose heartbeat is older than this is down.
    pub down_after: Duration,
    /// How long a create waits for a node with room before it ends in `NO_CAPACITY`.
    pub placement_patience: Duration,
    /// How far a newly registered node's CPUs and memory may be promised beyond what it
    /// has; an admin changes a registered node's.
    pub cpu_overcommit: f64,
    pub memory_overcommit: f64,
    /// Whether OSAPI's creates by admins may mount host paths and publish host ports.
    pub host_access_for_admins: bool,
    /// The size of the warm pool of the default shape a node gets at its first registration.
    pub default_pool_size: i32,
    /// How often a node's warm pools are checked and refilled.
    pub pool_refill_every: Duration,
    /// Forks copy their parent's writable layer in place (a btrfs snapshot) where the engine
    /// allows it, instead of committing an image: `SANDBOXD_FORK_SNAPSHOTS`.
    pub fork_snapshots: bool,
}

fn positive(env: &Env<'_>, name: &str, default: f64) -> anyhow::Result<f64> {
    let value: f64 = env.get(name, default)?;
    anyhow::ensure!(
        value.is_finite() && value > 0.0,
        "{name} must be a number above 0"
    );
    Ok(value)
}

impl NodeSettings {
    pub(super) fn from_env(env: &Env<'_>) -> anyhow::Result<Self> {
        let name: String = env.get("SANDBOXD_NODE", host_name())?;
        check_name(&name)?;
        let labels: String = env.get("SANDBOXD_NODE_LABELS", String::new())?;
        Ok(Self {
            name,
            labels: parse_labels(&labels)?,
            heartbeat_every: Duration::from_secs_f64(
                env.get("SANDBOXD_NODE_HEARTBEAT_SECONDS", 10.0_f64)?
                    .max(0.1),
            ),
            down_after: Duration::from_secs_f64(
                env.get("SANDBOXD_NODE_DOWN_AFTER_SECONDS", 30.0_f64)?
                    .max(1.0),
            ),
            cpu_overcommit: positive(env, "SANDBOXD_NODE_CPU_OVERCOMMIT", 16.0)?,
            memory_overcommit: positive(env, "SANDBOXD_NODE_MEMORY_OVERCOMMIT", 2.0)?,
            placement_patience: Duration::from_secs_f64(
                env.get("SANDBOXD_PLACEMENT_WAIT_SECONDS", 120.0_f64)?
                    .max(0.0),
            ),
            host_access_for_admins: env.get("SANDBOXD_OSAPI_HOST_ACCESS_FOR_ADMINS", false)?,
            default_pool_size: env
                .get::<i32>("SANDBOXD_POOL_DEFAULT_SIZE", 2)?
                .clamp(0, 100),
            pool_refill_every: Duration::from_secs_f64(
                env.get("SANDBOXD_POOL_REFILL_SECONDS", 1.0_f64)?.max(0.1),
            ),
            fork_snapshots: env.get("SANDBOXD_FORK_SNAPSHOTS", true)?,
        })
    }
}

fn check_name(name: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        crate::model::is_hostname(name),
        "the node's name {name:?} must be a host name: letters, digits, '-' and '.'"
    );
    Ok(())
}

impl NodeSettings {
    /// `sandboxd worker --node NAME --labels key=value,...`: the flags win over the
    /// settings.
    pub fn apply_flags(&mut self, flags: &[String]) -> anyhow::Result<()> {
        let mut flags = flags.iter();
        while let Some(flag) = flags.next() {
            let (name, inline) = match flag.split_once('=') {
                Some((name, value)) => (name, Some(value.to_string())),
                None => (flag.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| flags.next().cloned())
                    .ok_or_else(|| anyhow::anyhow!("{name} needs a value"))
            };
            match name {
                "--node" => {
                    let node = value()?;
                    check_name(&node)?;
                    self.name = node;
                }
                "--labels" => self.labels = parse_labels(&value()?)?,
                other => anyhow::bail!("unknown flag {other:?}"),
            }
        }
        Ok(())
    }
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_string())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "local".to_string())
}

/// `key=value,key=value` → a map; an entry without `=` is an error, not a silent drop.
pub fn parse_labels(text: &str) -> anyhow::Result<BTreeMap<String, String>> {
    text.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (key, value) = entry
                .split_once('=')
                .filter(|(key, _)| !key.trim().is_empty())
                .ok_or_else(|| {
                    anyhow::anyhow!("SANDBOXD_NODE_LABELS: `{entry}` is not key=value")
                })?;
            Ok((key.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_key_value_pairs_and_anything_else_is_refused() {
        let labels = parse_labels("pool=fast, zone = a ,").unwrap();
        assert_eq!(labels.get("pool").map(String::as_str), Some("fast"));
        assert_eq!(labels.get("zone").map(String::as_str), Some("a"));
        assert!(parse_labels("").unwrap().is_empty());
        assert!(parse_labels("fast").is_err());
        assert!(parse_labels("=fast").is_err());
    }

    #[test]
    fn worker_flags_name_and_label_the_node() {
        let mut node = NodeSettings {
            name: "here".into(),
            labels: BTreeMap::new(),
            heartbeat_every: Duration::from_secs(10),
            down_after: Duration::from_secs(30),
            placement_patience: Duration::from_secs(120),
            cpu_overcommit: 16.0,
            memory_overcommit: 2.0,
            host_access_for_admins: false,
            default_pool_size: 0,
            pool_refill_every: Duration::from_secs(1),
            fork_snapshots: true,
        };
        let flags = ["--node", "node-b", "--labels=pool=fast,zone=a"].map(String::from);
        node.apply_flags(&flags).unwrap();
        assert_eq!(node.name, "node-b");
        assert_eq!(node.labels.get("pool").map(String::as_str), Some("fast"));
        assert!(node.apply_flags(&["--node".into()]).is_err());
        assert!(node.apply_flags(&["--node".into(), "a b".into()]).is_err());
        assert!(node.apply_flags(&["--nodes".into(), "x".into()]).is_err());
    }
}
