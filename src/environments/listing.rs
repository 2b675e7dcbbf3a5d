//! An owner's listing, as the API answers it, remembered while Postgres's counter of changes
//! to the owner's environments stays where it was (see the container_listing_versions
//! migration). A client polling its environments then costs one small query per request
//! instead of fetching, decoding and encoding every row; any change, by any process, moves the
//! counter in its own transaction, so an answer is never older than the request.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use uuid::Uuid;

use super::error::{EnvironmentError, Result};
use super::labels::Selector;
use super::view::{ContainerList, ContainerView};
use super::Records;
use crate::auth::Principal;
use crate::db;
use crate::expiring_map::ExpiringMap;

/// The listing counts the seconds left before each environment expires: a remembered answer
/// is used for at most this long, so that count stays true to the second.
const FRESH_FOR: Duration = Duration::from_secs(1);
/// Past this many owners, stale answers are swept before another is kept.
const CAPACITY: usize = 1_000;

/// Per owner: the counter an answer was made under, and the answer.
pub struct ListingCache {
    entries: ExpiringMap<Uuid, (i64, Bytes)>,
}

impl Default for ListingCache {
    fn default() -> Self {
        Self {
            entries: ExpiringMap::new(FRESH_FOR, CAPACITY),
        }
    }
}

impl ListingCache {
    fn get(&self, owner: Uuid, version: i64) -> Option<Bytes> {
        let (made_under, body) = self.entries.get(&owner)?;
        (made_under == version).then_some(body)
    }

    fn remember(&self, owner: Uuid, version: i64, body: Bytes, made: Instant) {
        self.entries.insert_made(owner, (version, body), made);
    }
}

impl Records {
    /// The nodes that are down now, whose environments are shown unavailable.
    pub async fn down_nodes(&self) -> Result<Arc<HashSet<String>>> {
        Ok(self.shared.fleet.down_nodes().await?)
    }

    /// The caller's environments, newest first, as the JSON body of `GET /api/containers`.
    pub async fn listing(&self, owner: &Principal) -> Result<Bytes> {
        let version = db::containers::listing_version(&self.shared.pool, owner.id()).await?;
        // A node going down changes what is shown, not the rows: while any node is down,
        // listings are made afresh.
        let down = self.down_nodes().await?;
        if let Some(body) = self
            .shared
            .listings
            .get(owner.id().uuid(), version)
            .filter(|_| down.is_empty())
        {
            return Ok(body);
        }
        // Taken before the rows are read, so the expiry counts are never older than FRESH_FOR.
        let made = Instant::now();
        let containers: Vec<ContainerView> = self
            .list(owner)
            .await?
            .into_iter()
            .map(|row| ContainerView::shown(row, &down))
            .collect();
        let body = serde_json::to_vec(&ContainerList {
            count: containers.len(),
            containers,
        })
        .map_err(EnvironmentError::internal)?;
        let body = Bytes::from(body);
        // Rows read after the counter may be newer than it says, never older: keeping them
        // under that value is safe.
        self.shared
            .listings
            .remember(owner.id().uuid(), version, body.clone(), made);
        Ok(body)
    }
}

impl Records {
    /// The caller's environments whose labels match `selector`, newest first. Not remembered:
    /// a filtered list is asked for far less often than the whole one.
    pub async fn labelled(&self, owner: &Principal, selector: &Selector) -> Result<ContainerList> {
        let down = self.down_nodes().await?;
        let containers: Vec<ContainerView> = self
            .list(owner)
            .await?
            .into_iter()
            .filter(|row| selector.matches(&row.labels))
            .map(|row| ContainerView::shown(row, &down))
            .collect();
        Ok(ContainerList {
            count: containers.len(),
            containers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &'static str) -> Bytes {
        Bytes::from_static(text.as_bytes())
    }

    #[test]
    fn an_answer_is_used_only_under_the_same_counter_and_while_fresh() {
        let cache = ListingCache::default();
        let owner = Uuid::new_v4();
        cache.remember(owner, 7, body("seven"), Instant::now());
        assert_eq!(cache.get(owner, 7), Some(body("seven")));
        assert_eq!(cache.get(owner, 8), None, "a change moved the counter");
        assert_eq!(cache.get(Uuid::new_v4(), 7), None, "another owner");
        let old = Instant::now() - FRESH_FOR;
        cache.remember(owner, 7, body("old"), old);
        assert_eq!(cache.get(owner, 7), None, "older than FRESH_FOR");
    }

    #[test]
    fn a_full_cache_makes_room_from_stale_answers_only() {
        let cache = ListingCache::default();
        let old = Instant::now() - FRESH_FOR;
        for _ in 0..CAPACITY {
            cache.remember(Uuid::new_v4(), 1, body("stale"), old);
        }
        let owner = Uuid::new_v4();
        cache.remember(owner, 1, body("new"), Instant::now());
        assert_eq!(cache.get(owner, 1), Some(body("new")));
        assert_eq!(cache.entries.len(), 1);
    }
}
