//! Images sandboxd commits from environments: a snapshot's, pushed to the registry in a
//! repository of its own, and a fork's, kept on its node only. They run as they are (no role
//! image in their place), and each node records the copies it holds, so that housekeeping's
//! image pass removes them once nothing runs from them.

use crate::runtime::split_reference;

pub const SNAPSHOT_REPOSITORY: &str = "sandboxd-snapshot";
pub const FORK_REPOSITORY: &str = "sandboxd-fork";

/// Whether `reference` lies in a repository sandboxd commits environments into.
pub fn is_committed(reference: &str) -> bool {
    let (repository, _) = split_reference(reference);
    repository
        .split('/')
        .any(|part| part == SNAPSHOT_REPOSITORY || part == FORK_REPOSITORY)
}

/// Whether `reference` is a fork's image, which only its fork runs.
pub fn is_fork(reference: &str) -> bool {
    split_reference(reference).0.starts_with(FORK_REPOSITORY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_images_are_told_by_their_repository_wherever_it_is() {
        assert!(is_committed(
            "127.0.0.1:5000/sandboxd-snapshot/0f1e:snapshot"
        ));
        assert!(is_committed("sandboxd-fork/0f1e:fork"));
        assert!(is_committed("docker.io/sandboxd-fork/x"));
        assert!(!is_committed("127.0.0.1:5000/sandboxd/busybox:latest"));
        assert!(!is_committed("sandboxd-forks/x:1"));
        assert!(is_fork("sandboxd-fork/0f1e:fork"));
        assert!(!is_fork("127.0.0.1:5000/sandboxd-snapshot/0f1e:snapshot"));
    }
}
