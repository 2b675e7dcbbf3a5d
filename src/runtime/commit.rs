//! An environment's filesystem as an image: committed on its engine, pushed to a registry.

use bollard::models::ContainerConfig;
use bollard::query_parameters::{CommitContainerOptions, PushImageOptions};
use futures_util::StreamExt;

use super::{split_reference, Runtime, RuntimeError};

/// What a committed or pulled image is, as its engine knows it.
#[derive(Debug, Clone)]
pub struct ImageFacts {
    /// Bytes the image holds, its base layers included.
    pub size: i64,
    /// The manifest digest a registry gave it (`sha256:...`), once pushed to or pulled from
    /// the registry its reference names.
    pub digest: Option<String>,
}

impl Runtime {
    /// Commits the filesystem of container `name` as `reference`. The container is paused
    /// meanwhile, so what is written during the copy cannot tear a file in the image.
    pub async fn commit(&self, name: &str, reference: &str) -> Result<(), RuntimeError> {
        let (repository, tag) = split_reference(reference);
        let options = CommitContainerOptions {
            container: Some(name.to_string()),
            repo: Some(repository.to_string()),
            tag: Some(tag.to_string()),
            comment: Some("sandboxd snapshot".into()),
            pause: true,
            ..Default::default()
        };
        let docker = self.client().await?;
        // The engine pauses the container for the copy.
        let _freezing = self.freezes.freezing(name).await;
        docker
            .commit_container(options, ContainerConfig::default())
            .await?;
        Ok(())
    }

    /// Pushes `reference` to the registry it names.
    pub async fn push(&self, reference: &str) -> Result<(), RuntimeError> {
        let (repository, tag) = split_reference(reference);
        let options = PushImageOptions {
            tag: Some(tag.to_string()),
            ..Default::default()
        };
        let docker = self.client().await?;
        let mut stream = docker.push_image(repository, Some(options), None);
        while let Some(item) = stream.next().await {
            item?;
        }
        Ok(())
    }

    pub async fn image_facts(&self, reference: &str) -> Result<ImageFacts, RuntimeError> {
        let image = self.client().await?.inspect_image(reference).await?;
        let (repository, _) = split_reference(reference);
        let digest = image
            .repo_digests
            .unwrap_or_default()
            .into_iter()
            .find_map(|entry| {
                let (name, digest) = entry.split_once('@')?;
                (name == repository).then(|| digest.to_string())
            });
        Ok(ImageFacts {
            size: image.size.unwrap_or_default(),
            digest,
        })
    }
}
