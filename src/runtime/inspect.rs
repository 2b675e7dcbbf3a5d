//! How the engine runs a container, for exporting it.

use bollard::query_parameters::InspectContainerOptions;

use super::{Runtime, RuntimeError};

#[derive(Debug, Clone, Default)]
pub struct Mount {
    /// `volume` or `bind`.
    pub kind: String,
    /// The volume's name or the host path.
    pub source: String,
    pub target: String,
    pub read_only: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Described {
    pub image: String,
    pub hostname: String,
    pub entrypoint: Vec<String>,
    pub working_dir: Option<String>,
    pub memory_bytes: Option<i64>,
    pub nano_cpus: Option<i64>,
    pub pids_limit: Option<i64>,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub security_opt: Vec<String>,
    pub networks: Vec<String>,
    pub mounts: Vec<Mount>,
    pub restart: Option<String>,
    /// Running, or about to run again under its restart policy.
    pub running_or_restarting: bool,
}

impl Runtime {
    pub async fn describe(&self, name: &str) -> Result<Described, RuntimeError> {
        let docker = self.client().await?;
        let found = docker
            .inspect_container(name, None::<InspectContainerOptions>)
            .await?;
        let state = found.state.unwrap_or_default();
        let config = found.config.unwrap_or_default();
        let host = found.host_config.unwrap_or_default();
        let networks = found
            .network_settings
            .and_then(|settings| settings.networks)
            .map(|networks| networks.into_keys().collect())
            .unwrap_or_default();
        let mounts = found
            .mounts
            .unwrap_or_default()
            .into_iter()
            .map(|mount| Mount {
                kind: mount.typ.map(|t| t.to_string()).unwrap_or_default(),
                source: mount.name.or(mount.source).unwrap_or_default(),
                target: mount.destination.unwrap_or_default(),
                read_only: mount.rw == Some(false),
            })
            .collect();
        Ok(Described {
            image: config.image.unwrap_or_default(),
            hostname: config.hostname.unwrap_or_default(),
            entrypoint: config.entrypoint.unwrap_or_default(),
            working_dir: config.working_dir.filter(|dir| !dir.is_empty()),
            memory_bytes: host.memory.filter(|m| *m > 0),
            nano_cpus: host.nano_cpus.filter(|n| *n > 0),
            pids_limit: host.pids_limit.filter(|p| *p > 0),
            cap_add: host.cap_add.unwrap_or_default(),
            cap_drop: host.cap_drop.unwrap_or_default(),
            security_opt: host.security_opt.unwrap_or_default(),
            networks,
            mounts,
            restart: host
                .restart_policy
                .and_then(|policy| policy.name)
                .map(|name| name.to_string())
                .filter(|name| !name.is_empty() && name != "no"),
            running_or_restarting: state.running == Some(true) || state.restarting == Some(true),
        })
    }
}
