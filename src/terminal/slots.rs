//! Terminal slots per environment, taken before a shell is started and given back when it
//! ends. Counting the shells already registered let N connections that arrived together all
//! pass the check while their shells were still starting; a slot is taken under one lock.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

#[derive(Clone, Default)]
pub struct Slots {
    taken: Arc<Mutex<HashMap<Uuid, usize>>>,
}

/// One environment's slot; given back when dropped.
pub struct Slot {
    taken: Arc<Mutex<HashMap<Uuid, usize>>>,
    environment: Uuid,
}

impl Slots {
    /// A slot of `environment`'s, unless `limit` are taken.
    pub fn take(&self, environment: Uuid, limit: usize) -> Option<Slot> {
        let mut taken = self.taken.lock().expect("terminal slots lock");
        let count = taken.entry(environment).or_default();
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(Slot {
            taken: self.taken.clone(),
            environment,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut taken = self.taken.lock().expect("terminal slots lock");
        if let Some(count) = taken.get_mut(&self.environment) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                taken.remove(&self.environment);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_counted_per_environment_and_given_back_on_drop() {
        let slots = Slots::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let first = slots.take(a, 2).unwrap();
        let _second = slots.take(a, 2).unwrap();
        assert!(slots.take(a, 2).is_none());
        assert!(slots.take(b, 2).is_some());
        drop(first);
        assert!(slots.take(a, 2).is_some());
    }
}
