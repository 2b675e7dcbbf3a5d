//! What keeps the audit log from being filled by strangers: every field is cut to a fixed
//! length (a raw path can be tens of KB), and requests without credentials are recorded only
//! within a budget per address and in all, per minute. Over the budget they are counted in
//! `/metrics`, not written: an attacker sending junk would otherwise decide how much we store,
//! while the first requests of each address in each minute still show who came and what they
//! tried. The budget is kept in this process rather than in Redis: it costs no round trip on a
//! path strangers choose how often to take, holds when Redis is down, and with a handful of
//! replicas the total stays a small multiple of the setting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

/// Longest stored action (`METHOD /path`), target, address and actor name, in bytes.
pub const ACTION_MAX: usize = 256;
pub const TARGET_MAX: usize = 128;
pub const ADDRESS_MAX: usize = 64;
pub const ACTOR_MAX: usize = 64;

/// `text` cut to at most `max` bytes, on a character boundary.
pub fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

pub struct AnonymousBudget {
    per_address: u32,
    total: u32,
    window: Mutex<Window>,
}

struct Window {
    started: Instant,
    written: u32,
    /// Only addresses that were given an entry: never more than `total` of them.
    by_address: HashMap<String, u32>,
}

impl AnonymousBudget {
    pub fn new(per_address: u32, total: u32) -> Self {
        Self {
            per_address,
            total,
            window: Mutex::new(Window {
                started: Instant::now(),
                written: 0,
                by_address: HashMap::new(),
            }),
        }
    }

    /// Whether an entry for a request from `address` without credentials may be written now.
    pub fn admit(&self, address: &str) -> bool {
        self.admit_at(address, Instant::now())
    }

    fn admit_at(&self, address: &str, now: Instant) -> bool {
        let mut window = self.window.lock().expect("audit budget lock");
        if now.duration_since(window.started) >= WINDOW {
            window.started = now;
            window.written = 0;
            window.by_address.clear();
        }
        if window.written >= self.total || self.per_address == 0 {
            return false;
        }
        let address = clip(address, ADDRESS_MAX);
        let used = window.by_address.get(address).copied().unwrap_or(0);
        if used >= self.per_address {
            return false;
        }
        window.by_address.insert(address.to_string(), used + 1);
        window.written += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_keeps_whole_characters() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("ééé", 3), "é");
        assert_eq!(clip(&"x".repeat(30_000), ACTION_MAX).len(), ACTION_MAX);
    }

    #[test]
    fn each_address_and_the_total_are_bounded_per_window() {
        let budget = AnonymousBudget::new(2, 3);
        let start = Instant::now();
        assert!(budget.admit_at("a", start));
        assert!(budget.admit_at("a", start));
        assert!(!budget.admit_at("a", start), "a's share is used");
        assert!(budget.admit_at("b", start));
        assert!(!budget.admit_at("c", start), "the total is used");
        assert!(budget.admit_at("a", start + WINDOW), "a new window");
    }
}
