//! The engines of every node, as one service: what acts on an environment from the API asks
//! here for the engine of the node it lives on. This process's own engine is always at hand;
//! another node's is built from the address it registered and kept, so its client (and the
//! connections it pools) serves every request, and looked up again now and then, so a node
//! that re-registers with another address is reached there. The address is the node's own
//! `SANDBOXD_DOCKER_HOST`: a `unix://` one is only the same engine from the same machine.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::PgPool;

use crate::config::{EngineTls, Settings};
use crate::db;
use crate::model::Environment;
use crate::runtime::{FreezeLedger, Runtime, RuntimeError};

/// How long another node's engine address and state are taken as known: a node
/// re-registered elsewhere is reached there, and one gone down is refused, within this; a
/// busy API asks Postgres once per node per period.
const ADDRESS_FRESH_FOR: Duration = Duration::from_secs(3);
/// How long the set of down nodes is taken as known, for listings.
const DOWN_FRESH_FOR: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    /// The environment names a node that is not (or no longer) registered.
    #[error("node {0:?} is not registered, so its engine cannot be reached")]
    UnknownNode(String),
    /// The node stopped sending heartbeats: its environments wait for it to come back.
    #[error("node {0:?} is down")]
    NodeDown(String),
    #[error("the engine of node {node:?} could not be looked up: {source}")]
    Database {
        node: String,
        #[source]
        source: sqlx::Error,
    },
}

/// Engine failures are what callers already handle; a node that cannot be reached is one.
impl From<FleetError> for RuntimeError {
    fn from(err: FleetError) -> Self {
        RuntimeError::Unavailable(err.to_string())
    }
}

#[derive(Clone)]
pub struct Fleet {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    local: Runtime,
    own_node: String,
    tls: Option<EngineTls>,
    freezes: Arc<dyn FreezeLedger>,
    down_after: Duration,
    engines: Mutex<HashMap<String, KnownEngine>>,
    down: Mutex<Option<(Instant, Arc<HashSet<String>>)>>,
}

/// Another node's engine as last looked up.
struct KnownEngine {
    address: String,
    runtime: Runtime,
    down: bool,
    looked_up: Instant,
}

/// Which engine an environment's node means.
#[derive(Debug, PartialEq, Eq)]
enum Route<'a> {
    Local,
    Node(&'a str),
}

/// Not placed yet, made before nodes existed, or placed on this process's node: all live on
/// the engine beside this process.
fn route<'a>(node: Option<&'a str>, own_node: &str) -> Route<'a> {
    match node {
        None => Route::Local,
        Some(name) if name == own_node => Route::Local,
        Some(name) => Route::Node(name),
    }
}

impl KnownEngine {
    fn is_fresh(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.looked_up) < ADDRESS_FRESH_FOR
    }

    fn reached(&self, node: &str) -> Result<Runtime, FleetError> {
        match self.down {
            true => Err(FleetError::NodeDown(node.to_string())),
            false => Ok(self.runtime.clone()),
        }
    }
}

impl Fleet {
    /// The engine beside this process is `settings.docker_host`, known as `settings.node.name`.
    /// Pauses and process starts in every engine are kept apart through `freezes`, with the
    /// other processes that reach the same engines.
    pub fn new(pool: PgPool, settings: &Settings, freezes: Arc<dyn FreezeLedger>) -> Self {
        let tls = settings.engine_tls.clone();
        Self {
            inner: Arc::new(Inner {
                pool,
                local: Runtime::connecting(&settings.docker_host, tls.clone())
                    .sharing_freezes(freezes.clone()),
                own_node: settings.node.name.clone(),
                tls,
                freezes,
                down_after: settings.node.down_after,
                engines: Mutex::default(),
                down: Mutex::default(),
            }),
        }
    }

    /// The engine beside this process: for what concerns it alone (its health, its node's
    /// registration, the workers that provision onto it, housekeeping of what it holds).
    pub fn local(&self) -> Runtime {
        self.inner.local.clone()
    }

    /// The engine of the node `environment` lives on.
    pub async fn runtime_for(&self, environment: &Environment) -> Result<Runtime, FleetError> {
        self.runtime_of(environment.node.as_deref()).await
    }

    /// The engine of `node`; `None` is this process's own.
    pub async fn runtime_of(&self, node: Option<&str>) -> Result<Runtime, FleetError> {
        match route(node, &self.inner.own_node) {
            Route::Local => Ok(self.inner.local.clone()),
            Route::Node(name) => self.remote(name).await,
        }
    }

    /// The nodes that are down now (as of a second or two ago): their environments are
    /// shown unavailable.
    pub async fn down_nodes(&self) -> Result<Arc<HashSet<String>>, sqlx::Error> {
        if let Some((at, down)) = self.inner.down.lock().expect("fleet down lock").as_ref() {
            if at.elapsed() < DOWN_FRESH_FOR {
                return Ok(down.clone());
            }
        }
        let down = Arc::new(HashSet::from_iter(
            db::nodes::down(&self.inner.pool, self.inner.down_after).await?,
        ));
        *self.inner.down.lock().expect("fleet down lock") = Some((Instant::now(), down.clone()));
        Ok(down)
    }

    async fn remote(&self, node: &str) -> Result<Runtime, FleetError> {
        if let Some(fresh) = self.fresh(node) {
            return fresh;
        }
        let found = db::nodes::engine(&self.inner.pool, node, self.inner.down_after)
            .await
            .map_err(|source| FleetError::Database {
                node: node.to_string(),
                source,
            })?;
        let Some(db::nodes::Engine {
            engine: address,
            down,
        }) = found
        else {
            self.engines().remove(node);
            tracing::warn!(
                node,
                "an environment lives on a node that is not registered"
            );
            return Err(FleetError::UnknownNode(node.to_string()));
        };
        let mut engines = self.engines();
        let runtime = match engines.get(node) {
            // The same engine keeps its client: its connections and what it has learnt.
            Some(known) if known.address == address => known.runtime.clone(),
            _ => {
                tracing::info!(node, engine = %address, "reaching a node's engine");
                Runtime::connecting(&address, self.inner.tls.clone())
                    .sharing_freezes(self.inner.freezes.clone())
            }
        };
        let known = KnownEngine {
            address,
            runtime,
            down,
            looked_up: Instant::now(),
        };
        let reached = known.reached(node);
        engines.insert(node.to_string(), known);
        reached
    }

    fn fresh(&self, node: &str) -> Option<Result<Runtime, FleetError>> {
        let engines = self.engines();
        let known = engines.get(node)?;
        known.is_fresh(Instant::now()).then(|| known.reached(node))
    }

    fn engines(&self) -> std::sync::MutexGuard<'_, HashMap<String, KnownEngine>> {
        self.inner.engines.lock().expect("fleet engines lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unplaced_and_own_node_environments_use_the_local_engine() {
        assert_eq!(route(None, "alpha"), Route::Local);
        assert_eq!(route(Some("alpha"), "alpha"), Route::Local);
        assert_eq!(route(Some("beta"), "alpha"), Route::Node("beta"));
        // Node names are compared exactly, as Postgres stores them.
        assert_eq!(route(Some("Alpha"), "alpha"), Route::Node("Alpha"));
    }

    #[test]
    fn a_known_engine_address_is_looked_up_again_once_it_is_stale() {
        let now = Instant::now();
        let known = |age: Duration| KnownEngine {
            address: "tcp://10.0.0.2:2376".into(),
            runtime: Runtime::new("tcp://10.0.0.2:2376"),
            down: false,
            looked_up: now - age,
        };
        assert!(known(Duration::ZERO).is_fresh(now));
        assert!(known(ADDRESS_FRESH_FOR - Duration::from_millis(1)).is_fresh(now));
        assert!(!known(ADDRESS_FRESH_FOR).is_fresh(now));
    }

    #[test]
    fn an_unknown_node_is_an_unreachable_engine_that_names_the_node() {
        let err = RuntimeError::from(FleetError::UnknownNode("beta".into()));
        assert!(err.is_transient());
        assert!(err.to_string().contains("\"beta\""));
    }
}
