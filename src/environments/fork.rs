//! Forks: a new environment from the current filesystem of a running (or stopped) one, in
//! one call. On an engine whose layers are btrfs subvolumes on this host, the fork's
//! container takes a snapshot of its parent's writable layer (runtime/layers.rs) as it is
//! made, an instant of it taken while the parent runs on. Elsewhere the parent is committed on its own node (no registry: the fork starts there),
//! and the fork is accepted like any create, with its parent's shape, through the same quota
//! check and transaction. The committed image is the fork's alone: it goes when the fork is
//! deleted, or with housekeeping's image pass if that delete could not remove it; a fork that
//! is refused removes it at once.

use std::collections::BTreeMap;

use uuid::Uuid;

use super::error::{EnvironmentError, Result};
use super::image_choice::FORK_REPOSITORY;
use super::intake::Intake;
use super::request::{check_name, plan, CreateContainerRequest};
use crate::auth::Principal;
use crate::db;
use crate::model::engine_names::container_name;
use crate::model::{Environment, Status, Workload};
use crate::runtime::RuntimeError;

service!(
    /// Environments made from the filesystem of others.
    Forks
);

impl Forks {
    pub async fn fork(
        &self,
        owner: &Principal,
        reference: &str,
        name: Option<String>,
    ) -> Result<Environment> {
        if let Some(name) = &name {
            check_name(name)?;
        }
        let parent = self.shared.records().find(owner, reference).await?;
        // A stopped one is copied as it was left; it stays stopped, its fork starts.
        if !matches!(parent.status, Status::Running | Status::Stopped) {
            return Err(not_ready(&parent));
        }
        let intake = Intake::new(self.shared.clone());
        let tier = intake.tier_of(owner).await?;
        let node = parent
            .node
            .clone()
            .unwrap_or_else(|| self.shared.settings.node.name.clone());
        let runtime = self.shared.fleet.runtime_for(&parent).await?;
        // Where the engine's layers can be copied in place, the fork starts from its parent's
        // image and takes the parent's layer as its container is made; elsewhere the parent
        // is committed to an image of the fork's own.
        let in_place =
            self.shared.settings.node.fork_snapshots && runtime.layer_store().await.is_some();
        let mut workload = db::containers::workload(&self.shared.pool, parent.id).await?;
        let image_ref = match in_place {
            true => {
                workload.clone_of = Some(parent.id);
                parent.image_ref.clone()
            }
            false => format!("{FORK_REPOSITORY}/{}:fork", Uuid::new_v4()),
        };
        let request = shaped_like(&parent, name, &image_ref, &node, workload);
        let plan = plan(request, &tier, &self.shared.catalogue)?;
        // Refused before the copy when it would be refused after it.
        let current = db::users::count_containers(&self.shared.pool, owner.id().uuid()).await?;
        if current >= i64::from(tier.max_containers) {
            return Err(EnvironmentError::LimitReached {
                current,
                limit: tier.max_containers,
                tier: tier.name.clone(),
            });
        }
        if in_place {
            let fork = intake.accept(owner, &tier, plan).await?;
            tracing::info!(container_id = %fork.id, parent_id = %parent.id, "fork accepted, its layer copied in place");
            return Ok(fork);
        }
        runtime
            .commit(&container_name(parent.id), &image_ref)
            .await
            .map_err(|err| commit_error(&parent, err))?;
        // Known to housekeeping from now on, so not even a crash here leaves it for good.
        let recorded = db::images::pulled(&self.shared.pool, &image_ref, &node).await;
        let accepted = match recorded {
            Ok(()) => intake.accept(owner, &tier, plan).await,
            Err(err) => Err(err.into()),
        };
        match accepted {
            Ok(fork) => {
                tracing::info!(container_id = %fork.id, parent_id = %parent.id, "fork accepted");
                Ok(fork)
            }
            Err(err) => {
                match runtime.remove_image(&image_ref).await {
                    Ok(true) => {
                        let _ = db::images::forget(&self.shared.pool, &image_ref, &node).await;
                    }
                    Ok(false) => {}
                    Err(err) => tracing::warn!(error = %err, "refused fork's image left"),
                }
                Err(err)
            }
        }
    }
}

/// The parent's image, role, shell options, resources, variables, labels and command, on its
/// node, running the committed image. Host ports stay with the parent: only one may hold one.
fn shaped_like(
    parent: &Environment,
    name: Option<String>,
    image_ref: &str,
    node: &str,
    workload: Workload,
) -> CreateContainerRequest {
    CreateContainerRequest {
        image: parent.image.clone(),
        name,
        custom_image: None,
        snapshot: None,
        resolved_image: Some(image_ref.to_string()),
        role: parent.role.clone(),
        shell: serde_json::from_value(parent.shell.clone()).ok(),
        memory_mb: Some(parent.memory_mb.into()),
        cpu_shares: Some(parent.cpu_millicores.into()),
        disk_mb: Some(parent.disk_mb.into()),
        env: parent.env_vars(),
        environment: BTreeMap::new(),
        labels: serde_json::from_value(parent.labels.clone()).unwrap_or_default(),
        node: Some(node.to_string()),
        stop_when_ready: false,
        workload: Workload {
            ports: Vec::new(),
            ..workload
        },
    }
}

fn not_ready(env: &Environment) -> EnvironmentError {
    EnvironmentError::conflict(
        "CONTAINER_NOT_READY",
        format!(
            "the environment is {}; only a running or stopped one can be forked",
            env.status
        ),
    )
}

fn commit_error(env: &Environment, err: RuntimeError) -> EnvironmentError {
    tracing::warn!(error = %err, container_id = %env.id, "fork commit failed");
    match err {
        RuntimeError::NotFound(_) => not_ready(env),
        err => EnvironmentError::from_engine(
            &err,
            "FORK_FAILED",
            "the environment's filesystem could not be copied",
        ),
    }
}
