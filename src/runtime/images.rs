use std::collections::HashMap;

use bollard::query_parameters::{CreateImageOptions, RemoveImageOptions};
use futures_util::StreamExt;

use super::{Runtime, RuntimeError};

impl Runtime {
    pub async fn image_present(&self, reference: &str) -> Result<bool, RuntimeError> {
        match self.client().await?.inspect_image(reference).await {
            Ok(_) => Ok(true),
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::NotFound(_) => Ok(false),
                other => Err(other),
            },
        }
    }

    /// The paths the image `reference` declares as `VOLUME`s, sorted.
    pub async fn image_volumes(&self, reference: &str) -> Result<Vec<String>, RuntimeError> {
        let image = self.client().await?.inspect_image(reference).await?;
        let mut paths: Vec<String> = image
            .config
            .and_then(|config| config.volumes)
            .map(|volumes| volumes.into_keys().collect())
            .unwrap_or_default();
        paths.sort();
        Ok(paths)
    }

    /// Removes the image `reference` (its tag, and its layers once no tag is left) unless a
    /// container, running or not, was made from it; whether it is gone, now or before.
    pub async fn remove_image(&self, reference: &str) -> Result<bool, RuntimeError> {
        let options = RemoveImageOptions {
            force: false,
            noprune: false,
        };
        let docker = self.client().await?;
        match docker.remove_image(reference, Some(options), None).await {
            Ok(_) => Ok(true),
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::NotFound(_) => Ok(true),
                // 409: a container uses it.
                RuntimeError::Rejected(_) => Ok(false),
                other => Err(other),
            },
        }
    }

    /// Pulls `reference`, reporting the share of bytes downloaded so far (0.0 to 1.0).
    pub async fn pull(
        &self,
        reference: &str,
        mut on_progress: impl FnMut(f64),
    ) -> Result<(), RuntimeError> {
        let (repository, tag) = split_reference(reference);
        let options = CreateImageOptions {
            from_image: Some(repository.to_string()),
            tag: Some(tag.to_string()),
            ..Default::default()
        };
        let docker = self.client().await?;
        let mut stream = docker.create_image(Some(options), None, None);
        // Bytes downloaded and expected, per layer.
        let mut layers: HashMap<String, (i64, i64)> = HashMap::new();
        while let Some(item) = stream.next().await {
            let info = item.map_err(pull_error)?;
            if let Some(message) = info.error_detail.and_then(|detail| detail.message) {
                return Err(RuntimeError::NotFound(message));
            }
            let (Some(layer), Some(detail)) = (info.id, info.progress_detail) else {
                continue;
            };
            if let (Some(current), Some(total)) = (detail.current, detail.total) {
                if total > 0 && info.status.as_deref() == Some("Downloading") {
                    layers.insert(layer, (current, total));
                    let (done, all) = layers
                        .values()
                        .fold((0, 0), |(d, a), (current, total)| (d + current, a + total));
                    on_progress(done as f64 / all as f64);
                }
            }
        }
        on_progress(1.0);
        Ok(())
    }
}

/// A pull of an image the registry lacks fails with a 404 or a 500 naming "manifest unknown"
/// or "not found", depending on the engine version.
fn pull_error(err: bollard::errors::Error) -> RuntimeError {
    match RuntimeError::from(err) {
        RuntimeError::Unavailable(message)
            if message.contains("manifest unknown") || message.contains("not found") =>
        {
            RuntimeError::NotFound(message)
        }
        other => other,
    }
}

/// Splits `host:port/name:tag` into `host:port/name` and `tag` (default `latest`).
pub fn split_reference(reference: &str) -> (&str, &str) {
    let name_start = reference.rfind('/').map_or(0, |slash| slash + 1);
    match reference[name_start..].rfind(':') {
        Some(colon) => (
            &reference[..name_start + colon],
            &reference[name_start + colon + 1..],
        ),
        None => (reference, "latest"),
    }
}

#[cfg(test)]
mod tests {
    use super::split_reference;

    #[test]
    fn references_split_at_the_tag_not_the_port() {
        assert_eq!(
            split_reference("127.0.0.1:5000/sandboxd/debian:bookworm"),
            ("127.0.0.1:5000/sandboxd/debian", "bookworm")
        );
        assert_eq!(
            split_reference("127.0.0.1:5000/busybox"),
            ("127.0.0.1:5000/busybox", "latest")
        );
        assert_eq!(split_reference("alpine"), ("alpine", "latest"));
    }
}
