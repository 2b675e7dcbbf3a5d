use std::collections::HashMap;

use bollard::models::{
    ContainerCreateBody, HostConfig, HostConfigLogConfig, PortBinding, RestartPolicy,
    RestartPolicyNameEnum,
};
use bollard::query_parameters::{
    CreateContainerOptions, InspectContainerOptions, ListContainersOptions, RemoveContainerOptions,
    StartContainerOptions,
};

use super::{Runtime, RuntimeError};

/// Everything the engine needs to make one environment's container.
#[derive(Clone, Debug)]
pub struct ContainerSpec {
    pub name: String,
    pub hostname: String,
    pub image: String,
    /// The first process and its arguments.
    pub entrypoint: Vec<String>,
    pub command: Vec<String>,
    /// Containers whose volumes this one mounts, as `name:ro` or `name:rw`.
    pub volumes_from: Vec<String>,
    pub labels: HashMap<String, String>,
    pub env: Vec<String>,
    pub network: String,
    pub memory_mb: i64,
    pub cpu_millicores: i64,
    pub disk_mb: Option<i64>,
    pub pids_limit: i64,
    /// Host paths, `host:container:ro|rw`; empty but where an admin was allowed them.
    pub binds: Vec<String>,
    /// Host ports published; empty but where an admin was allowed them.
    pub published: Vec<Published>,
}

/// A port of the container published on the engine's host.
#[derive(Clone, Debug)]
pub struct Published {
    /// `80/tcp`, as the engine names a container's port.
    pub container: String,
    pub host_ip: Option<String>,
    pub host_port: u16,
}

/// Docker's default capabilities less MKNOD, NET_RAW and SETFCAP: enough for package
/// managers and a dev shell, nothing for raw sockets or device nodes.
const CAPABILITIES: [&str; 11] = [
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "AUDIT_WRITE",
];

impl Runtime {
    /// Creates the container, or returns the one a previous attempt already made under the
    /// same name: a retried stage never makes a second container.
    pub async fn create_container(&self, spec: &ContainerSpec) -> Result<String, RuntimeError> {
        let docker = self.client().await?;
        let options = CreateContainerOptions {
            name: Some(spec.name.clone()),
            ..Default::default()
        };
        match docker.create_container(Some(options), body(spec)).await {
            Ok(created) => Ok(created.id),
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::Rejected(message) if message.contains("is already in use") => self
                    .container_id(&spec.name)
                    .await?
                    .ok_or(RuntimeError::Rejected(message)),
                other => Err(other),
            },
        }
    }

    pub async fn container_id(&self, name_or_id: &str) -> Result<Option<String>, RuntimeError> {
        let docker = self.client().await?;
        match docker
            .inspect_container(name_or_id, None::<InspectContainerOptions>)
            .await
        {
            Ok(found) => Ok(found.id),
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::NotFound(_) => Ok(None),
                other => Err(other),
            },
        }
    }

    /// Starts the container; one already running counts as started.
    pub async fn start_container(&self, id: &str) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        match docker
            .start_container(id, None::<StartContainerOptions>)
            .await
        {
            Ok(()) => Ok(()),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 304, ..
            }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// Removes the container with its writable layer and anonymous volumes; a missing one is
    /// already removed.
    pub async fn remove_container(&self, name_or_id: &str) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        let options = RemoveContainerOptions {
            force: true,
            v: true,
            ..Default::default()
        };
        match docker.remove_container(name_or_id, Some(options)).await {
            Ok(()) => Ok(()),
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::NotFound(_) => Ok(()),
                // Removal already under way by another caller.
                RuntimeError::Rejected(message) if message.contains("already in progress") => {
                    Ok(())
                }
                other => Err(other),
            },
        }
    }

    /// Ids of every container, running or not, that carries `label` (`key=value`).
    pub async fn containers_labelled(&self, label: &str) -> Result<Vec<String>, RuntimeError> {
        let docker = self.client().await?;
        let options = ListContainersOptions {
            all: true,
            filters: Some(HashMap::from([(
                "label".to_string(),
                vec![label.to_string()],
            )])),
            ..Default::default()
        };
        let found = docker.list_containers(Some(options)).await?;
        Ok(found.into_iter().filter_map(|c| c.id).collect())
    }
}

fn body(spec: &ContainerSpec) -> ContainerCreateBody {
    let mut storage = HashMap::new();
    if let Some(disk_mb) = spec.disk_mb {
        storage.insert("size".to_string(), format!("{disk_mb}M"));
    }
    let memory = spec.memory_mb * 1024 * 1024;
    ContainerCreateBody {
        image: Some(spec.image.clone()),
        hostname: Some(spec.hostname.clone()),
        entrypoint: Some(spec.entrypoint.clone()),
        cmd: Some(spec.command.clone()),
        env: Some(spec.env.clone()),
        labels: Some(spec.labels.clone()),
        exposed_ports: (!spec.published.is_empty()).then(|| {
            spec.published
                .iter()
                .map(|port| (port.container.clone(), HashMap::new()))
                .collect()
        }),
        working_dir: Some("/root".into()),
        host_config: Some(HostConfig {
            memory: Some(memory),
            // Equal to memory: no swap, so the memory limit bites instead of thrashing.
            memory_swap: Some(memory),
            nano_cpus: Some(spec.cpu_millicores * 1_000_000),
            pids_limit: Some(spec.pids_limit),
            storage_opt: (!storage.is_empty()).then_some(storage),
            cap_drop: Some(vec!["ALL".into()]),
            cap_add: Some(CAPABILITIES.iter().map(|c| c.to_string()).collect()),
            security_opt: Some(vec!["no-new-privileges:true".into()]),
            network_mode: Some(spec.network.clone()),
            volumes_from: Some(spec.volumes_from.clone()),
            binds: (!spec.binds.is_empty()).then(|| spec.binds.clone()),
            port_bindings: (!spec.published.is_empty()).then(|| port_bindings(spec)),
            // Readable whatever the engine's default driver is (provisioning reads the first
            // process's report from it, users read their logs), and bounded: output to PID 1
            // is the user's to make.
            log_config: Some(HostConfigLogConfig {
                typ: Some("json-file".into()),
                config: Some(HashMap::from([
                    ("max-size".to_string(), "10m".to_string()),
                    ("max-file".to_string(), "2".to_string()),
                ])),
            }),
            restart_policy: Some(RestartPolicy {
                name: Some(RestartPolicyNameEnum::UNLESS_STOPPED),
                maximum_retry_count: None,
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn port_bindings(spec: &ContainerSpec) -> HashMap<String, Option<Vec<PortBinding>>> {
    let mut bindings: HashMap<String, Option<Vec<PortBinding>>> = HashMap::new();
    for port in &spec.published {
        bindings
            .entry(port.container.clone())
            .or_default()
            .get_or_insert_with(Vec::new)
            .push(PortBinding {
                host_ip: port.host_ip.clone(),
                host_port: Some(port.host_port.to_string()),
            });
    }
    bindings
}

/// A container as a listing shows it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub id: String,
    /// The `sandboxd.environment` label.
    pub environment: Option<String>,
    /// Its processes exist: running, or frozen by a pause.
    pub running: bool,
    pub paused: bool,
}

impl Runtime {
    /// Every container, running or not, that carries `label` (`key=value`), with its labels'
    /// environment id and whether it runs.
    pub async fn list_labelled(
        &self,
        label: &str,
        environment_label: &str,
    ) -> Result<Vec<Listed>, RuntimeError> {
        let docker = self.client().await?;
        let options = ListContainersOptions {
            all: true,
            filters: Some(HashMap::from([(
                "label".to_string(),
                vec![label.to_string()],
            )])),
            ..Default::default()
        };
        let found = docker.list_containers(Some(options)).await?;
        Ok(found
            .into_iter()
            .filter_map(|c| {
                let state = c.state.map(|s| s.to_string()).unwrap_or_default();
                Some(Listed {
                    id: c.id?,
                    environment: c.labels.and_then(|mut l| l.remove(environment_label)),
                    running: state == "running" || state == "paused",
                    paused: state == "paused",
                })
            })
            .collect())
    }
}
