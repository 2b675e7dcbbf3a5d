//! Which images and roles exist, and which engine references they stand for.

use super::registries::Registries;
use crate::model::Tier;

pub const CUSTOM: &str = "custom";
pub const ROLES: [&str; 6] = ["node", "python", "go", "rust", "devops", "barebone"];

#[derive(Clone, Debug)]
pub struct Catalogue {
    /// Public name to reference, in the order they were configured.
    images: Vec<(String, String)>,
    registry: String,
    /// Where a custom image may come from.
    registries: Registries,
}

impl Catalogue {
    /// Parses `name=reference,...`; `{registry}` in a reference stands for `registry`.
    pub fn parse(spec: &str, registry: &str) -> anyhow::Result<Self> {
        let mut images = Vec::new();
        for entry in spec.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (name, reference) = entry
                .split_once('=')
                .ok_or_else(|| anyhow::anyhow!("SANDBOXD_IMAGES entry {entry:?} lacks '='"))?;
            images.push((
                name.trim().to_string(),
                reference.trim().replace("{registry}", registry),
            ));
        }
        Ok(Self {
            images,
            registry: registry.to_string(),
            registries: Registries::parse("*", registry),
        })
    }

    /// Limits custom images to the registries in `spec` (`host[:port],...`).
    pub fn with_allowed_registries(mut self, spec: &str) -> Self {
        self.registries = Registries::parse(spec, &self.registry);
        self
    }

    pub fn registries(&self) -> &Registries {
        &self.registries
    }

    pub fn reference(&self, name: &str) -> Option<&str> {
        self.images
            .iter()
            .find(|(public, _)| public == name)
            .map(|(_, reference)| reference.as_str())
    }

    /// The names a request may give, `custom` last, as the 400 error lists them.
    pub fn supported(&self) -> Vec<String> {
        let mut names: Vec<String> = self.images.iter().map(|(n, _)| n.clone()).collect();
        names.push(CUSTOM.to_string());
        names
    }

    /// The names `tier` may request, in catalogue order.
    pub fn offered(&self, tier: &Tier) -> Vec<String> {
        self.supported()
            .into_iter()
            .filter(|name| tier_allows(tier, name))
            .collect()
    }

    /// The prebuilt image for `role` on `image`, when the setup builds one: the role's
    /// toolchain and the shell tools are already inside, so configuring is quick.
    pub fn role_image(&self, image: &str, role: Option<&str>) -> Option<String> {
        // Role images are built for Debian only: its mirror is the one these machines reach.
        let distro = match image {
            "debian:bookworm" => "debian",
            _ => return None,
        };
        let role = role.unwrap_or("barebone");
        Some(format!(
            "{}/sandboxd/{distro}-{role}:bookworm",
            self.registry
        ))
    }
}

impl Catalogue {
    /// Whether `reference` is one of the catalogue's images or a role image: images that
    /// housekeeping never removes, whoever pulled them.
    pub fn is_own(&self, reference: &str) -> bool {
        self.images.iter().any(|(_, own)| own == reference)
            || ROLES.iter().any(|role| {
                self.role_image("debian:bookworm", Some(role)).as_deref() == Some(reference)
            })
    }
}

/// A tier without a list allows every image.
pub fn tier_allows(tier: &Tier, name: &str) -> bool {
    tier.allowed_images
        .as_ref()
        .is_none_or(|list| list.iter().any(|allowed| allowed == name))
}

pub fn is_role(name: &str) -> bool {
    ROLES.contains(&name)
}

/// A Docker image reference: `[host[:port]/]path[:tag][@digest]`, lower-case path components.
pub fn is_valid_reference(reference: &str) -> bool {
    if reference.is_empty() || reference.len() > 255 || reference.contains("..") {
        return false;
    }
    let (name, digest) = match reference.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (reference, None),
    };
    if let Some(digest) = digest {
        let Some((algorithm, hex)) = digest.split_once(':') else {
            return false;
        };
        if algorithm.is_empty() || hex.len() < 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return false;
        }
    }
    let (repository, tag) = crate::runtime::split_reference(name);
    let tag_ok = tag.len() <= 128
        && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    let mut parts = repository.split('/').collect::<Vec<_>>();
    let host_ok = if parts.len() > 1
        && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost")
    {
        let host = parts.remove(0);
        host.chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c))
    } else {
        true
    };
    let path_ok = parts.iter().all(|part| {
        !part.is_empty()
            && part.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
    });
    tag_ok && host_ok && path_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalogue() -> Catalogue {
        Catalogue::parse(crate::config::DEFAULT_IMAGES, "127.0.0.1:5000").unwrap()
    }

    #[test]
    fn public_names_map_to_the_registry() {
        let catalogue = catalogue();
        assert_eq!(
            catalogue.reference("debian:bookworm"),
            Some("127.0.0.1:5000/sandboxd/debian:bookworm")
        );
        assert_eq!(catalogue.reference("centos:7"), None);
        assert_eq!(
            catalogue.supported(),
            [
                "ubuntu:24.04",
                "debian:bookworm",
                "alpine:latest",
                "archlinux:latest",
                "custom"
            ]
        );
    }

    #[test]
    fn role_images_exist_for_debian_only() {
        let catalogue = catalogue();
        assert_eq!(
            catalogue
                .role_image("debian:bookworm", Some("python"))
                .as_deref(),
            Some("127.0.0.1:5000/sandboxd/debian-python:bookworm")
        );
        assert_eq!(catalogue.role_image("alpine:latest", Some("python")), None);
    }

    #[test]
    fn image_references_are_checked() {
        for good in [
            "node:20-alpine",
            "python:3.11",
            "127.0.0.1:5000/sandboxd/busybox:latest",
            "ghcr.io/org/app",
            "busybox@sha256:0123456789abcdef0123456789abcdef",
        ] {
            assert!(is_valid_reference(good), "{good}");
        }
        for bad in [
            "",
            "UPPER/case",
            "with space",
            "trailing:",
            "a/../b",
            "x@sha256:zz",
            ":tag",
        ] {
            assert!(!is_valid_reference(bad), "{bad}");
        }
    }
}
