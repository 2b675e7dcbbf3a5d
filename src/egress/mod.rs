//! Egress: each user's network gets their tier's policy in the host's firewall. A worker
//! installs the shared chains when it starts (and refuses to provision when it cannot), gives
//! a network its rules before the first environment on it is created, and every few seconds
//! brings every network of this deployment in line with its owner's tier, so an admin's edit
//! reaches running environments within seconds and a flushed rule comes back.

mod host;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ipnet::IpNet;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::config::Settings;
use crate::db;
use crate::firewall::{Context, Family, Firewall, Target};
use crate::model::egress::EgressPolicy;
use crate::model::engine_names::labels;
use crate::model::UserId;
use crate::runtime::Runtime;

/// How long the engine's address pools are taken as known: they change only when the engine
/// restarts with other settings.
const POOLS_FOR: Duration = Duration::from_secs(60);

/// The egress policy's keeper; does nothing when `SANDBOXD_EGRESS_FIREWALL=false`.
#[derive(Clone)]
pub struct Guard {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    pool: PgPool,
    runtime: Runtime,
    firewall: Firewall,
    iptables: String,
    instance: String,
    every: Duration,
    families: Mutex<Vec<Family>>,
    /// Bridges this process has given rules; later changes are the reconciler's.
    protected: Mutex<HashSet<String>>,
    pools: Mutex<Option<(Instant, Vec<IpNet>)>>,
    /// sandboxd's own pool, which the engine does not know of.
    own_pool: IpNet,
    /// One writer per process: workers making a user's first networks at once would otherwise
    /// each add the same jump.
    writing: tokio::sync::Mutex<()>,
}

impl Guard {
    pub fn new(pool: PgPool, runtime: Runtime, settings: &Settings) -> Self {
        let inner = settings.egress_firewall.then(|| {
            Arc::new(Inner {
                pool,
                runtime,
                firewall: Firewall::new(&settings.iptables),
                iptables: settings.iptables.clone(),
                instance: format!("{}={}", labels::INSTANCE, settings.redis_prefix),
                every: settings.egress_sync_every,
                families: Mutex::default(),
                protected: Mutex::default(),
                pools: Mutex::default(),
                own_pool: IpNet::V4(settings.capacity.address_pool),
                writing: tokio::sync::Mutex::new(()),
            })
        });
        Self { inner }
    }

    /// Installs the shared chains; an error says why provisioning must not start.
    pub async fn install(&self) -> anyhow::Result<()> {
        let Some(inner) = &self.inner else {
            tracing::warn!("SANDBOXD_EGRESS_FIREWALL=false: environments may reach private networks and the host");
            return Ok(());
        };
        let mut families = vec![Family::V4];
        // Without IPv6 in the kernel there is nothing to filter, and ip6tables cannot run.
        if Path::new("/proc/net/if_inet6").exists() {
            families.push(Family::V6);
        }
        for family in &families {
            inner.firewall.install(*family).await.map_err(|err| {
                anyhow::anyhow!(
                    "cannot install the egress firewall: {err}. Workers keep environments off \
                     private networks and the host with {} rules, which needs root or \
                     CAP_NET_ADMIN on the engine's host (SANDBOXD_IPTABLES names the command); \
                     set SANDBOXD_EGRESS_FIREWALL=false to provision without them",
                    inner.firewall.command(*family)
                )
            })?;
        }
        tracing::info!(iptables = %inner.iptables, ?families, "egress firewall installed");
        *inner.families.lock().expect("families lock") = families;
        Ok(())
    }

    /// Gives the network `network` of `owner` its rules, unless this process already has.
    pub async fn protect(&self, network: &str, owner: UserId) -> anyhow::Result<()> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        let interface = inner.runtime.bridge_interface(network).await?;
        if inner.protected().contains(&interface) {
            return Ok(());
        }
        let policies = inner.policies(&[owner]).await?;
        let target = Target {
            policy: policies.get(&owner).cloned().unwrap_or(EgressPolicy::None),
            interface: interface.clone(),
        };
        inner.apply(&[target]).await?;
        inner.protected().insert(interface);
        Ok(())
    }

    /// Reconciles every few seconds until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        let Some(inner) = self.inner else { return };
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(inner.every) => {}
            }
            if let Err(err) = inner.reconcile().await {
                tracing::warn!(error = %err, "egress: reconciling the firewall failed");
            }
        }
    }
}

impl Inner {
    fn protected(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.protected.lock().expect("protected lock")
    }

    fn families(&self) -> Vec<Family> {
        self.families.lock().expect("families lock").clone()
    }

    async fn reconcile(&self) -> anyhow::Result<()> {
        let bridges = self
            .runtime
            .bridges_labelled(&self.instance, labels::OWNER)
            .await?;
        let owned: Vec<(String, UserId)> = bridges
            .into_iter()
            .filter_map(|bridge| Some((bridge.interface, bridge.label.parse().ok()?)))
            .collect();
        let owners: Vec<UserId> = owned.iter().map(|(_, owner)| *owner).collect();
        let policies = self.policies(&owners).await?;
        let targets: Vec<Target> = owned
            .iter()
            .map(|(interface, owner)| Target {
                interface: interface.clone(),
                // An owner gone from the database keeps no access.
                policy: policies.get(owner).cloned().unwrap_or(EgressPolicy::None),
            })
            .collect();
        for family in self.families() {
            self.firewall.install(family).await?;
            let removed = self.firewall.remove_stale(family).await?;
            if removed > 0 {
                tracing::info!(
                    ?family,
                    removed,
                    "egress: rules of removed networks deleted"
                );
            }
        }
        self.apply(&targets).await?;
        let mut protected = self.protected();
        protected.clear();
        protected.extend(targets.into_iter().map(|target| target.interface));
        Ok(())
    }

    async fn apply(&self, targets: &[Target]) -> anyhow::Result<()> {
        if targets.is_empty() {
            return Ok(());
        }
        let families = self.families();
        anyhow::ensure!(!families.is_empty(), "the egress firewall is not installed");
        let context = self.context().await;
        let _writing = self.writing.lock().await;
        for family in families {
            let written = self.firewall.apply(family, targets, &context).await?;
            if written > 0 {
                tracing::info!(?family, written, "egress: policy chains written");
            }
        }
        Ok(())
    }

    async fn policies(
        &self,
        owners: &[UserId],
    ) -> Result<HashMap<UserId, EgressPolicy>, sqlx::Error> {
        Ok(db::tiers::egress_of(&self.pool, owners)
            .await?
            .into_iter()
            .map(|(owner, policy)| (owner, policy.0))
            .collect())
    }

    async fn context(&self) -> Context {
        let mut refused = host::uplink_networks();
        refused.extend(self.address_pools().await);
        refused.push(self.own_pool);
        Context {
            resolvers: host::resolvers(),
            refused,
        }
    }

    async fn address_pools(&self) -> Vec<IpNet> {
        let known = self.pools.lock().expect("pools lock").clone();
        if let Some((at, pools)) = &known {
            if at.elapsed() < POOLS_FOR {
                return pools.clone();
            }
        }
        match self.runtime.address_pools().await {
            Ok(pools) => {
                let pools: Vec<IpNet> = pools.iter().filter_map(|p| p.parse().ok()).collect();
                *self.pools.lock().expect("pools lock") = Some((Instant::now(), pools.clone()));
                pools
            }
            Err(err) => {
                tracing::debug!(error = %err, "egress: the engine's address pools are unknown");
                known.map(|(_, pools)| pools).unwrap_or_default()
            }
        }
    }
}
