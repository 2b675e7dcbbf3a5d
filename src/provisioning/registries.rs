//! Where a custom image may come from: the registries an admin allows, by name only.

/// Docker's default registry, where a reference without a registry host is pulled from.
pub const DOCKER_HUB: &str = "docker.io";

/// The registries `custom_image` may name.
#[derive(Clone, Debug)]
pub struct Registries {
    hosts: Vec<String>,
    any: bool,
}

impl Registries {
    /// Parses `host[:port],...`; `{registry}` stands for `registry`, `*` allows every one.
    pub fn parse(spec: &str, registry: &str) -> Self {
        let hosts: Vec<String> = spec
            .split(',')
            .map(|entry| normalise(&entry.trim().replace("{registry}", registry)))
            .filter(|entry| !entry.is_empty())
            .collect();
        Self {
            any: hosts.iter().any(|host| host == "*"),
            hosts,
        }
    }

    pub fn allows(&self, reference: &str) -> bool {
        self.any || self.hosts.contains(&registry_of(reference))
    }

    pub fn listed(&self) -> Vec<String> {
        self.hosts.clone()
    }
}

/// The registry host a reference is pulled from, as the engine decides it: the first path
/// component when it looks like a host, Docker Hub otherwise.
pub fn registry_of(reference: &str) -> String {
    match reference.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            normalise(first)
        }
        _ => DOCKER_HUB.to_string(),
    }
}

fn normalise(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    match host.as_str() {
        "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB.to_string(),
        _ => host,
    }
}

/// Whether the engine would read `reference` as an image id rather than a name: a `sha256:`
/// id or digest, or a bare hex string, which the engine matches against the ids of every
/// image it holds, other tenants' included, without asking any registry.
pub fn names_an_image_id(reference: &str) -> bool {
    let lower = reference.to_ascii_lowercase();
    lower.contains("sha256:")
        || (!lower.contains('/')
            && !lower.contains(':')
            && lower.chars().all(|c| c.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_without_a_host_comes_from_docker_hub() {
        assert_eq!(registry_of("alpine"), "docker.io");
        assert_eq!(registry_of("library/alpine:3"), "docker.io");
        assert_eq!(registry_of("index.docker.io/library/alpine"), "docker.io");
        assert_eq!(
            registry_of("127.0.0.1:5000/sandboxd/busybox"),
            "127.0.0.1:5000"
        );
        assert_eq!(registry_of("localhost/x"), "localhost");
        assert_eq!(registry_of("GHCR.io/org/app:1"), "ghcr.io");
    }

    #[test]
    fn only_listed_registries_are_allowed() {
        let registries = Registries::parse("{registry},docker.io", "127.0.0.1:5000");
        assert!(registries.allows("127.0.0.1:5000/sandboxd/busybox:latest"));
        assert!(registries.allows("python:3.11"));
        assert!(!registries.allows("ghcr.io/org/app"));
        assert!(!registries.allows("127.0.0.1:5001/x"));
        assert!(Registries::parse("*", "r").allows("ghcr.io/org/app"));
    }

    #[test]
    fn image_ids_and_digests_are_recognised() {
        assert!(names_an_image_id("sha256:0123456789abcdef"));
        assert!(names_an_image_id(
            "busybox@sha256:0123456789abcdef0123456789abcdef"
        ));
        assert!(names_an_image_id("4fa1c2"));
        assert!(!names_an_image_id("busybox"));
        assert!(!names_an_image_id("cafe:latest"));
        assert!(!names_an_image_id("127.0.0.1:5000/sandboxd/busybox:latest"));
    }
}
