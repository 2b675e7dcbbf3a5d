//! Docker Engine adapter. The client is made on first use and its API version negotiated with
//! the engine, so sandboxd starts while the engine is down and talks to older engines.

mod address;
mod archive;
mod bridges;
mod commit;
mod containers;
mod disk;
mod engine;
mod error;
mod exec;
mod freeze_ledger;
mod freezing;
mod images;
mod inspect;
mod joining;
mod layers;
mod logs;
mod marked;
mod network;
mod power;
mod process;
pub mod registry;
mod shared_files;
mod standby;
mod stats;
mod tty;

pub use archive::{is_out_of_space, is_unpack_refusal, TarStream};
pub use bridges::Bridge;
pub use commit::ImageFacts;
pub use containers::{ContainerSpec, Listed, Published};
pub use engine::EngineUsage;
pub use error::RuntimeError;
pub use exec::{ExecOutput, ExecSpec};
pub use freeze_ledger::{FreezeClaim, FreezeLedger, Ledger, LEASE as FREEZE_LEASE};
pub use images::split_reference;
pub use inspect::{Described, Mount};
pub use logs::{LogLines, LogStream};
pub use process::{Process, ProcessOutput, ProcessOutputs, ProcessSpec};
pub use shared_files::{Holder, SharedFiles};
pub use standby::Standbys;
pub use stats::StatsSample;
pub use tty::{Tty, TtyInput, TtyOutput};

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bollard::{Docker, API_DEFAULT_VERSION};

use crate::config::EngineTls;
use crate::expiring_map::ExpiringMap;
use tokio::sync::OnceCell;

const REQUEST_TIMEOUT_SECONDS: u64 = 120;
const PING_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct Runtime {
    host: Arc<str>,
    tls: Option<Arc<EngineTls>>,
    client: Arc<OnceCell<Docker>>,
    cpus: Arc<OnceCell<i64>>,
    /// Networks seen to exist, each looked up once: one removed since (by housekeeping or by
    /// hand) shows when a start names it missing, and is forgotten then.
    networks_seen: Arc<Mutex<HashSet<String>>>,
    cpu_counters: Arc<ExpiringMap<String, stats::CpuCounters>>,
    freezes: Arc<freezing::Freezes>,
}

impl Runtime {
    /// An engine reached in plain text or over its Unix socket.
    pub fn new(host: &str) -> Self {
        Self::connecting(host, None)
    }

    /// An engine reached with mutual TLS when `tls` is given and `host` is `tcp://` or
    /// `https://`; otherwise as `new`.
    pub fn connecting(host: &str, tls: Option<EngineTls>) -> Self {
        Self {
            host: host.into(),
            tls: tls.map(Arc::new),
            client: Arc::new(OnceCell::new()),
            cpus: Arc::new(OnceCell::new()),
            networks_seen: Arc::default(),
            cpu_counters: Arc::new(stats::cpu_counters_memory()),
            freezes: Arc::default(),
        }
    }

    /// Pauses and process starts in this engine's containers are kept apart with every
    /// process that records them in `ledger` too, not only within this one.
    pub fn sharing_freezes(mut self, ledger: Arc<dyn FreezeLedger>) -> Self {
        self.freezes = Arc::new(freezing::Freezes::shared(ledger));
        self
    }

    pub async fn client(&self) -> anyhow::Result<Docker> {
        self.client
            .get_or_try_init(|| async {
                let docker = connect(&self.host, self.tls.as_deref())?;
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

fn connect(host: &str, tls: Option<&EngineTls>) -> anyhow::Result<Docker> {
    let docker = match (Transport::of(host), tls) {
        (Some(Transport::Unix), _) => {
            Docker::connect_with_unix(host, REQUEST_TIMEOUT_SECONDS, API_DEFAULT_VERSION)
        }
        (Some(Transport::Tcp), Some(tls)) | (Some(Transport::Https), Some(tls)) => {
            Docker::connect_with_ssl(
                host,
                &tls.key,
                &tls.cert,
                &tls.ca,
                REQUEST_TIMEOUT_SECONDS,
                API_DEFAULT_VERSION,
            )
        }
        (Some(Transport::Https), None) => anyhow::bail!(
            "the engine {host} asks for TLS: set SANDBOXD_ENGINE_TLS_CA, SANDBOXD_ENGINE_TLS_CERT \
             and SANDBOXD_ENGINE_TLS_KEY"
        ),
        (Some(Transport::Tcp), None) | (Some(Transport::Http), _) => {
            Docker::connect_with_http(host, REQUEST_TIMEOUT_SECONDS, API_DEFAULT_VERSION)
        }
        (None, _) => {
            anyhow::bail!("engine address {host:?}: expected unix://, tcp://, https:// or http://")
        }
    };
    docker.map_err(|err| anyhow::anyhow!("cannot reach the Docker engine at {host}: {err}"))
}

/// How an engine address says to reach it. `tcp://` is TLS when TLS is configured (Docker's
/// own convention); `http://` is plain text whatever is configured.
#[derive(Debug, PartialEq, Eq)]
enum Transport {
    Unix,
    Tcp,
    Https,
    Http,
}

impl Transport {
    fn of(host: &str) -> Option<Self> {
        if host.starts_with("unix://") || host.starts_with('/') {
            Some(Self::Unix)
        } else if host.starts_with("tcp://") {
            Some(Self::Tcp)
        } else if host.starts_with("https://") {
            Some(Self::Https)
        } else if host.starts_with("http://") {
            Some(Self::Http)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tls() -> EngineTls {
        EngineTls {
            ca: "ca.pem".into(),
            cert: "cert.pem".into(),
            key: "key.pem".into(),
        }
    }

    #[test]
    fn an_https_engine_without_tls_settings_is_refused_not_reached_in_plain_text() {
        let refused = connect("https://10.0.0.2:2376", None).unwrap_err();
        assert!(refused.to_string().contains("SANDBOXD_ENGINE_TLS_CA"));
        assert!(connect("ftp://10.0.0.2", Some(&tls())).is_err());
    }

    #[test]
    fn tls_files_that_cannot_be_read_fail_the_connection() {
        // With TLS configured a tcp:// engine is TLS: its missing CA file is the error.
        let missing = connect("tcp://127.0.0.1:2376", Some(&tls())).unwrap_err();
        assert!(missing.to_string().contains("ca.pem"), "{missing}");
        assert!(connect("http://127.0.0.1:2375", Some(&tls())).is_ok());
        assert!(connect("tcp://127.0.0.1:2375", None).is_ok());
    }
}
