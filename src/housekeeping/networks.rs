//! Each user's environments share a network (provisioning/creating.rs); once the user has
//! none left, it goes, and its subnet returns to the address pool. Keeping one for every user
//! and guest who ever had an environment would soon leave new users without.

use std::collections::HashSet;
use std::time::Duration;

use super::Housekeeper;
use crate::db;
use crate::model::engine_names::{labels, subnet_record};
use crate::model::UserId;

/// A subnet set aside this long ago whose network the engine does not hold was left by a
/// worker that died between the two steps, or its network was removed by hand; a mark of
/// others' addresses this old is looked at again. Far longer than making a network takes.
const SUBNETS_SETTLE: Duration = Duration::from_secs(600);

impl Housekeeper {
    pub async fn remove_unused_networks(&self) {
        let instance = self.instance_label();
        let networks = match self
            .runtime
            .networks_labelled(&instance, labels::OWNER)
            .await
        {
            Ok(networks) => networks,
            Err(err) => return tracing::debug!(error = %err, "networks: engine unreachable"),
        };
        let node = &self.settings.node.name;
        let records: Vec<String> = networks
            .iter()
            .map(|(name, _)| subnet_record(node, name))
            .collect();
        match db::subnets::release_stale(&self.pool, node, &records, SUBNETS_SETTLE).await {
            Ok(0) => {}
            Ok(freed) => self.repaired("subnets_released", &freed.to_string()),
            Err(err) => tracing::warn!(error = %err, "networks: stale subnets not released"),
        }
        let owned: Vec<(String, UserId)> = networks
            .into_iter()
            .filter_map(|(network, owner)| Some((network, owner.parse().ok()?)))
            .collect();
        let owners: Vec<UserId> = owned.iter().map(|(_, owner)| *owner).collect();
        let node = &self.settings.node.name;
        let keep = match db::containers::owners_with_environments(&self.pool, &owners, node).await {
            Ok(keep) => HashSet::<UserId>::from_iter(keep),
            Err(err) => return tracing::warn!(error = %err, "networks: database unreachable"),
        };
        for (network, owner) in owned.iter().filter(|(_, owner)| !keep.contains(owner)) {
            match self.remove_if_unused(network, *owner).await {
                Ok(true) => self.repaired("network_removed", network),
                Ok(false) => {}
                Err(err) => tracing::warn!(error = %err, network, "could not remove a network"),
            }
        }
    }

    /// Checked again under the lock that making the network takes: a user's first environment
    /// being provisioned right now either keeps it or finds it gone and makes it again.
    async fn remove_if_unused(&self, network: &str, owner: UserId) -> anyhow::Result<bool> {
        let mut lock = self.pool.begin().await?;
        db::containers::lock_network(&mut lock, owner).await?;
        let node = &self.settings.node.name;
        let owners = db::containers::owners_with_environments(&mut *lock, &[owner], node).await?;
        if !owners.is_empty() {
            return Ok(false);
        }
        let removed = self.runtime.remove_network(network).await?;
        if removed {
            let record = subnet_record(&self.settings.node.name, network);
            db::subnets::release(&mut *lock, &record).await?;
        }
        lock.commit().await?;
        Ok(removed)
    }
}
