//! The create request and the rules it must pass before anything is made.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::error::{EnvironmentError, Result};
use crate::model::{Tier, Workload};
use crate::placement::Target;
use crate::provisioning::catalogue::{self, Catalogue};
use crate::provisioning::shell_options::{ShellOptions, THEMES};

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct CreateContainerRequest {
    /// A catalogue name (`debian:bookworm`, ...) or `custom` with `custom_image`.
    #[schema(example = "debian:bookworm")]
    pub image: String,
    /// 1-64 letters, digits and hyphens, unique among your environments; generated if absent.
    #[schema(example = "dev-environment")]
    pub name: Option<String>,
    /// A Docker image reference, required when `image` is `custom`.
    pub custom_image: Option<String>,
    /// One of your snapshots, by id or name, required when `image` is `snapshot`.
    #[schema(example = "before-upgrade")]
    pub snapshot: Option<String>,
    /// The image a snapshot or a fork resolved to, set by the server, never by the request.
    #[serde(skip)]
    pub resolved_image: Option<String>,
    /// node, python, go, rust, devops or barebone.
    #[schema(example = "python")]
    pub role: Option<String>,
    pub shell: Option<ShellOptions>,
    /// Memory in MB; absent means the tier's default, above its max is clamped.
    pub memory_mb: Option<i64>,
    /// CPU in millicores (1000 = one core).
    pub cpu_shares: Option<i64>,
    /// Disk quota in MB.
    pub disk_mb: Option<i64>,
    /// Environment variables for the shell, `KEY=VALUE`.
    #[serde(default)]
    #[schema(example = json!(["EDITOR=vim"]))]
    pub env: Vec<String>,
    /// More variables, as a map (Rexec's clients send these); they join `env`.
    #[serde(default)]
    #[schema(example = json!({"NODE_ENV": "development"}))]
    pub environment: BTreeMap<String, String>,
    /// Labels kept with the environment, shown on it and matched by the list's `label`.
    #[serde(default)]
    #[schema(example = json!({"team": "infra"}))]
    pub labels: BTreeMap<String, String>,
    /// Where it runs: `_any` (the default: the node with the most room), a label
    /// `key:value` (a node carrying it), or a node's name. Tiers say which their users may
    /// name; admins may name any.
    #[schema(example = "_any")]
    pub node: Option<String>,
    /// Stopped once it is ready instead of left running (OSAPI's `auto_start: false`).
    #[serde(skip)]
    pub stop_when_ready: bool,
    /// OSAPI's command, host volumes and host ports, checked by its route.
    #[serde(skip)]
    pub workload: Workload,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Resources {
    pub memory_mb: i32,
    pub cpu_shares: i32,
    pub disk_mb: i32,
}

/// A request that passed every check, with its effective values.
#[derive(Debug)]
pub struct Plan {
    pub name: Option<String>,
    pub image: String,
    pub image_ref: String,
    pub role: Option<String>,
    pub shell: ShellOptions,
    pub env: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub resources: Resources,
    pub node: Target,
    pub stop_when_ready: bool,
    pub workload: Workload,
}

pub fn plan(request: CreateContainerRequest, tier: &Tier, catalogue: &Catalogue) -> Result<Plan> {
    if let Some(name) = &request.name {
        check_name(name)?;
    }
    let asked = super::image_choice::AskedImage {
        image: &request.image,
        custom_image: request.custom_image.as_deref(),
        resolved_image: request.resolved_image.as_deref(),
    };
    let image_ref = super::image_choice::image_reference(&asked, tier, catalogue)?;
    let role = request.role.filter(|role| !role.is_empty());
    if let Some(role) = &role {
        if !catalogue::is_role(role) {
            return Err(EnvironmentError::invalid(
                "INVALID_ROLE",
                format!("unknown role {role:?}"),
            )
            .with_field("supported_roles", catalogue::ROLES.to_vec()));
        }
    }
    let mut env = request.env;
    env.extend(
        request
            .environment
            .iter()
            .map(|(name, value)| format!("{name}={value}")),
    );
    super::env_vars::validate(&env)?;
    super::labels::validate(&request.labels)?;
    let node = match request.node.as_deref() {
        None | Some("") => Target::Any,
        Some(raw) => Target::parse(raw).map_err(|_| {
            EnvironmentError::invalid(
                "INVALID_NODE",
                format!("node {raw:?} is not _any, a label key:value, or a node's name"),
            )
        })?,
    };
    let shell = request.shell.unwrap_or_default();
    if !THEMES.contains(&shell.theme.as_str()) {
        return Err(EnvironmentError::invalid(
            "INVALID_THEME",
            format!("unknown theme {:?}", shell.theme),
        )
        .with_field("supported_themes", THEMES.to_vec()));
    }
    let resources = Resources {
        memory_mb: effective(
            "memory_mb",
            request.memory_mb,
            tier.memory_mb_min,
            tier.memory_mb_default,
            tier.memory_mb_max,
        )?,
        cpu_shares: effective(
            "cpu_shares",
            request.cpu_shares,
            tier.cpu_millicores_min,
            tier.cpu_millicores_default,
            tier.cpu_millicores_max,
        )?,
        disk_mb: effective(
            "disk_mb",
            request.disk_mb,
            tier.disk_mb_min,
            tier.disk_mb_default,
            tier.disk_mb_max,
        )?,
    };
    Ok(Plan {
        name: request.name,
        image: request.image,
        image_ref,
        role,
        shell,
        env,
        labels: request.labels,
        resources,
        node,
        stop_when_ready: request.stop_when_ready,
        workload: request.workload,
    })
}

pub fn check_name(name: &str) -> Result<()> {
    let valid = (1..=64).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(EnvironmentError::invalid(
            "INVALID_NAME",
            "name must be 1-64 characters: letters, digits and hyphens only",
        ))
    }
}

/// The tier's default when absent; clamped to its max; below its min is an error.
fn effective(field: &str, requested: Option<i64>, min: i32, default: i32, max: i32) -> Result<i32> {
    let Some(requested) = requested else {
        return Ok(default);
    };
    if requested < i64::from(min) {
        return Err(EnvironmentError::invalid(
            "RESOURCE_BELOW_MINIMUM",
            format!("{field} must be at least {min} on your tier"),
        )
        .with_details(json!({ "field": field, "min": min, "max": max, "requested": requested })));
    }
    Ok(requested.min(i64::from(max)) as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_default_clamp_and_refuse_below_the_minimum() {
        assert_eq!(effective("memory_mb", None, 256, 2048, 4096).unwrap(), 2048);
        assert_eq!(
            effective("memory_mb", Some(9999), 256, 2048, 4096).unwrap(),
            4096
        );
        assert_eq!(
            effective("memory_mb", Some(300), 256, 2048, 4096).unwrap(),
            300
        );
        let err = effective("memory_mb", Some(100), 256, 2048, 4096).unwrap_err();
        assert_eq!(err.code(), "RESOURCE_BELOW_MINIMUM");
    }

    #[test]
    fn names_are_letters_digits_and_hyphens() {
        assert!(check_name("dev-environment-2").is_ok());
        for bad in ["", "has space", "under_score", "dot.ted", &"a".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn shell_options_accept_the_prefixed_keys() {
        let options: ShellOptions =
            serde_json::from_value(json!({"shell.use_tmux": true, "theme": "minimal"})).unwrap();
        assert!(options.use_tmux);
        assert_eq!(options.theme, "minimal");
        assert!(options.enhanced, "unset keys keep their defaults");
    }
}
