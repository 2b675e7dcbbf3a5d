//! The creating stage: the container as the tier and request shape it, on its owner's
//! network, labelled so housekeeping knows it as ours.

use std::collections::HashMap;
use std::time::Duration;

use super::shell;
use super::shell_options::ShellOptions;
use super::stage_error::StageError;
use super::Provisioner;
use crate::db;
use crate::model::engine_names::{container_name, labels, network_name};
use crate::model::{Environment, HostPort, HostVolume};
use crate::runtime::{ContainerSpec, Published};

/// Pauses before each attempt to make the scripts' holder again and mount it.
const HOLDER_REMADE_WAITS: [Duration; 4] = [
    Duration::ZERO,
    Duration::from_millis(50),
    Duration::from_millis(200),
    Duration::from_millis(800),
];

impl Provisioner {
    pub(super) async fn create_container(
        &self,
        env: &Environment,
        pulled: Option<String>,
    ) -> Result<bool, StageError> {
        let mut image = pulled;
        if image.is_none() {
            // Resumed after a worker died: what pulling found is not known here.
            for reference in self.candidates(env) {
                if self.runtime.image_present(&reference).await? {
                    image = Some(reference);
                    break;
                }
            }
        }
        let image = image.ok_or_else(|| {
            StageError::Transient("the pulled image is gone; pulling again".into())
        })?;
        self.check_image(env, &image).await?;
        // A tier may allow more CPU than this host has; the engine refuses such a request.
        let host_millicores = self
            .runtime
            .cpu_count()
            .await
            .map_err(|err| StageError::Transient(err.to_string()))?
            * 1000;
        let network = self.user_network(env).await?;
        let options: ShellOptions = serde_json::from_value(env.shell.clone()).unwrap_or_default();
        let workload = db::containers::workload(&self.pool, env.id).await?;
        let spec = ContainerSpec {
            name: container_name(env.id),
            hostname: env.name.chars().take(63).collect(),
            image,
            entrypoint: shell::entrypoint(),
            command: shell::arguments(env.role.as_deref(), &options, &workload.command),
            volumes_from: vec![self.scripts_mount().await?],
            labels: self.labels(env, true),
            // The disk quota last, so the stats banner reads ours whatever the owner set.
            env: [
                vec!["TERM=xterm-256color".into(), "LANG=C.UTF-8".into()],
                env.env_vars(),
                disk_quota_variable(self.settings.disk_quota, env.disk_mb),
            ]
            .concat(),
            network,
            memory_mb: env.memory_mb.into(),
            cpu_millicores: i64::from(env.cpu_millicores).min(host_millicores),
            disk_mb: self.settings.disk_quota.then_some(env.disk_mb.into()),
            pids_limit: self.settings.pids_limit,
            binds: workload.volumes.iter().map(HostVolume::bind).collect(),
            published: workload.ports.iter().map(published).collect(),
        };
        let docker_id = self.create_mounting_scripts(&spec).await?;
        if !db::containers::record_docker_id(&self.pool, env.id, &docker_id).await? {
            // Deleted while the engine was creating it: nobody else will remove it.
            self.runtime.remove_container(&docker_id).await?;
            return Ok(false);
        }
        if let Some(parent) = workload.clone_of {
            // A fork: its parent's files in place of the image's, before it first starts.
            let disk_mb = self.settings.disk_quota.then_some(env.disk_mb.into());
            self.runtime
                .clone_writable_layer(&container_name(parent), &docker_id, disk_mb)
                .await?;
        }
        Ok(true)
    }

    /// Creates the container, making the scripts' holder again if it was removed by someone
    /// else since this process saw it made. Every process using the engine then finds it
    /// gone and makes it beside this one: one made by another process a moment ago is
    /// named but not yet found for a while, and is waited for.
    async fn create_mounting_scripts(&self, spec: &ContainerSpec) -> Result<String, StageError> {
        let mut missing = String::new();
        // The first try uses the holder as this process last saw it.
        for wait in [None].into_iter().chain(HOLDER_REMADE_WAITS.map(Some)) {
            if let Some(wait) = wait {
                tokio::time::sleep(wait).await;
                self.forget_scripts().await;
                // Making it (importing its image) may trip over another process doing the same.
                match self.scripts_mount().await {
                    Err(full @ StageError::Coded { .. }) => return Err(full),
                    Err(err) => {
                        missing = err.to_string();
                        continue;
                    }
                    Ok(_) => {}
                }
            }
            match self.runtime.create_container(spec).await {
                Ok(id) => return Ok(id),
                Err(err) if shell::names_scripts_holder(&err) => missing = err.to_string(),
                Err(err) => return Err(err.into()),
            }
        }
        // Still missing: the job tries again later rather than fail the environment.
        tracing::warn!(error = %missing, "the shell scripts' holder is still missing");
        Err(StageError::Transient(
            "the environment's shell scripts are being set up again".into(),
        ))
    }

    /// The user's own network, made with their first environment, with its egress rules in
    /// place before any environment on it is created.
    pub(super) async fn user_network(&self, env: &Environment) -> Result<String, StageError> {
        let network = network_name(env.user_id);
        self.make_network(env, &network).await?;
        if self.egress.protect(&network, env.user_id).await.is_err() {
            // Removed by someone else since this process saw it: made again once, in place.
            self.runtime.forget_network(&network);
            self.make_network(env, &network).await?;
            self.egress
                .protect(&network, env.user_id)
                .await
                .map_err(|err| {
                    StageError::Transient(format!("the network's egress rules: {err}"))
                })?;
        }
        Ok(network)
    }

    async fn make_network(&self, env: &Environment, network: &str) -> Result<(), StageError> {
        // The engine accepts a second network of the same name, after which every start by
        // that name fails as ambiguous: a user's environments provisioned at once must not
        // both make it. The lock holds a database connection, so it is taken only when the
        // network is missing, as for a user's first environment.
        if !self.runtime.network_exists(network).await? {
            let mut lock = self.pool.begin().await?;
            db::containers::lock_network(&mut lock, env.user_id).await?;
            if !self.runtime.network_exists(network).await? {
                let subnet = self.subnet_for(&mut lock, env, network).await?;
                self.runtime
                    .ensure_network(network, self.labels(env, false), subnet)
                    .await?;
            }
            lock.commit().await?;
        }
        Ok(())
    }

    pub fn labels(&self, env: &Environment, for_container: bool) -> HashMap<String, String> {
        let mut labels = HashMap::from([
            (labels::MANAGED.to_string(), "true".to_string()),
            (
                labels::INSTANCE.to_string(),
                self.settings.redis_prefix.clone(),
            ),
            (labels::OWNER.to_string(), env.user_id.to_string()),
        ]);
        if for_container {
            labels.insert(labels::ENVIRONMENT.to_string(), env.id.to_string());
            labels.insert(labels::NAME.to_string(), env.name.clone());
        }
        labels
    }
}

fn published(port: &HostPort) -> Published {
    Published {
        container: format!("{}/{}", port.container_port, port.protocol),
        host_ip: port.host_ip.clone(),
        host_port: port.host_port,
    }
}

/// What the stats banner shows as the disk's size: the quota the engine enforces, which
/// `df` inside the environment cannot see (it reports the engine's whole filesystem).
fn disk_quota_variable(enforced: bool, disk_mb: i32) -> Vec<String> {
    if enforced {
        vec![format!("SANDBOXD_DISK_MB={disk_mb}")]
    } else {
        Vec::new()
    }
}
