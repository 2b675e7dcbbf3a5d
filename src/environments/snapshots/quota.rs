//! The tier's snapshot quotas, counted under the owner's row lock so that snapshots taken at
//! once cannot together pass them: the count when a snapshot is begun, the storage once its
//! image is committed and its size known.

use uuid::Uuid;

use super::Snapshots;
use crate::auth::Principal;
use crate::db;
use crate::db::is_unique_violation;
use crate::db::snapshots::NewSnapshot;
use crate::environments::error::{EnvironmentError, Result};
use crate::model::Tier;

const MB: i64 = 1024 * 1024;

impl Snapshots {
    /// Holds a name and a slot of the count quota for a snapshot about to be taken.
    pub(super) async fn reserve(
        &self,
        owner: &Principal,
        tier: &Tier,
        new: &NewSnapshot<'_>,
    ) -> Result<(), Reserve> {
        let mut tx = self.shared.pool.begin().await?;
        db::containers::lock_owner(&mut tx, owner.id()).await?;
        db::snapshots::purge_stale(&mut tx, owner.id()).await?;
        let usage = db::snapshots::usage(&mut tx, owner.id(), Uuid::nil()).await?;
        if usage.count >= i64::from(tier.snapshots_max) {
            return Err(Reserve::Refused(count_reached(tier, usage.count)));
        }
        let storage_max = i64::from(tier.snapshot_storage_mb_max) * MB;
        if usage.bytes >= storage_max {
            return Err(Reserve::Refused(storage_reached(tier, usage.bytes)));
        }
        match db::snapshots::reserve(&mut tx, new).await {
            Err(err) if is_unique_violation(&err, db::snapshots::NAME_KEY) => {
                return Err(Reserve::NameTaken)
            }
            other => other?,
        }
        tx.commit().await?;
        Ok(())
    }

    /// Counts `bytes` for the snapshot `id` against the storage quota, or refuses it.
    pub(super) async fn measure(
        &self,
        owner: &Principal,
        tier: &Tier,
        id: Uuid,
        bytes: i64,
    ) -> Result<()> {
        let mut tx = self.shared.pool.begin().await?;
        db::containers::lock_owner(&mut tx, owner.id()).await?;
        let others = db::snapshots::usage(&mut tx, owner.id(), id).await?;
        if others.bytes + bytes > i64::from(tier.snapshot_storage_mb_max) * MB {
            return Err(storage_reached(tier, others.bytes + bytes));
        }
        db::snapshots::measured(&mut tx, id, bytes).await?;
        tx.commit().await?;
        Ok(())
    }
}

pub(super) enum Reserve {
    NameTaken,
    Refused(EnvironmentError),
}

impl From<sqlx::Error> for Reserve {
    fn from(err: sqlx::Error) -> Self {
        Reserve::Refused(err.into())
    }
}

fn count_reached(tier: &Tier, current: i64) -> EnvironmentError {
    EnvironmentError::SnapshotQuota {
        code: "SNAPSHOT_LIMIT_REACHED",
        message: format!(
            "your tier keeps {} snapshots; delete one to take another",
            tier.snapshots_max
        ),
        current,
        limit: tier.snapshots_max.into(),
        tier: tier.name.clone(),
    }
}

/// In MB, as the tier states it; `current` includes the snapshot refused, when measured.
fn storage_reached(tier: &Tier, bytes: i64) -> EnvironmentError {
    EnvironmentError::SnapshotQuota {
        code: "SNAPSHOT_STORAGE_LIMIT_REACHED",
        message: format!(
            "your snapshots would hold {} MB of the {} MB your tier allows; delete one first",
            megabytes(bytes),
            tier.snapshot_storage_mb_max
        ),
        current: megabytes(bytes),
        limit: tier.snapshot_storage_mb_max.into(),
        tier: tier.name.clone(),
    }
}

fn megabytes(bytes: i64) -> i64 {
    (bytes + MB - 1) / MB
}
