//! Taking a snapshot: the name and quota slot held, the filesystem committed on the
//! environment's node, its size counted, the image pushed, the record made ready. A failure
//! at any step removes what the steps before made.

use uuid::Uuid;

use super::quota::Reserve;
use super::Snapshots;
use crate::auth::Principal;
use crate::db;
use crate::db::snapshots::NewSnapshot;
use crate::environments::error::{EnvironmentError, Result};
use crate::environments::intake::{generated_name, Intake};
use crate::environments::request::check_name;
use crate::model::engine_names::container_name;
use crate::model::{Environment, Snapshot, Status, Tier};
use crate::runtime::{Runtime, RuntimeError};

/// Attempts at a generated name before giving up on luck.
const NAME_ATTEMPTS: usize = 5;

impl Snapshots {
    /// Saves the filesystem of the caller's environment `reference` (running or stopped).
    pub async fn take(
        &self,
        owner: &Principal,
        reference: &str,
        name: Option<String>,
    ) -> Result<Snapshot> {
        if let Some(name) = &name {
            check_name(name)?;
        }
        let env = self.shared.records().find(owner, reference).await?;
        if !matches!(env.status, Status::Running | Status::Stopped) {
            return Err(not_ready(&env));
        }
        let tier = Intake::new(self.shared.clone()).tier_of(owner).await?;
        let runtime = self.shared.fleet.runtime_for(&env).await?;
        let id = Uuid::new_v4();
        let image_ref = super::image_reference(&self.shared.settings.registry, id);
        self.hold(owner, &tier, &env, id, &image_ref, name).await?;
        match self
            .make(owner, &tier, &env, &runtime, id, &image_ref)
            .await
        {
            Ok(snapshot) => {
                tracing::info!(snapshot_id = %id, container_id = %env.id, "snapshot taken");
                Ok(snapshot)
            }
            Err(err) => {
                self.undo(&runtime, id, &image_ref).await;
                Err(err)
            }
        }
    }

    async fn hold(
        &self,
        owner: &Principal,
        tier: &Tier,
        env: &Environment,
        id: Uuid,
        image_ref: &str,
        name: Option<String>,
    ) -> Result<()> {
        let attempts = if name.is_some() { 1 } else { NAME_ATTEMPTS };
        for _ in 0..attempts {
            let name = name.clone().unwrap_or_else(generated_name);
            let new = NewSnapshot {
                id,
                user_id: owner.id(),
                name: &name,
                image_ref,
                container_id: env.id,
                container_name: &env.name,
                node: Some(self.node_of(env)),
            };
            match self.reserve(owner, tier, &new).await {
                Ok(()) => return Ok(()),
                Err(Reserve::NameTaken) if attempts > 1 => continue,
                Err(Reserve::NameTaken) => {
                    return Err(EnvironmentError::conflict(
                        "SNAPSHOT_NAME_TAKEN",
                        format!("you already have a snapshot named {name:?}"),
                    ))
                }
                Err(Reserve::Refused(err)) => return Err(err),
            }
        }
        Err(EnvironmentError::internal("could not generate a free name"))
    }

    async fn make(
        &self,
        owner: &Principal,
        tier: &Tier,
        env: &Environment,
        runtime: &Runtime,
        id: Uuid,
        image_ref: &str,
    ) -> Result<Snapshot> {
        runtime
            .commit(&container_name(env.id), image_ref)
            .await
            .map_err(|err| engine_error(env, "SNAPSHOT_FAILED", err))?;
        let facts = runtime
            .image_facts(image_ref)
            .await
            .map_err(|err| engine_error(env, "SNAPSHOT_FAILED", err))?;
        self.measure(owner, tier, id, facts.size).await?;
        runtime.push(image_ref).await.map_err(|err| {
            tracing::warn!(error = %err, container_id = %env.id, "snapshot push failed");
            EnvironmentError::engine_failed(
                "SNAPSHOT_PUSH_FAILED",
                "the registry did not take the snapshot; nothing was kept",
            )
        })?;
        let pushed = runtime
            .image_facts(image_ref)
            .await
            .map_err(|err| engine_error(env, "SNAPSHOT_PUSH_FAILED", err))?;
        // The copy left on the node: removed with the snapshot, or by housekeeping once
        // nothing runs from it.
        db::images::pulled(&self.shared.pool, image_ref, self.node_of(env)).await?;
        Ok(db::snapshots::complete(&self.shared.pool, id, pushed.digest.as_deref()).await?)
    }

    /// Removes what a failed snapshot made: its local image and its record.
    async fn undo(&self, runtime: &Runtime, id: Uuid, image_ref: &str) {
        if let Err(err) = runtime.remove_image(image_ref).await {
            tracing::warn!(error = %err, snapshot_id = %id, "failed snapshot's image not removed");
        }
        if let Err(err) = db::snapshots::delete(&self.shared.pool, id).await {
            tracing::warn!(error = %err, snapshot_id = %id, "failed snapshot's record not removed");
        }
    }

    fn node_of<'a>(&'a self, env: &'a Environment) -> &'a str {
        env.node
            .as_deref()
            .unwrap_or(&self.shared.settings.node.name)
    }
}

fn not_ready(env: &Environment) -> EnvironmentError {
    EnvironmentError::conflict(
        "CONTAINER_NOT_READY",
        format!(
            "the environment is {}; only a running or stopped one can be saved",
            env.status
        ),
    )
}

/// The engine's own words are logged, not shown: they can name the registry's address.
fn engine_error(env: &Environment, code: &'static str, err: RuntimeError) -> EnvironmentError {
    tracing::warn!(error = %err, container_id = %env.id, code, "snapshot step failed");
    match err {
        RuntimeError::NotFound(_) => not_ready(env),
        err => EnvironmentError::from_engine(
            &err,
            code,
            "the environment's filesystem could not be saved to the registry",
        ),
    }
}
