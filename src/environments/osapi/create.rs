//! OSAPI's create: one environment per targeted node, each through `Intake::create`, so
//! quotas, tiers, sandbox settings and isolation are those of every other create.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::{public_message, route, CreateJob, CreateResult, Osapi, OsapiCreateRequest, JOB_LABEL};
use crate::auth::Principal;
use crate::environments::error::{EnvironmentError, Result};
use crate::environments::request::CreateContainerRequest;
use crate::environments::Intake;
use crate::model::{Environment, Node};
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
        refuse_what_cannot_be_honoured(&request)?;
        let job_id = Uuid::new_v4();
        let asked = self.translate(request, job_id);
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

fn refuse_what_cannot_be_honoured(request: &OsapiCreateRequest) -> Result<()> {
    if !request.volumes.is_empty() {
        return Err(EnvironmentError::invalid(
            "HOST_VOLUMES_NOT_ALLOWED",
            "volumes mount host paths, which environments never see; use the files API",
        ));
    }
    if !request.ports.is_empty() {
        return Err(EnvironmentError::invalid(
            "HOST_PORTS_NOT_ALLOWED",
            "ports publish host ports, which environments never hold; open a port through \
             previews (/api/containers/{id}/ports) instead",
        ));
    }
    if !request.command.is_empty() {
        return Err(EnvironmentError::invalid(
            "COMMAND_NOT_SUPPORTED",
            "an environment's main process is its shell; run commands with \
             POST /api/node/{hostname}/container/docker/{id}/exec",
        ));
    }
    Ok(())
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
