//! Which image a create runs: a catalogue name, a custom reference from an allowed registry,
//! or what a snapshot or a fork resolved to on the server.

use super::error::{EnvironmentError, Result};
use crate::model::Tier;
use crate::provisioning::catalogue::{self, Catalogue, CUSTOM};
use crate::provisioning::registries;
use crate::provisioning::shell;

/// The `image` that names one of the caller's snapshots.
pub const SNAPSHOT: &str = "snapshot";
pub use crate::provisioning::committed::{is_committed, FORK_REPOSITORY, SNAPSHOT_REPOSITORY};

/// What a create asks to run: its `image`, `custom_image`, and the image the server resolved
/// a snapshot or fork to.
pub(super) struct AskedImage<'a> {
    pub image: &'a str,
    pub custom_image: Option<&'a str>,
    pub resolved_image: Option<&'a str>,
}

pub(super) fn image_reference(
    request: &AskedImage<'_>,
    tier: &Tier,
    catalogue: &Catalogue,
) -> Result<String> {
    let unsupported = || {
        EnvironmentError::invalid("UNSUPPORTED_IMAGE", "unsupported image type")
            .with_field("supported_images", catalogue.offered(tier))
    };
    if let Some(resolved) = request.resolved_image {
        return Ok(resolved.to_string());
    }
    if request.image == SNAPSHOT {
        // Resolved by the intake from the caller's own snapshots before planning.
        return Err(EnvironmentError::invalid(
            "INVALID_SNAPSHOT",
            "snapshot is required when image is \"snapshot\"",
        ));
    }
    if !catalogue::tier_allows(tier, request.image) {
        return Err(unsupported());
    }
    if request.image == CUSTOM {
        let reference = request.custom_image.unwrap_or_default().trim();
        if reference.is_empty() {
            return Err(EnvironmentError::invalid(
                "INVALID_CUSTOM_IMAGE",
                "custom_image is required when image is \"custom\"",
            ));
        }
        if !catalogue::is_valid_reference(reference) {
            return Err(EnvironmentError::invalid(
                "INVALID_CUSTOM_IMAGE",
                format!("{reference:?} is not a valid image reference"),
            ));
        }
        if crate::runtime::split_reference(reference).0 == shell::SCRIPTS_REPOSITORY {
            return Err(EnvironmentError::invalid(
                "INVALID_CUSTOM_IMAGE",
                format!("{reference:?} holds sandboxd's own scripts, not an environment"),
            ));
        }
        if is_committed(reference) {
            return Err(EnvironmentError::invalid(
                "INVALID_CUSTOM_IMAGE",
                format!(
                    "{reference:?} is a snapshot or fork; create from it with image \"snapshot\""
                ),
            ));
        }
        if registries::names_an_image_id(reference) {
            return Err(EnvironmentError::invalid(
                "IMAGE_ID_NOT_ALLOWED",
                format!(
                    "{reference:?} names an image by id or digest; give a repository and tag from an allowed registry"
                ),
            ));
        }
        if !catalogue.registries().allows(reference) {
            let registry = registries::registry_of(reference);
            return Err(EnvironmentError::invalid(
                "REGISTRY_NOT_ALLOWED",
                format!("images from {registry} are not allowed on this server"),
            )
            .with_field("allowed_registries", catalogue.registries().listed()));
        }
        return Ok(reference.to_string());
    }
    catalogue
        .reference(request.image)
        .map(str::to_string)
        .ok_or_else(unsupported)
}
