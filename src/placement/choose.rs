//! Which node gets an environment: among those it fits on, the one left with the most room.

use crate::db::placement::Candidate;

/// What an environment reserves on its node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    pub memory_mb: i64,
    /// Millicores.
    pub cpu: i64,
}

impl Candidate {
    fn cpu_capacity(&self) -> f64 {
        f64::from(self.cpus) * 1000.0 * f64::from(self.cpu_overcommit)
    }

    fn memory_capacity(&self) -> f64 {
        self.memory_mb as f64 * f64::from(self.memory_overcommit)
    }

    pub fn fits(&self, need: Need) -> bool {
        (self.cpu_reserved + need.cpu) as f64 <= self.cpu_capacity()
            && (self.memory_reserved + need.memory_mb) as f64 <= self.memory_capacity()
    }

    /// The share of its capacity the node would have left, by its scarcer resource.
    fn room_after(&self, need: Need) -> f64 {
        let share = |capacity: f64, used: i64| match capacity > 0.0 {
            true => (capacity - used as f64) / capacity,
            false => 0.0,
        };
        share(self.cpu_capacity(), self.cpu_reserved + need.cpu).min(share(
            self.memory_capacity(),
            self.memory_reserved + need.memory_mb,
        ))
    }
}

/// The best node for `need`; ties go to the first by name, so a choice can be repeated.
pub fn best(candidates: &[Candidate], need: Need) -> Option<&Candidate> {
    candidates
        .iter()
        .filter(|candidate| candidate.fits(need))
        .fold(None, |best: Option<&Candidate>, candidate| match best {
            Some(best) if best.room_after(need) >= candidate.room_after(need) => Some(best),
            _ => Some(candidate),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, cpus: i32, memory_mb: i64, cpu_used: i64, memory_used: i64) -> Candidate {
        Candidate {
            name: name.into(),
            cpus,
            memory_mb,
            cpu_overcommit: 1.0,
            memory_overcommit: 1.0,
            cpu_reserved: cpu_used,
            memory_reserved: memory_used,
        }
    }

    const SMALL: Need = Need {
        memory_mb: 512,
        cpu: 500,
    };

    #[test]
    fn picks_the_node_left_with_the_most_room() {
        let nodes = [
            node("a", 4, 8192, 3000, 1024),
            node("b", 4, 8192, 1000, 1024),
            node("c", 4, 8192, 1000, 6144),
        ];
        assert_eq!(best(&nodes, SMALL).map(|n| n.name.as_str()), Some("b"));
    }

    #[test]
    fn never_picks_a_node_it_does_not_fit_on() {
        let nodes = [node("a", 1, 8192, 800, 0), node("b", 4, 1024, 0, 800)];
        assert!(best(&nodes, SMALL).is_none());
        let exact = [node("a", 1, 512, 500, 0)];
        assert_eq!(best(&exact, SMALL).map(|n| n.name.as_str()), Some("a"));
    }

    #[test]
    fn overcommit_stretches_what_a_node_holds() {
        let mut full = node("a", 1, 1024, 1000, 1024);
        assert!(!full.fits(SMALL));
        full.cpu_overcommit = 2.0;
        full.memory_overcommit = 1.5;
        assert!(full.fits(SMALL));
    }

    #[test]
    fn ties_go_to_the_first_by_name() {
        let nodes = [node("a", 2, 4096, 0, 0), node("b", 2, 4096, 0, 0)];
        assert_eq!(best(&nodes, SMALL).map(|n| n.name.as_str()), Some("a"));
    }
}
