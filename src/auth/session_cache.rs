//! Sessions recently found live in Postgres, so a client's burst of requests costs one lookup
//! a second instead of one each (a page polling its environments, a script listing them in a
//! loop). Whatever this process revokes (logout, a disabled user, a changed tier) is dropped
//! at once; a revocation made by another replica is seen when the entry ages out, within
//! [`FRESH_FOR`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::db::users::UserRow;

pub const FRESH_FOR: Duration = Duration::from_secs(1);
/// Past this many sessions, stale entries are swept before another is added.
const CAPACITY: usize = 10_000;

#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<Uuid, Entry>>,
}

struct Entry {
    user: UserRow,
    checked: Instant,
}

impl SessionCache {
    /// The user behind `session`, if Postgres vouched for it within [`FRESH_FOR`].
    pub fn get(&self, session: Uuid, user_id: Uuid) -> Option<UserRow> {
        let entries = self.entries.lock().expect("session cache lock");
        let entry = entries.get(&session)?;
        (entry.user.id == user_id && entry.checked.elapsed() < FRESH_FOR)
            .then(|| entry.user.clone())
    }

    pub fn remember(&self, session: Uuid, user: &UserRow) {
        let mut entries = self.entries.lock().expect("session cache lock");
        if entries.len() >= CAPACITY {
            entries.retain(|_, entry| entry.checked.elapsed() < FRESH_FOR);
        }
        if entries.len() < CAPACITY {
            let user = user.clone();
            entries.insert(
                session,
                Entry {
                    user,
                    checked: Instant::now(),
                },
            );
        }
    }

    pub fn forget_session(&self, session: Uuid) {
        self.entries
            .lock()
            .expect("session cache lock")
            .remove(&session);
    }

    pub fn forget_user(&self, user_id: Uuid) {
        self.entries
            .lock()
            .expect("session cache lock")
            .retain(|_, entry| entry.user.id != user_id);
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn user() -> UserRow {
        UserRow {
            id: Uuid::new_v4(),
            email: None,
            username: "someone".into(),
            password_hash: None,
            role: "user".into(),
            tier: "free".into(),
            is_guest: false,
            expires_at: None,
            disabled_at: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn a_remembered_session_answers_only_for_its_own_user() {
        let cache = SessionCache::default();
        let (session, owner) = (Uuid::new_v4(), user());
        cache.remember(session, &owner);
        assert_eq!(cache.get(session, owner.id).map(|u| u.id), Some(owner.id));
        assert!(cache.get(session, Uuid::new_v4()).is_none());
        assert!(cache.get(Uuid::new_v4(), owner.id).is_none());
    }

    #[test]
    fn forgetting_a_session_or_its_user_drops_it_at_once() {
        let cache = SessionCache::default();
        let (first, second, owner) = (Uuid::new_v4(), Uuid::new_v4(), user());
        cache.remember(first, &owner);
        cache.remember(second, &owner);
        cache.forget_session(first);
        assert!(cache.get(first, owner.id).is_none());
        assert!(cache.get(second, owner.id).is_some());
        cache.forget_user(owner.id);
        assert!(cache.get(second, owner.id).is_none());
    }

    #[test]
    fn an_entry_older_than_its_freshness_is_not_used() {
        let cache = SessionCache::default();
        let (session, owner) = (Uuid::new_v4(), user());
        cache.remember(session, &owner);
        cache
            .entries
            .lock()
            .unwrap()
            .get_mut(&session)
            .unwrap()
            .checked -= FRESH_FOR;
        assert!(cache.get(session, owner.id).is_none());
    }
}
