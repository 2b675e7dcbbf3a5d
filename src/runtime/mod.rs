//! Docker Engine adapter. The client is made on first use and its API version negotiated with
//! the engine, so sandboxd starts while the engine is down and talks to older engines.

mod address;
mod archive;
mod bridges;
mod containers;
mod disk;
mod engine;
mod error;
mod exec;
mod images;
mod inspect;
mod logs;
mod network;
mod power;
mod shared_files;
mod stats;
mod tty;

pub use archive::{is_out_of_space, is_unpack_refusal, TarStream};
pub use bridges::Bridge;
pub use containers::{ContainerSpec, Listed};
pub use engine::EngineUsage;
pub use error::RuntimeError;
pub use exec::{ExecOutput, ExecSpec};
pub use images::split_reference;
pub use inspect::{Described, Mount};
pub use logs::{LogLines, LogStream};
pub use shared_files::{Holder, SharedFiles};
pub use stats::StatsSample;
pub use tty::{Tty, TtyInput, TtyOutput};

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bollard::{Docker, API_DEFAULT_VERSION};

use crate::expiring_map::ExpiringMap;
use tokio::sync::OnceCell;

const REQUEST_TIMEOUT_SECONDS: u64 = 120;
const PING_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct Runtime {
    host: Arc<str>,
    client: Arc<OnceCell<Docker>>,
    cpus: Arc<OnceCell<i64>>,
    /// Networks seen to exist, each looked up once: one removed since (by housekeeping or by
    /// hand) shows when a start names it missing, and is forgotten then.
    networks_seen: Arc<Mutex<HashSet<String>>>,
    cpu_counters: Arc<ExpiringMap<String, stats::CpuCounters>>,
}

impl Runtime {
    pub fn new(host: &str) -> Self {
        Self {
            host: host.into(),
            client: Arc::new(OnceCell::new()),
            cpus: Arc::new(OnceCell::new()),
            networks_seen: Arc::default(),
            cpu_counters: Arc::new(stats::cpu_counters_memory()),
        }
    }

    pub async fn client(&self) -> anyhow::Result<Docker> {
        self.client
            .get_or_try_init(|| async {
                let docker = connect(&self.host)?;
                Ok(docker.negotiate_version().await?)
            })
            .await
            .cloned()
    }

    /// CPUs the engine's host has: a container may not ask for more. Asked once, not on
    /// every create.
    pub async fn cpu_count(&self) -> anyhow::Result<i64> {
        self.cpus
            .get_or_try_init(|| async {
                let info = self.client().await?.info().await?;
                Ok::<_, anyhow::Error>(info.ncpu.unwrap_or(1).max(1))
            })
            .await
            .copied()
    }

    pub async fn ping(&self) -> anyhow::Result<()> {
        tokio::time::timeout(PING_TIMEOUT, async {
            self.client().await?.ping().await?;
            Ok(())
        })
        .await
        .map_err(|_| anyhow::anyhow!("the Docker engine did not answer within {PING_TIMEOUT:?}"))?
    }
}

fn connect(host: &str) -> anyhow::Result<Docker> {
    let docker = if host.starts_with("unix://") || host.starts_with('/') {
        Docker::connect_with_unix(host, REQUEST_TIMEOUT_SECONDS, API_DEFAULT_VERSION)
    } else if host.starts_with("tcp://") || host.starts_with("http://") {
        Docker::connect_with_http(host, REQUEST_TIMEOUT_SECONDS, API_DEFAULT_VERSION)
    } else {
        anyhow::bail!("SANDBOXD_DOCKER_HOST={host:?}: expected unix://, tcp:// or http://");
    };
    docker.map_err(|err| anyhow::anyhow!("cannot reach the Docker engine at {host}: {err}"))
}
