//! Live connections (event streams and terminals), registered under the principal that opened
//! them: a user holds at most so many at once in a process, and a revoked credential or a
//! disabled user closes theirs on every process (the revocation travels through the broker).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use crate::broker::revocations::Revocations;
use crate::model::{Revocation, UserId};

#[derive(Debug, thiserror::Error)]
#[error("at most {limit} connections per user at once; close one first")]
pub struct TooManyConnections {
    pub limit: usize,
}

struct Entry {
    user: UserId,
    /// The credential it was opened with, as a revocation would name it.
    credential: Revocation,
    closed: CancellationToken,
}

#[derive(Clone)]
pub struct Connections {
    open: Arc<Mutex<HashMap<u64, Entry>>>,
    next: Arc<AtomicU64>,
    per_user: usize,
    revocations: Revocations,
}

/// A registered connection: `closed` fires when its credential is revoked. Dropping it
/// unregisters the connection.
pub struct Registered {
    pub closed: CancellationToken,
    id: u64,
    open: Arc<Mutex<HashMap<u64, Entry>>>,
}

impl Connections {
    pub fn new(per_user: usize, revocations: Revocations) -> Self {
        Self {
            open: Arc::default(),
            next: Arc::default(),
            per_user,
            revocations,
        }
    }

    /// A connection of `user`'s, opened with `credential` (a session or an API token).
    pub fn register(
        &self,
        user: UserId,
        credential: Revocation,
    ) -> Result<Registered, TooManyConnections> {
        let mut open = self.open.lock().expect("connections lock");
        if open.values().filter(|entry| entry.user == user).count() >= self.per_user {
            return Err(TooManyConnections {
                limit: self.per_user,
            });
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let closed = CancellationToken::new();
        open.insert(
            id,
            Entry {
                user,
                credential,
                closed: closed.clone(),
            },
        );
        Ok(Registered {
            closed,
            id,
            open: self.open.clone(),
        })
    }

    /// Closes what `revocation` names here at once, and tells every other process.
    pub async fn revoke(&self, revocation: Revocation) {
        self.heard(revocation);
        if let Err(err) = self.revocations.publish(revocation).await {
            tracing::warn!(error = %err, ?revocation, "revocation not sent to other processes");
        }
    }

    /// A revocation from any process: the connections it names close.
    pub fn heard(&self, revocation: Revocation) {
        let open = self.open.lock().expect("connections lock");
        for entry in open.values().filter(|entry| names(revocation, entry)) {
            entry.closed.cancel();
        }
    }

    /// Open connections in this process, for metrics.
    pub fn count(&self) -> usize {
        self.open.lock().expect("connections lock").len()
    }
}

fn names(revocation: Revocation, entry: &Entry) -> bool {
    match revocation {
        Revocation::User(user) => entry.user == user,
        credential => entry.credential == credential,
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        self.open.lock().expect("connections lock").remove(&self.id);
    }
}
