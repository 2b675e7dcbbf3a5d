//! A container's writable layer copied into another's, for forks: on an engine whose layers
//! are btrfs subvolumes on this host, a snapshot of the parent's layer takes the place of the
//! new container's before it first starts. A snapshot shares the parent's blocks, so it takes
//! milliseconds whatever the size, where a commit reads and writes every changed byte.

use std::path::{Path, PathBuf};

use bollard::query_parameters::InspectContainerOptions;

use super::{Runtime, RuntimeError, Transport};

impl Runtime {
    /// The engine's data directory when its writable layers can be copied from here: an
    /// engine on this host's Unix socket, storing layers as btrfs subvolumes this process can
    /// see. `None` for any other engine (one reached over the network, say).
    pub async fn layer_store(&self) -> Option<PathBuf> {
        if !matches!(Transport::of(&self.host), Some(Transport::Unix)) {
            return None;
        }
        let info = self.client().await.ok()?.info().await.ok()?;
        if info.driver.as_deref() != Some("btrfs") {
            return None;
        }
        let root = PathBuf::from(info.docker_root_dir?);
        let visible = tokio::fs::metadata(root.join("btrfs/subvolumes")).await;
        visible.is_ok_and(|found| found.is_dir()).then_some(root)
    }

    /// Puts a copy of `from`'s writable layer in place of `to`'s, which must not have run
    /// yet; `disk_mb` is `to`'s disk quota, set again on the new subvolume. A snapshot is
    /// one instant of the whole layer, as a disk snapshot is: a running `from` is not paused
    /// for it (a pause would show as the environment's own, to its owner and to sandboxd),
    /// and the copy holds what was written up to then, as after a power cut.
    pub async fn clone_writable_layer(
        &self,
        from: &str,
        to: &str,
        disk_mb: Option<i64>,
    ) -> Result<(), RuntimeError> {
        let root = self.layer_store().await.ok_or_else(|| {
            RuntimeError::Rejected("this engine's layers cannot be copied from here".into())
        })?;
        let docker = self.client().await?;
        let source = docker
            .inspect_container(from, None::<InspectContainerOptions>)
            .await?;
        let target = docker
            .inspect_container(to, None::<InspectContainerOptions>)
            .await?;
        let layer = |id: Option<String>| {
            let root = root.clone();
            async move {
                let id =
                    id.ok_or_else(|| RuntimeError::Rejected("a container without an id".into()))?;
                layer_path(&root, &id).await
            }
        };
        let (source_layer, target_layer) = (layer(source.id).await?, layer(target.id).await?);
        let copy = target_layer.with_extension("copy");
        btrfs(&["subvolume", "snapshot"], &[&source_layer, &copy]).await?;
        btrfs(&["subvolume", "delete"], &[&target_layer]).await?;
        tokio::fs::rename(&copy, &target_layer)
            .await
            .map_err(|err| RuntimeError::Rejected(format!("placing the copied layer: {err}")))?;
        if let Some(disk_mb) = disk_mb {
            btrfs(
                &["qgroup", "limit", &format!("{disk_mb}M")],
                &[&target_layer],
            )
            .await?;
        }
        Ok(())
    }
}

/// The subvolume holding a container's writable layer, as the engine's layer store records it.
async fn layer_path(root: &Path, container_id: &str) -> Result<PathBuf, RuntimeError> {
    let record = root
        .join("image/btrfs/layerdb/mounts")
        .join(container_id)
        .join("mount-id");
    let mount_id = tokio::fs::read_to_string(&record)
        .await
        .map_err(|err| RuntimeError::NotFound(format!("{}: {err}", record.display())))?;
    Ok(root.join("btrfs/subvolumes").join(mount_id.trim()))
}

async fn btrfs(arguments: &[&str], paths: &[&Path]) -> Result<(), RuntimeError> {
    let output = tokio::process::Command::new("btrfs")
        .args(arguments)
        .args(paths)
        .output()
        .await
        .map_err(|err| RuntimeError::Rejected(format!("btrfs: {err}")))?;
    if output.status.success() {
        return Ok(());
    }
    Err(RuntimeError::Rejected(format!(
        "btrfs {}: {}",
        arguments.join(" "),
        String::from_utf8_lossy(&output.stderr).trim()
    )))
}
