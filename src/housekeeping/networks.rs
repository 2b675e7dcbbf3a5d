//! Each user's environments share a network (provision/stages.rs); once the user has none
//! left, it goes. The engine's address pool holds a few hundred networks, so keeping one for
//! every user and guest who ever had an environment would soon leave new users without.

use std::collections::HashSet;

use super::Housekeeper;
use crate::db;
use crate::model::engine_names::labels;
use crate::model::UserId;

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
        let owned: Vec<(String, UserId)> = networks
            .into_iter()
            .filter_map(|(network, owner)| Some((network, owner.parse().ok()?)))
            .collect();
        let owners: Vec<UserId> = owned.iter().map(|(_, owner)| *owner).collect();
        let keep = match db::containers::owners_with_environments(&self.pool, &owners).await {
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
        let owners = db::containers::owners_with_environments(&mut *lock, &[owner]).await?;
        if !owners.is_empty() {
            return Ok(false);
        }
        let removed = self.runtime.remove_network(network).await?;
        lock.commit().await?;
        Ok(removed)
    }
}
