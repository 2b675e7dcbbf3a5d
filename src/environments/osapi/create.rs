//! OSAPI's create: one environment per targeted node, each through `Intake::create`, so
//! quotas, tiers, sandbox settings and isolation are those of every other create.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::{public_message, route, CreateJob, CreateResult, Osapi, OsapiCreateRequest, JOB_LABEL};
use crate::auth::Principal;
use crate::auth::Scope;
use crate::environments::error::{EnvironmentError, Result};
use crate::environments::request::CreateContainerRequest;
use crate::environments::Intake;
use crate::model::{Environment, HostPort, HostVolume, Node, Workload};
use crate::placement::fan_out::{self, Route, Selection};
use crate::provisioning::catalogue::CUSTOM;
use crate::provisioning::shell_options::ShellOptions;

impl Osapi {
    pub async fn create(
        &self,
        owner: &Principal,
        hostname: &str,
        request: OsapiCreateRequest,
    ) -> Result<CreateJob> {
        let route = route(owner, hostname)?;
        let host_access =
            self.shared.settings.node.host_access_for_admins && owner.has(Scope::Admin);
        let workload = workload(&request, host_access)?;
        let job_id = Uuid::new_v4();
        let asked = CreateContainerRequest {
            workload,
            ..self.translate(request, job_id)
        };
        let intake = Intake::new(self.shared.clone());
        let results = match route {
            Route::One(target) => {
                let spelled = target.to_string();
                let one = CreateContainerRequest {
                    node: Some(spelled.clone()),
                    ..asked
                };
                vec![made(&intake.create(owner, one).await?, &spelled)]
            }
            Route::Each(selection) => self.on_each(owner, &intake, &selection, asked).await?,
        };
        Ok(CreateJob { job_id, results })
    }

    /// One create per node the selection matches. What every node would refuse is refused
    /// once, before any is made; what one node refuses is that node's result.
    async fn on_each(
        &self,
        owner: &Principal,
        intake: &Intake,
        selection: &Selection,
        asked: CreateContainerRequest,
    ) -> Result<Vec<CreateResult>> {
        let down_after = self.shared.settings.node.down_after;
        let nodes = fan_out::nodes(&self.shared.pool, selection, down_after).await?;
        let Some(first) = nodes.first() else {
            return Err(EnvironmentError::not_found_as(
                "NODE_NOT_FOUND",
                "no node carries that label",
            ));
        };
        intake.check(owner, for_node(&asked, first)).await?;
        let mut results = Vec::with_capacity(nodes.len());
        for node in &nodes {
            if node.state != "active" {
                results.push(failed(
                    &node.name,
                    "NODE_UNAVAILABLE",
                    format!(
                        "node {} is {}: it takes no new environments",
                        node.name, node.state
                    ),
                ));
                continue;
            }
            let result = match intake.create(owner, for_node(&asked, node)).await {
                Ok(row) => made(&row, &node.name),
                Err(err) => failed(&node.name, err.code(), public_message(&err)),
            };
            results.push(result);
        }
        Ok(results)
    }

    /// OSAPI's fields in this API's create: an image the catalogue names is that entry,
    /// any other is a custom image; no role and a plain shell, since OSAPI asks for a
    /// container from an image rather than a customised dev shell.
    fn translate(&self, request: OsapiCreateRequest, job_id: Uuid) -> CreateContainerRequest {
        let catalogued =
            request.image != CUSTOM && self.shared.catalogue.reference(&request.image).is_some();
        let (image, custom_image) = match catalogued {
            true => (request.image, None),
            false => (CUSTOM.to_string(), Some(request.image)),
        };
        CreateContainerRequest {
            image,
            name: request.name,
            custom_image,
            snapshot: None,
            resolved_image: None,
            role: None,
            shell: Some(ShellOptions {
                enhanced: false,
                ..ShellOptions::default()
            }),
            memory_mb: None,
            cpu_shares: None,
            disk_mb: None,
            env: request.env,
            environment: BTreeMap::new(),
            labels: BTreeMap::from([(JOB_LABEL.to_string(), job_id.to_string())]),
            node: None,
            // An environment is made by running it: one not to be started is stopped as
            // soon as it is ready.
            stop_when_ready: !request.auto_start,
            workload: Workload::default(),
        }
    }
}

/// The request for one node of a fan-out: names are unique per user, so each environment's
/// name says which node it is on.
fn for_node(asked: &CreateContainerRequest, node: &Node) -> CreateContainerRequest {
    let name = asked
        .name
        .as_ref()
        .map(|name| format!("{name}-{}", node.name.replace('.', "-")));
    CreateContainerRequest {
        name,
        node: Some(node.name.clone()),
        ..asked.clone()
    }
}

/// The command always; host volumes and ports only with `host_access` (an admin, where the
/// setting allows it): a host path inside a tenant's environment is an escape, and ports are
/// reached through previews.
fn workload(request: &OsapiCreateRequest, host_access: bool) -> Result<Workload> {
    if !request.volumes.is_empty() && !host_access {
        return Err(EnvironmentError::invalid(
            "HOST_VOLUMES_NOT_ALLOWED",
            "volumes mount host paths, which environments never see; use the files API",
        ));
    }
    if !request.ports.is_empty() && !host_access {
        return Err(EnvironmentError::invalid(
            "HOST_PORTS_NOT_ALLOWED",
            "ports publish host ports, which environments never hold; open a port through \
             previews (/api/containers/{id}/ports) instead",
        ));
    }
    if request
        .command
        .iter()
        .any(|argument| argument.contains('\0'))
    {
        return Err(EnvironmentError::invalid(
            "INVALID_COMMAND",
            "a command's arguments may not hold NUL bytes",
        ));
    }
    Ok(Workload {
        command: request.command.clone(),
        volumes: request
            .volumes
            .iter()
            .map(|text| {
                HostVolume::parse(text).ok_or_else(|| {
                    invalid_host_access(text, "host:container[:ro|rw], both paths absolute")
                })
            })
            .collect::<Result<_>>()?,
        ports: request
            .ports
            .iter()
            .map(|text| {
                HostPort::parse(text).ok_or_else(|| {
                    invalid_host_access(text, "[ip:]host:container[/tcp|/udp], ports 1-65535")
                })
            })
            .collect::<Result<_>>()?,
        clone_of: None,
    })
}

fn invalid_host_access(text: &str, form: &str) -> EnvironmentError {
    EnvironmentError::invalid("INVALID_HOST_ACCESS", format!("{text:?} is not {form}"))
}

/// `hostname` is the node it went to or, while it waits for room, what it targeted.
fn made(row: &Environment, target: &str) -> CreateResult {
    let image = match row.image == CUSTOM {
        true => row.image_ref.clone(),
        false => row.image.clone(),
    };
    CreateResult {
        hostname: row.node.clone().unwrap_or_else(|| target.to_string()),
        id: Some(row.id.uuid()),
        name: Some(row.name.clone()),
        image: Some(image),
        state: Some(row.status.to_string()),
        created: Some(row.created_at),
        changed: true,
        error: None,
        error_code: None,
    }
}

fn failed(hostname: &str, code: &str, message: String) -> CreateResult {
    CreateResult {
        hostname: hostname.to_string(),
        id: None,
        name: None,
        image: None,
        state: None,
        created: None,
        changed: false,
        error: Some(message),
        error_code: Some(code.to_string()),
    }
}
