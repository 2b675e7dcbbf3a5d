//! A map whose entries count only while young, holding at most so many: what the caches that
//! spare Postgres or the engine a lookup have in common (sessions, listings, CPU readings).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct ExpiringMap<K, V> {
    entries: Mutex<HashMap<K, (V, Instant)>>,
    fresh_for: Duration,
    capacity: usize,
}

impl<K: Eq + Hash, V: Clone> ExpiringMap<K, V> {
    pub fn new(fresh_for: Duration, capacity: usize) -> Self {
        Self {
            entries: Mutex::default(),
            fresh_for,
            capacity,
        }
    }

    /// The value kept under `key`, if it was made less than the freshness ago.
    pub fn get<Q: Eq + Hash + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let entries = self.lock();
        let (value, made) = entries.get(key)?;
        (made.elapsed() < self.fresh_for).then(|| value.clone())
    }

    pub fn insert(&self, key: K, value: V) {
        self.insert_made(key, value, Instant::now());
    }

    /// Keeps `value`, made at `made`. A full map first sweeps out what is no longer fresh;
    /// if nothing was, the value is not kept rather than anything fresh dropped.
    pub fn insert_made(&self, key: K, value: V, made: Instant) {
        let mut entries = self.lock();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, (_, made)| made.elapsed() < self.fresh_for);
        }
        if entries.len() < self.capacity || entries.contains_key(&key) {
            entries.insert(key, (value, made));
        }
    }

    pub fn remove<Q: Eq + Hash + ?Sized>(&self, key: &Q)
    where
        K: Borrow<Q>,
    {
        self.lock().remove(key);
    }

    /// Drops every entry for which `keep` says no.
    pub fn retain(&self, mut keep: impl FnMut(&K, &V) -> bool) {
        self.lock().retain(|key, (value, _)| keep(key, value));
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (V, Instant)>> {
        self.entries.lock().expect("fresh map lock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_counts_only_while_fresh() {
        let map = ExpiringMap::new(Duration::from_secs(1), 10);
        map.insert("new", 1);
        map.insert_made("old", 2, Instant::now() - Duration::from_secs(1));
        assert_eq!(map.get(&"new"), Some(1));
        assert_eq!(map.get(&"old"), None);
        map.remove(&"new");
        assert_eq!(map.get(&"new"), None);
    }

    #[test]
    fn a_full_map_sweeps_stale_entries_and_never_drops_fresh_ones() {
        let map = ExpiringMap::new(Duration::from_secs(1), 2);
        map.insert_made(1, "stale", Instant::now() - Duration::from_secs(1));
        map.insert(2, "fresh");
        map.insert(3, "newer");
        assert_eq!(
            (map.get(&2), map.get(&3), map.len()),
            (Some("fresh"), Some("newer"), 2)
        );
        map.insert(4, "no room");
        assert_eq!(map.get(&4), None);
        map.insert(3, "replaced");
        assert_eq!(map.get(&3), Some("replaced"));
        map.retain(|key, _| *key != 2);
        assert_eq!(map.get(&2), None);
    }
}
