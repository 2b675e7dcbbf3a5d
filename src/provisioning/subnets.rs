//! The addresses of a user's network: sandboxd carves each network's subnet out of
//! `SANDBOXD_ADDRESS_POOL` itself, sized to what the owner's tier may run, rather than letting
//! the engine hand every network a /24. A guest's /29 takes a thirty-second of the addresses
//! a /24 did, and the pool holds as many users as the setting says on any engine, configured
//! by the deployment or not.

use ipnet::Ipv4Net;
use sqlx::PgConnection;

use super::stage_error::StageError;
use super::Provisioner;
use crate::db;
use crate::model::engine_names::subnet_record;
use crate::model::Environment;

/// The smallest network handed out: room for five environments.
const SMALLEST: u8 = 29;
/// The largest: 253 environments, as many as the engine's own /24s held.
const LARGEST: u8 = 24;
/// Subnets found taken (by another worker, or on the engine by someone else) before giving
/// up for now; each one found on the engine is marked, so the next attempt skips it.
const TRIES: usize = 32;

/// The prefix length of a network for `max_containers` environments: a bridge network's
/// first and last addresses and its gateway are not the containers'.
pub fn prefix_for(max_containers: i32) -> u8 {
    let needed = u32::try_from(max_containers.max(1)).unwrap_or(1) + 3;
    let bits = needed.next_power_of_two().trailing_zeros() as u8;
    (32 - bits).clamp(LARGEST, SMALLEST)
}

/// Where in the pool a deployment starts looking: the same for all its processes, elsewhere
/// for another deployment (or test) sharing the engine. FNV-1a, for a value that does not
/// change between builds.
pub fn start_for(instance: &str, pool: Ipv4Net) -> u64 {
    let hash = instance
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    hash % (1_u64 << (32 - pool.prefix_len()))
}

impl Provisioner {
    /// The subnet the network `network` of `env`'s owner is to be made on: the one already
    /// set aside for it, or a free one of its owner's size that no network on the engine
    /// uses (the engine would accept overlapping subnets without a word). Runs on the
    /// connection that holds the owner's network lock, so that workers making many users'
    /// first networks at once do not each need a second connection.
    pub(super) async fn subnet_for(
        &self,
        connection: &mut PgConnection,
        env: &Environment,
        network: &str,
    ) -> Result<Ipv4Net, StageError> {
        let record = subnet_record(&self.settings.node.name, network);
        if let Some(subnet) = db::subnets::of_network(connection, &record).await? {
            return Ok(subnet);
        }
        let max_containers = db::tiers::for_user(&mut *connection, env.user_id.uuid())
            .await?
            .map_or(1, |tier| tier.max_containers);
        let pool = self.settings.capacity.address_pool;
        let prefix = prefix_for(max_containers).max(pool.prefix_len());
        let mut start = start_for(&self.settings.redis_prefix, pool);
        let in_use = self.runtime.network_subnets().await?;
        for _ in 0..TRIES {
            let Some(subnet) = db::subnets::take(connection, pool, prefix, start, &record).await?
            else {
                if !db::subnets::any_free(connection, pool, prefix).await? {
                    tracing::warn!(%pool, prefix, "the address pool has no free subnet");
                    return Err(StageError::capacity());
                }
                // Another worker took the same subnet first: look elsewhere, so that many
                // at once do not all reach for the next one too.
                start = rand::random::<u64>() % (1_u64 << (32 - pool.prefix_len()));
                continue;
            };
            let taken = in_use
                .iter()
                .find(|(name, used)| name != network && overlap(*used, subnet));
            match taken {
                None => return Ok(subnet),
                Some((name, used)) => {
                    tracing::info!(%subnet, %used, other = %name, "subnet in use on the engine; skipped");
                    db::subnets::mark_foreign(connection, subnet, *used).await?;
                }
            }
        }
        Err(StageError::Transient(
            "the engine's networks crowd the address pool; retrying".into(),
        ))
    }
}

fn overlap(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_are_sized_to_the_tier() {
        // The seeded tiers: guest 1, free 5, pro 10, enterprise 25.
        assert_eq!(prefix_for(0), 29);
        assert_eq!(prefix_for(1), 29);
        assert_eq!(prefix_for(5), 29);
        assert_eq!(prefix_for(6), 28);
        assert_eq!(prefix_for(10), 28);
        assert_eq!(prefix_for(13), 28);
        assert_eq!(prefix_for(25), 27);
        assert_eq!(prefix_for(10_000), 24);
    }

    #[test]
    fn the_default_pool_holds_four_thousand_users_of_the_largest_seeded_tier() {
        let pool: Ipv4Net = crate::config::capacity_default_pool();
        let networks = |prefix: u8| 1_u64 << (prefix - pool.prefix_len());
        assert_eq!(networks(prefix_for(25)), 4096);
        assert_eq!(networks(prefix_for(1)), 16_384);
    }

    #[test]
    fn starts_stay_inside_the_pool_and_differ_between_deployments() {
        let pool: Ipv4Net = "10.0.0.0/22".parse().unwrap();
        let a = start_for("sandboxd", pool);
        let b = start_for("sandboxd-test:0123", pool);
        assert!(a < 1024 && b < 1024);
        assert_ne!(a, b);
        assert_eq!(a, start_for("sandboxd", pool));
    }
}
