//! A read-only directory of files that many containers mount: an image imported from a tar
//! archive, and a never-started container of it whose volume the others take. The engine
//! copies the image's files into that volume when the holder is made, so a new container gets
//! them by a mount alone, without an archive unpacked or a process run for each.

use std::collections::HashMap;

use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    CreateContainerOptions, CreateImageOptions, ListContainersOptions, RemoveImageOptions,
};
use bytes::Bytes;
use futures_util::StreamExt;

use super::{split_reference, Runtime, RuntimeError};

/// What to make: `holder` (a container name) holding `archive`'s files, which lie under
/// `directory`, through the image `image`.
pub struct SharedFiles<'a> {
    pub holder: &'a str,
    pub image: &'a str,
    pub directory: &'a str,
    pub archive: &'a [u8],
    pub labels: HashMap<String, String>,
}

impl Runtime {
    /// Makes the holder unless it exists; another process making it at the same time is fine.
    pub async fn ensure_shared_files(&self, files: SharedFiles<'_>) -> Result<(), RuntimeError> {
        match self.create_holder(&files).await {
            // The image is imported when first needed, and again if it was removed (by an
            // older build's housekeeping, say).
            Err(RuntimeError::NotFound(_)) => {
                self.import_image(files.image, files.archive).await?;
                self.create_holder(&files).await
            }
            outcome => outcome,
        }
    }

    /// Creates the holder; one of that name already there counts as made.
    async fn create_holder(&self, files: &SharedFiles<'_>) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        let options = CreateContainerOptions {
            name: Some(files.holder.to_string()),
            ..Default::default()
        };
        let body = ContainerCreateBody {
            image: Some(files.image.to_string()),
            // Never run: an imported image has no command, and the engine wants one.
            cmd: Some(vec!["none".into()]),
            volumes: Some(HashMap::from([(
                files.directory.to_string(),
                HashMap::new(),
            )])),
            labels: Some(files.labels.clone()),
            network_disabled: Some(true),
            ..Default::default()
        };
        match docker.create_container(Some(options), body).await {
            Ok(_) => Ok(()),
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::Rejected(message) if message.contains("is already in use") => Ok(()),
                other => Err(other),
            },
        }
    }

    /// Makes `reference` an image whose filesystem is `archive`.
    async fn import_image(&self, reference: &str, archive: &[u8]) -> Result<(), RuntimeError> {
        let (repository, tag) = split_reference(reference);
        let options = CreateImageOptions {
            from_src: Some("-".into()),
            repo: Some(repository.to_string()),
            tag: Some(tag.to_string()),
            ..Default::default()
        };
        let docker = self.client().await?;
        let mut progress = docker.create_image(
            Some(options),
            Some(bollard::body_full(Bytes::copy_from_slice(archive))),
            None,
        );
        while let Some(item) = progress.next().await {
            let info = item?;
            if let Some(message) = info.error_detail.and_then(|detail| detail.message) {
                return Err(RuntimeError::Rejected(message));
            }
        }
        Ok(())
    }
}

/// A holder, as housekeeping finds it.
pub struct Holder {
    pub id: String,
    /// The value of the label it was found by.
    pub version: String,
}

impl Runtime {
    /// Holders labelled `key`, except those whose value is `keep`, that no other container
    /// mounts from any more.
    pub async fn unused_holders(&self, key: &str, keep: &str) -> Result<Vec<Holder>, RuntimeError> {
        let docker = self.client().await?;
        let options = ListContainersOptions {
            all: true,
            filters: Some(HashMap::from([(
                "label".to_string(),
                vec![key.to_string()],
            )])),
            ..Default::default()
        };
        let mut unused = Vec::new();
        for found in docker.list_containers(Some(options)).await? {
            let (Some(id), Some(version)) =
                (found.id, found.labels.and_then(|mut l| l.remove(key)))
            else {
                continue;
            };
            if version == keep {
                continue;
            }
            let volumes: Vec<String> = found
                .mounts
                .unwrap_or_default()
                .into_iter()
                .filter_map(|mount| mount.name)
                .collect();
            let mut in_use = false;
            for volume in volumes {
                let options = ListContainersOptions {
                    all: true,
                    filters: Some(HashMap::from([("volume".to_string(), vec![volume])])),
                    ..Default::default()
                };
                let users = docker.list_containers(Some(options)).await?;
                in_use |= users
                    .iter()
                    .any(|user| user.id.as_deref() != Some(id.as_str()));
            }
            if !in_use {
                unused.push(Holder { id, version });
            }
        }
        Ok(unused)
    }

    /// Removes a holder with its volume, then those of `images` nothing else uses.
    pub async fn remove_holder(
        &self,
        holder: &Holder,
        images: &[String],
    ) -> Result<(), RuntimeError> {
        self.remove_container(&holder.id).await?;
        let docker = self.client().await?;
        for image in images {
            match docker
                .remove_image(image, None::<RemoveImageOptions>, None)
                .await
            {
                Ok(_) => {}
                Err(err) => match RuntimeError::from(err) {
                    // Never made, gone already, or used by another holder made meanwhile.
                    RuntimeError::NotFound(_) | RuntimeError::Rejected(_) => {}
                    other => return Err(other),
                },
            }
        }
        Ok(())
    }
}
