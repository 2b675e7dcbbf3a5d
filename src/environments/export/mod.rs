//! Compose export (Nekzus): an environment, or several as one stack, as Docker Compose YAML
//! with secret-looking variables replaced by `${NAME}` and listed in an env template.

pub mod compose;
mod secrets;

use std::io::Write;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Principal;
use crate::environments::error::{EnvironmentError, Result};
use crate::model::engine_names::container_name;
use crate::model::Environment;
use crate::provisioning::shell;
use crate::runtime::{Described, RuntimeError};
use compose::Service;

const DEFAULT_STACK: &str = "exported-stack";

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ExportOptions {
    /// Replace secret-looking variables with `${NAME}` placeholders (default true).
    #[serde(default = "yes")]
    pub sanitize_secrets: bool,
    /// Include volume definitions (default true).
    #[serde(default = "yes")]
    pub include_volumes: bool,
    /// Include network definitions (default true).
    #[serde(default = "yes")]
    pub include_networks: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            sanitize_secrets: true,
            include_volumes: true,
            include_networks: true,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchExportRequest {
    pub container_ids: Vec<String>,
    /// Names the files (default exported-stack).
    pub stack_name: Option<String>,
    #[serde(flatten)]
    pub options: ExportOptions,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExportView {
    pub format: &'static str,
    pub content: String,
    pub filename: String,
    pub warnings: Vec<String>,
    pub env_content: String,
    pub env_filename: String,
}

/// A batch export, and whether some environments could not be exported (206).
pub struct BatchExport {
    pub view: ExportView,
    pub partial: bool,
}

/// An environment still provisioning, or failed before its container was made, has nothing to
/// export yet: that is the caller's 409, as for lifecycle calls. An engine that cannot be
/// reached is a 503; only what is left is the seed's EXPORT_FAILED.
fn export_error(row: &Environment, err: RuntimeError) -> EnvironmentError {
    match err {
        RuntimeError::NotFound(_) => EnvironmentError::conflict(
            "CONTAINER_NOT_READY",
            format!(
                "the environment is {}; it has no container to export",
                row.status
            ),
        ),
        RuntimeError::Unavailable(message) => {
            tracing::warn!(error = %message, container_id = %row.id, "export failed");
            EnvironmentError::engine_unavailable()
        }
        RuntimeError::Rejected(message) => {
            tracing::warn!(error = %message, container_id = %row.id, "export failed");
            EnvironmentError::engine_failed(
                "EXPORT_FAILED",
                "Failed to export container configuration",
            )
        }
    }
}

service!(
    /// Environments exported as Compose projects.
    Export
);

impl Export {
    pub async fn one(
        &self,
        owner: &Principal,
        reference: &str,
        options: &ExportOptions,
    ) -> Result<ExportView> {
        let row = self.shared.records().find(owner, reference).await?;
        let described = self
            .describe(&row)
            .await
            .map_err(|err| export_error(&row, err))?;
        let mut stack = Stack::new(options);
        stack.add(&row, described);
        Ok(stack.finish(&row.name, Vec::new()))
    }

    /// The container as the engine of its node describes it.
    async fn describe(&self, row: &Environment) -> Result<Described, RuntimeError> {
        let runtime = self.shared.fleet.runtime_for(row).await?;
        runtime.describe(&container_name(row.id)).await
    }

    pub async fn batch(
        &self,
        owner: &Principal,
        request: &BatchExportRequest,
    ) -> Result<BatchExport> {
        if request.container_ids.is_empty() {
            return Err(EnvironmentError::invalid(
                "EMPTY_CONTAINER_LIST",
                "At least one container ID is required",
            ));
        }
        let stack_name = request.stack_name.as_deref().unwrap_or(DEFAULT_STACK);
        let plain = !stack_name.is_empty()
            && stack_name.len() <= 64
            && stack_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !plain {
            return Err(EnvironmentError::invalid(
                "INVALID_STACK_NAME",
                "stack_name must be 1-64 letters, digits, '-' or '_'",
            ));
        }
        let mut stack = Stack::new(&request.options);
        let mut failures = Vec::new();
        for reference in super::bulk::batch_references(&request.container_ids)? {
            let Ok(row) = self.shared.records().find(owner, reference).await else {
                failures.push(format!("Container '{reference}' not found"));
                continue;
            };
            match self.describe(&row).await {
                Ok(described) => stack.add(&row, described),
                Err(err) => {
                    tracing::warn!(error = %err, container_id = %row.id, "export: inspect failed");
                    failures.push(format!(
                        "Container '{reference}' could not be inspected: {}",
                        err.public_message()
                    ))
                }
            }
        }
        if stack.services.is_empty() {
            return Err(EnvironmentError::not_found_as(
                "ALL_CONTAINERS_FAILED",
                "Failed to inspect any containers",
            )
            .with_details(serde_json::json!(failures)));
        }
        let partial = !failures.is_empty();
        Ok(BatchExport {
            view: stack.finish(stack_name, failures),
            partial,
        })
    }
}

/// The services gathered so far, and what sanitizing them found.
struct Stack<'a> {
    options: &'a ExportOptions,
    services: Vec<Service>,
    warnings: Vec<String>,
    env_template: String,
}

impl<'a> Stack<'a> {
    fn new(options: &'a ExportOptions) -> Self {
        Self {
            options,
            services: Vec::new(),
            warnings: Vec::new(),
            env_template: String::new(),
        }
    }

    fn add(&mut self, row: &Environment, described: Described) {
        let mut environment = Vec::new();
        for entry in row.env_vars() {
            let (name, value) = entry.split_once('=').unwrap_or((&entry, ""));
            match secrets::kind_of(name).filter(|_| self.options.sanitize_secrets) {
                Some(kind) => {
                    environment.push((name.to_string(), None));
                    self.warnings.push(format!("Secret '{name}' was sanitized"));
                    self.env_template
                        .push_str(&format!("{name}=your_{kind}_here\n"));
                }
                None => environment.push((name.to_string(), Some(value.to_string()))),
            }
        }
        let (mut volumes, mut named_volumes) = (Vec::new(), Vec::new());
        if self.options.include_volumes {
            // The shared scripts exist only on sandboxd's engine.
            let portable = described
                .mounts
                .iter()
                .filter(|mount| mount.target != shell::DIRECTORY);
            for mount in portable {
                let suffix = if mount.read_only { ":ro" } else { "" };
                volumes.push(format!("{}:{}{suffix}", mount.source, mount.target));
                if mount.kind == "volume" {
                    named_volumes.push(mount.source.clone());
                }
            }
        }
        self.services.push(Service {
            name: row.name.clone(),
            image: described.image,
            hostname: described.hostname,
            // boot.sh lives in those scripts; the configuration it made is in the image
            // layer the export does not carry anyway.
            entrypoint: if described.entrypoint == shell::entrypoint() {
                shell::portable_entrypoint()
            } else {
                described.entrypoint
            },
            working_dir: described.working_dir,
            environment,
            memory_bytes: described.memory_bytes,
            cpus: described.nano_cpus.map(|n| n as f64 / 1e9),
            pids_limit: described.pids_limit,
            cap_drop: described.cap_drop,
            cap_add: described.cap_add,
            security_opt: described.security_opt,
            volumes,
            named_volumes,
            networks: if self.options.include_networks {
                described.networks
            } else {
                Vec::new()
            },
            restart: described.restart,
        });
    }

    fn finish(self, name: &str, mut failures: Vec<String>) -> ExportView {
        failures.extend(self.warnings);
        ExportView {
            format: "docker-compose",
            content: compose::document(&self.services),
            filename: format!("{name}-compose.yaml"),
            warnings: failures,
            env_content: self.env_template,
            env_filename: format!("{name}.env"),
        }
    }
}

/// The export as a zip of its two files, for `?format=zip`.
pub fn zip(view: &ExportView) -> std::io::Result<Vec<u8>> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, body) in [
        (&view.filename, &view.content),
        (&view.env_filename, &view.env_content),
    ] {
        archive
            .start_file(name.as_str(), options)
            .map_err(std::io::Error::other)?;
        archive.write_all(body.as_bytes())?;
    }
    Ok(archive
        .finish()
        .map_err(std::io::Error::other)?
        .into_inner())
}
