//! Tiers as admins edit them. A change applies to requests made after it; environments
//! already made keep what they were given, except `egress`, which the workers apply to
//! running environments within seconds.

use super::error::{AdminError, Result};
use super::Admin;
use crate::db;
use crate::db::{is_foreign_key_violation, is_unique_violation};
use crate::model::Tier;
use crate::placement::Target;

impl Admin {
    pub async fn tiers(&self) -> Result<Vec<Tier>> {
        Ok(db::tiers::list(&self.pool).await?)
    }

    pub async fn create_tier(&self, tier: Tier) -> Result<Tier> {
        self.check_tier(&tier)?;
        db::tiers::insert(&self.pool, &tier).await.map_err(|err| {
            if is_unique_violation(&err, "tiers_pkey") {
                AdminError::conflict(
                    "TIER_EXISTS",
                    format!("a tier named {:?} exists", tier.name),
                )
            } else {
                err.into()
            }
        })
    }

    pub async fn update_tier(&self, name: &str, mut tier: Tier) -> Result<Tier> {
        tier.name = name.to_string();
        self.check_tier(&tier)?;
        db::tiers::update(&self.pool, &tier)
            .await?
            .ok_or_else(tier_not_found)
    }

    /// Deletes a tier nobody is on.
    pub async fn delete_tier(&self, name: &str) -> Result<()> {
        match db::tiers::delete(&self.pool, name).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(tier_not_found()),
            Err(err) if is_foreign_key_violation(&err, db::tiers::IN_USE_KEY) => {
                Err(AdminError::conflict(
                    "TIER_IN_USE",
                    format!("users are on tier {name:?}; move them to another tier first"),
                ))
            }
            Err(err) => Err(err.into()),
        }
    }

    pub(super) fn check_tier(&self, tier: &Tier) -> Result<()> {
        let invalid = AdminError::InvalidTier;
        let plain = (1..=32).contains(&tier.name.len())
            && tier
                .name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && tier
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !plain {
            return Err(invalid(
                "name must be 1-32 lowercase letters, digits or '-'".into(),
            ));
        }
        for (name, value) in [
            ("max_containers", tier.max_containers),
            ("snapshots_max", tier.snapshots_max),
            ("snapshot_storage_mb_max", tier.snapshot_storage_mb_max),
        ] {
            if value < 0 {
                return Err(invalid(format!("{name} must not be negative")));
            }
        }
        let ranges = [
            (
                "memory_mb",
                tier.memory_mb_min,
                tier.memory_mb_default,
                tier.memory_mb_max,
                64,
            ),
            (
                "cpu_millicores",
                tier.cpu_millicores_min,
                tier.cpu_millicores_default,
                tier.cpu_millicores_max,
                10,
            ),
            (
                "disk_mb",
                tier.disk_mb_min,
                tier.disk_mb_default,
                tier.disk_mb_max,
                64,
            ),
        ];
        for (name, min, default, max, floor) in ranges {
            if !(floor <= min && min <= default && default <= max) {
                return Err(invalid(format!(
                    "{name}: need {floor} <= min <= default <= max, got {min} / {default} / {max}"
                )));
            }
        }
        for (name, value) in [
            ("session_limit_seconds", tier.session_limit_seconds),
            ("idle_timeout_seconds", tier.idle_timeout_seconds),
        ] {
            if value.is_some_and(|seconds| seconds <= 0) {
                return Err(invalid(format!(
                    "{name} must be positive, or null for no limit"
                )));
            }
        }
        tier.egress.check().map_err(invalid)?;
        // A target no create could spell would never match one: refused now, not silently.
        if let Some(bad) = tier
            .node_targets
            .iter()
            .find(|raw| Target::parse(raw).is_err())
        {
            return Err(AdminError::InvalidNodeTarget(format!(
                "node_targets: {bad:?} is not _any, a label key:value, or a node's name"
            )));
        }
        let supported = self.catalogue.supported();
        for image in tier.allowed_images.iter().flatten() {
            if image != crate::provisioning::catalogue::CUSTOM && !supported.contains(image) {
                return Err(invalid(format!("{image:?} is not in the image catalogue")));
            }
        }
        Ok(())
    }
}

fn tier_not_found() -> AdminError {
    AdminError::not_found("TIER_NOT_FOUND", "Tier not found")
}
