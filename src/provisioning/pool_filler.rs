//! Keeps this node's warm pools full: each round, one process per node (a Redis lock) drops
//! members that no longer fit their pool (a tier or the catalogue changed, the pool shrank,
//! their container died) and, when no user's environment is being made here, makes what is
//! missing, a few at a time: users' creates come first.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::Utc;
use futures_util::future::join_all;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::Provisioner;
use crate::broker::kv::Kv;
use crate::db;
use crate::model::engine_names::{container_name, labels};
use crate::model::{PoolMember, PoolShape};

/// Members made at once: enough to refill after a burst, few enough to leave the engine to
/// users' creates.
const AT_ONCE: usize = 2;
/// How long after a user's environment was made or taken the pools still wait: its owner's
/// first commands come right after, and a member made meanwhile slows them (the engine's
/// and the machine's time is shared).
const AFTER_HANDOUT: Duration = Duration::from_secs(1);
/// A member still being made after this was left by a process that died.
const ABANDONED_AFTER: Duration = Duration::from_secs(600);
/// How long a round may hold the node's pool lock: enough to make a few members; a process
/// that dies holding it delays its node's refills by no more than this.
const ROUND_LOCK: Duration = Duration::from_secs(120);

pub struct PoolFiller {
    pub provisioner: Provisioner,
    pub kv: Kv,
    pub every: Duration,
}

impl PoolFiller {
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(self.every) => {}
            }
            let Some(token) = self.take_turn().await else {
                continue;
            };
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = self.round() => {}
            }
            self.end_turn(&token).await;
        }
    }

    async fn round(&self) {
        let provisioner = &self.provisioner;
        let node = &provisioner.settings.node.name;
        let pool = &provisioner.pool;
        let (pools, members) = match tokio::try_join!(
            db::pools::of_node(pool, node),
            db::pools::members_of_node(pool, node)
        ) {
            Ok(found) => found,
            Err(err) => return tracing::warn!(error = %err, "pools: not read"),
        };
        // Most nodes have no pool: their rounds ask the engine nothing.
        if pools.is_empty() && members.is_empty() {
            return;
        }
        let alive = match self.running_members().await {
            Some(alive) => alive,
            None => return,
        };
        let waiting: Vec<Uuid> = members
            .iter()
            .filter(|member| member.ready && alive.contains(&member.id))
            .map(|member| member.id)
            .collect();
        let (keep, drop) = self.sort(&pools, members, &alive);
        for member in &drop {
            provisioner.discard_member(*member).await;
        }
        // Made by another process, or their shells let go after a long wait.
        for member in waiting.into_iter().filter(|id| !drop.contains(id)) {
            let container = container_name(member.into());
            if !provisioner.has_first_command(&container) {
                provisioner.prepare_first_command(container);
            }
        }
        let wanted: Vec<&PoolShape> = pools
            .iter()
            .flat_map(|shape| {
                let held = keep.get(&shape.id).copied().unwrap_or(0);
                let missing = usize::try_from(shape.size)
                    .unwrap_or(0)
                    .saturating_sub(held);
                std::iter::repeat_n(shape, missing)
            })
            .take(AT_ONCE)
            .collect();
        if wanted.is_empty() {
            return;
        }
        match db::pools::node_busy(pool, node, AFTER_HANDOUT).await {
            Ok(false) => {}
            Ok(true) => return,
            Err(err) => return tracing::warn!(error = %err, "pools: not refilled"),
        }
        for made in join_all(wanted.iter().map(|shape| provisioner.make_member(shape))).await {
            if let Err(err) = made {
                tracing::warn!(error = %err, "pools: a member could not be made");
            }
        }
    }

    /// How many members each pool keeps, and the members to remove.
    fn sort(
        &self,
        pools: &[PoolShape],
        mut members: Vec<PoolMember>,
        alive: &HashSet<Uuid>,
    ) -> (HashMap<Uuid, usize>, Vec<Uuid>) {
        let catalogue = &self.provisioner.catalogue;
        let shapes: HashMap<Uuid, &PoolShape> = pools.iter().map(|p| (p.id, p)).collect();
        // Oldest first: those kept are the ones ready longest.
        members.sort_by_key(|member| member.created_at);
        let mut kept: HashMap<Uuid, usize> = HashMap::new();
        let mut dropped = Vec::new();
        let abandoned = Utc::now() - ABANDONED_AFTER;
        for member in members {
            let fits = shapes.get(&member.pool_id).is_some_and(|shape| {
                catalogue
                    .reference(&shape.image)
                    .is_some_and(|reference| member.fits(shape, reference))
            });
            let healthy = match member.ready {
                true => alive.contains(&member.id),
                false => member.created_at > abandoned,
            };
            let room = shapes
                .get(&member.pool_id)
                .map_or(0, |s| s.size.max(0) as usize);
            let count = kept.entry(member.pool_id).or_default();
            if fits && healthy && *count < room {
                *count += 1;
            } else if member.ready || !healthy {
                dropped.push(member.id);
            }
        }
        (kept, dropped)
    }

    /// Ids of this instance's containers that run on this node's engine; `None` when the
    /// engine does not answer (nothing is judged dead then).
    async fn running_members(&self) -> Option<HashSet<Uuid>> {
        let instance = format!(
            "{}={}",
            labels::INSTANCE,
            self.provisioner.settings.redis_prefix
        );
        let listed = self
            .provisioner
            .runtime
            .list_labelled(&instance, labels::ENVIRONMENT)
            .await
            .map_err(|err| tracing::debug!(error = %err, "pools: engine unreachable"))
            .ok()?;
        Some(
            listed
                .into_iter()
                .filter(|container| container.running)
                .filter_map(|container| container.environment?.parse().ok())
                .collect(),
        )
    }

    /// The node's pool lock, held for a round (which may be long: members are made in it)
    /// and lapsing by itself if this process dies.
    async fn take_turn(&self) -> Option<String> {
        let node = &self.provisioner.settings.node.name;
        let key = self.kv.key(&format!("pools:node:{node}:lock"));
        let token = Uuid::new_v4().to_string();
        let mut connection = self.kv.connection().await.ok()?;
        let taken: Option<String> = redis::cmd("SET")
            .arg(&key)
            .arg(&token)
            .arg("NX")
            .arg("PX")
            .arg(ROUND_LOCK.as_millis() as u64)
            .query_async(&mut connection)
            .await
            .ok()?;
        taken.map(|_| token)
    }

    async fn end_turn(&self, token: &str) {
        let node = &self.provisioner.settings.node.name;
        let key = self.kv.key(&format!("pools:node:{node}:lock"));
        let release = redis::Script::new(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
        );
        if let Ok(mut connection) = self.kv.connection().await {
            let _: redis::RedisResult<i64> = release
                .key(key)
                .arg(token)
                .invoke_async(&mut connection)
                .await;
        }
    }
}
