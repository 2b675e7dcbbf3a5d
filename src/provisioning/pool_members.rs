//! Making one warm pool member: the environment a create of the pool's shape would get, made
//! and started ahead of time with no network, no owner and no user data, named and labelled
//! with the id the environment that takes it will have.

use std::collections::HashMap;

use uuid::Uuid;

use super::shell;
use super::shell_options::ShellOptions;
use super::stage_error::StageError;
use super::Provisioner;
use crate::db;
use crate::db::pools::NewMember;
use crate::model::engine_names::{container_name, labels};
use crate::model::PoolShape;
use crate::runtime::ContainerSpec;

/// A member's host name: it has no name of its own until a create takes it.
const HOST_NAME: &str = "sandbox";
/// How long a member's exec shell waits before a new one replaces it.
const MEMBER_SHELL_KEPT: std::time::Duration = std::time::Duration::from_secs(600);
/// On a member's container: the pool it was made for.
pub const POOL_LABEL: &str = "sandboxd.pool";

impl Provisioner {
    /// Makes one member of `pool` and records it ready; on failure leaves nothing behind.
    pub(super) async fn make_member(&self, pool: &PoolShape) -> Result<(), StageError> {
        let Some(image_ref) = self.catalogue.reference(&pool.image).map(str::to_string) else {
            return Err(StageError::Permanent(format!(
                "{} is not in the image catalogue",
                pool.image
            )));
        };
        let id = Uuid::new_v4();
        let node = self.settings.node.name.clone();
        let new = NewMember {
            id,
            pool,
            node: &node,
            image_ref: &image_ref,
        };
        db::pools::add_member(&self.pool, new).await?;
        let made = self.start_member(id, pool).await;
        let kept = match &made {
            Ok(docker_id) => db::pools::member_ready(&self.pool, id, docker_id).await,
            Err(_) => Ok(false),
        };
        // Never ready, so never taken: the container is the pool's to remove.
        if !matches!(kept, Ok(true)) {
            let _ = db::pools::remove_member(&self.pool, id).await;
            self.remove_member_container(id).await;
        }
        made.map(|_| ())
    }

    /// Removes a member unless a create took it meanwhile: the record goes first, and only
    /// the one who removed it removes the container.
    pub(super) async fn discard_member(&self, id: Uuid) {
        match db::pools::remove_member(&self.pool, id).await {
            Ok(true) => self.remove_member_container(id).await,
            Ok(false) => {}
            Err(err) => tracing::warn!(error = %err, "a pool member's record not removed"),
        }
    }

    async fn remove_member_container(&self, id: Uuid) {
        let container = container_name(id.into());
        self.standbys.forget(&container);
        if let Err(err) = self.runtime.remove_container(&container).await {
            tracing::warn!(error = %err, %container, "a pool member's container not removed");
        }
    }

    async fn start_member(&self, id: Uuid, pool: &PoolShape) -> Result<String, StageError> {
        let image = self.member_image(pool).await?;
        let name = container_name(id.into());
        let host_millicores = self
            .runtime
            .cpu_count()
            .await
            .map_err(|err| StageError::Transient(err.to_string()))?
            * 1000;
        let mut env = vec!["TERM=xterm-256color".into(), "LANG=C.UTF-8".into()];
        if self.settings.disk_quota {
            env.push(format!("SANDBOXD_DISK_MB={}", pool.disk_mb));
        }
        let parking = self.runtime.parking_network(self.parking_labels()).await?;
        let spec = ContainerSpec {
            name: name.clone(),
            hostname: HOST_NAME.into(),
            image,
            entrypoint: shell::entrypoint(),
            command: shell::arguments(Some(&pool.role), &ShellOptions::default(), &[]),
            volumes_from: vec![self.scripts_mount().await?],
            labels: self.member_labels(id, pool.id),
            env,
            network: parking.into(),
            memory_mb: pool.memory_mb.into(),
            cpu_millicores: i64::from(pool.cpu_millicores).min(host_millicores),
            disk_mb: self.settings.disk_quota.then_some(pool.disk_mb.into()),
            pids_limit: self.settings.pids_limit,
            binds: Vec::new(),
            published: Vec::new(),
        };
        let docker_id = self.runtime.create_container(&spec).await?;
        self.runtime.start_container(&name).await?;
        // Started there for its DNS (see runtime/joining.rs), it rests with no network.
        self.runtime.leave_network(&name, parking).await?;
        self.wait_configured(&name).await?;
        self.prepare_first_command(name);
        Ok(docker_id)
    }

    /// The role's prebuilt image when there is one, else the catalogue's; pulled if absent.
    async fn member_image(&self, pool: &PoolShape) -> Result<String, StageError> {
        let mut candidates: Vec<String> = self
            .catalogue
            .role_image(&pool.image, Some(&pool.role))
            .into_iter()
            .collect();
        candidates.extend(self.catalogue.reference(&pool.image).map(str::to_string));
        for reference in &candidates {
            if self.runtime.image_present(reference).await? {
                return Ok(reference.clone());
            }
        }
        let mut last = None;
        for reference in candidates {
            match self.runtime.pull(&reference, |_| {}).await {
                Ok(()) => return Ok(reference),
                Err(err) => last = Some(err),
            }
        }
        Err(last.map_or_else(
            || StageError::Permanent("no image to make the pool's members from".into()),
            StageError::from,
        ))
    }

    /// Starts the exec shell the first command of whoever takes the member runs on (see
    /// environments/exec). Kept for a while, not for ever: a member taken by a create that
    /// another process served would hold it in vain; the pool's rounds start a new one for
    /// a member that waits longer.
    pub(super) fn prepare_first_command(&self, container: String) {
        self.standbys
            .prepare(self.runtime.clone(), container, MEMBER_SHELL_KEPT);
    }

    pub(super) fn has_first_command(&self, container: &str) -> bool {
        self.standbys.holds(container)
    }

    fn parking_labels(&self) -> HashMap<String, String> {
        HashMap::from([(labels::MANAGED.to_string(), "true".to_string())])
    }

    fn member_labels(&self, id: Uuid, pool: Uuid) -> HashMap<String, String> {
        HashMap::from([
            (labels::MANAGED.to_string(), "true".to_string()),
            (
                labels::INSTANCE.to_string(),
                self.settings.redis_prefix.clone(),
            ),
            (labels::ENVIRONMENT.to_string(), id.to_string()),
            (POOL_LABEL.to_string(), pool.to_string()),
        ])
    }
}
