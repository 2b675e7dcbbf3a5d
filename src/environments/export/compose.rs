//! Docker Compose YAML for exported environments. Every scalar is written as a JSON string,
//! which is valid YAML, so no value can break the document however odd its characters; `$`
//! is doubled so Compose does not interpolate it, except in the placeholders we mean.

use std::collections::BTreeSet;

/// One service, as the engine runs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Service {
    pub name: String,
    pub image: String,
    pub hostname: String,
    pub entrypoint: Vec<String>,
    pub working_dir: Option<String>,
    /// Variables by name: a value, or None for a `${NAME}` placeholder.
    pub environment: Vec<(String, Option<String>)>,
    pub memory_bytes: Option<i64>,
    pub cpus: Option<f64>,
    pub pids_limit: Option<i64>,
    pub cap_drop: Vec<String>,
    pub cap_add: Vec<String>,
    pub security_opt: Vec<String>,
    /// `source:target[:ro]` for binds, `name:target[:ro]` for named volumes.
    pub volumes: Vec<String>,
    pub named_volumes: Vec<String>,
    pub networks: Vec<String>,
    pub restart: Option<String>,
}

pub fn document(services: &[Service]) -> String {
    let mut out = String::from("services:\n");
    for service in services {
        write_service(&mut out, service);
    }
    let volumes: BTreeSet<&String> = services.iter().flat_map(|s| &s.named_volumes).collect();
    if !volumes.is_empty() {
        out.push_str("\nvolumes:\n");
        for volume in volumes {
            out.push_str(&format!("  {}: {{}}\n", quote(volume)));
        }
    }
    let networks: BTreeSet<&String> = services.iter().flat_map(|s| &s.networks).collect();
    if !networks.is_empty() {
        out.push_str("\nnetworks:\n");
        for network in networks {
            out.push_str(&format!("  {}: {{}}\n", quote(network)));
        }
    }
    out
}

fn write_service(out: &mut String, service: &Service) {
    out.push_str(&format!("  {}:\n", quote(&service.name)));
    scalar(out, "image", &service.image);
    scalar(out, "hostname", &service.hostname);
    list(out, "entrypoint", &service.entrypoint);
    if let Some(dir) = &service.working_dir {
        scalar(out, "working_dir", dir);
    }
    if !service.environment.is_empty() {
        out.push_str("    environment:\n");
        for (name, value) in &service.environment {
            let entry = match value {
                Some(value) => quote(&format!("{name}={value}")),
                None => serde_json::Value::from(format!("{name}=${{{name}}}")).to_string(),
            };
            out.push_str(&format!("      - {entry}\n"));
        }
    }
    if let Some(bytes) = service.memory_bytes {
        // No swap, as the engine runs it: the memory limit is the whole limit.
        scalar(out, "mem_limit", &format!("{}m", bytes / (1024 * 1024)));
        scalar(out, "memswap_limit", &format!("{}m", bytes / (1024 * 1024)));
    }
    if let Some(cpus) = service.cpus {
        out.push_str(&format!("    cpus: {cpus}\n"));
    }
    if let Some(pids) = service.pids_limit {
        out.push_str(&format!("    pids_limit: {pids}\n"));
    }
    list(out, "cap_drop", &service.cap_drop);
    list(out, "cap_add", &service.cap_add);
    list(out, "security_opt", &service.security_opt);
    list(out, "volumes", &service.volumes);
    list(out, "networks", &service.networks);
    if let Some(restart) = &service.restart {
        scalar(out, "restart", restart);
    }
}

fn scalar(out: &mut String, key: &str, value: &str) {
    out.push_str(&format!("    {key}: {}\n", quote(value)));
}

fn list(out: &mut String, key: &str, values: &[String]) {
    if values.is_empty() {
        return;
    }
    out.push_str(&format!("    {key}:\n"));
    for value in values {
        out.push_str(&format!("      - {}\n", quote(value)));
    }
}

fn quote(value: &str) -> String {
    serde_json::Value::from(value.replace('$', "$$")).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_with_limits_volumes_and_networks_becomes_compose_yaml() {
        let service = Service {
            name: "dev".into(),
            image: "registry/img:1".into(),
            hostname: "dev".into(),
            environment: vec![
                ("TOKEN".into(), None),
                ("QUOTE".into(), Some("\"a: $b\"".into())),
            ],
            memory_bytes: Some(512 * 1024 * 1024),
            cpus: Some(0.5),
            named_volumes: vec!["dev-data".into()],
            volumes: vec!["dev-data:/data".into()],
            networks: vec!["sbx-net".into()],
            ..Default::default()
        };
        let yaml = document(&[service]);
        assert!(
            yaml.starts_with("services:\n  \"dev\":\n    image: \"registry/img:1\"\n"),
            "{yaml}"
        );
        assert!(yaml.contains("      - \"TOKEN=${TOKEN}\"\n"), "{yaml}");
        assert!(
            yaml.contains("      - \"QUOTE=\\\"a: $$b\\\"\"\n"),
            "{yaml}"
        );
        assert!(
            yaml.contains("    mem_limit: \"512m\"\n    memswap_limit: \"512m\"\n    cpus: 0.5\n")
        );
        assert!(yaml.contains("\nvolumes:\n  \"dev-data\": {}\n"));
        assert!(yaml.ends_with("\nnetworks:\n  \"sbx-net\": {}\n"));
    }
}
