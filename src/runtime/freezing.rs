//! Freezing a container while a process is being started in it wedges its engine: the
//! runtime's helper that joins the container is frozen half way, the engine waits on it for
//! ever, and every later call for that container (inspect, unpause, exec, remove) hangs with
//! it until someone thaws the cgroup by hand on the engine's host. So a pause, or a commit
//! (which pauses), waits for the starts in flight in that container, and a start waits for a
//! pause in flight: within this process by a gate per container, then across processes
//! through the shared ledger (`freeze_ledger`), asked once this gate is passed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bollard::Docker;
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

use super::freeze_ledger::{self, FreezeLedger, SharedHold};
use super::RuntimeError;

/// Longer than any start takes on a healthy engine; past it a start is let go regardless.
const STARTED_WITHIN: Duration = Duration::from_secs(10);
const STARTED_POLL: Duration = Duration::from_millis(2);

/// One gate per container with starts or a freeze in flight, gone when none are.
#[derive(Default)]
pub(super) struct Freezes {
    gates: Mutex<HashMap<String, Arc<RwLock<()>>>>,
    ledger: Option<Arc<dyn FreezeLedger>>,
}

/// Holds a container's gate until dropped.
pub(super) struct Held {
    freezes: Arc<Freezes>,
    container: String,
    gate: Arc<RwLock<()>>,
    /// Many starts may go on at once.
    start: Option<OwnedRwLockReadGuard<()>>,
    /// A freeze goes alone.
    freeze: Option<OwnedRwLockWriteGuard<()>>,
    /// The same, as every process sees it.
    _shared: Option<SharedHold>,
}

impl Freezes {
    /// A gate whose starts and freezes every process driving the same engines sees.
    pub(super) fn shared(ledger: Arc<dyn FreezeLedger>) -> Self {
        Self {
            gates: Mutex::default(),
            ledger: Some(ledger),
        }
    }

    /// Waits until no freeze of `container` is in flight, and keeps one from starting.
    pub(super) async fn starting(self: &Arc<Self>, container: &str) -> Held {
        let gate = self.gate(container);
        let start = Some(gate.clone().read_owned().await);
        let shared = match &self.ledger {
            Some(ledger) => freeze_ledger::start(ledger, container).await,
            None => None,
        };
        self.held(container, gate, (start, None), shared)
    }

    /// Waits until no start in `container` is in flight, and keeps new ones waiting.
    pub(super) async fn freezing(self: &Arc<Self>, container: &str) -> Held {
        let gate = self.gate(container);
        let freeze = Some(gate.clone().write_owned().await);
        let shared = match &self.ledger {
            Some(ledger) => freeze_ledger::freeze(ledger, container).await,
            None => None,
        };
        self.held(container, gate, (None, freeze), shared)
    }

    fn gate(&self, container: &str) -> Arc<RwLock<()>> {
        let mut gates = self
            .gates
            .lock()
            .expect("the gates' lock is never poisoned");
        gates.entry(container.to_string()).or_default().clone()
    }

    fn held(
        self: &Arc<Self>,
        container: &str,
        gate: Arc<RwLock<()>>,
        (start, freeze): (
            Option<OwnedRwLockReadGuard<()>>,
            Option<OwnedRwLockWriteGuard<()>>,
        ),
        shared: Option<SharedHold>,
    ) -> Held {
        Held {
            freezes: self.clone(),
            container: container.to_string(),
            gate,
            start,
            freeze,
            _shared: shared,
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        drop((self.start.take(), self.freeze.take()));
        let mut gates = self.freezes.gates.lock().expect("never poisoned");
        // The map's and this one's: nobody else holds or waits for it. Every other holder
        // took its copy under this same lock, so the count cannot rise meanwhile.
        if Arc::strong_count(&self.gate) == 2 {
            gates.remove(&self.container);
        }
    }
}

/// Waits until the engine has the exec's process running (or already ended). Its answer to
/// a start comes before that for an attached exec, so a start's gate is held until this.
pub(super) async fn started(docker: &Docker, exec_id: &str) -> Result<(), RuntimeError> {
    let deadline = tokio::time::Instant::now() + STARTED_WITHIN;
    loop {
        let inspected = docker.inspect_exec(exec_id).await?;
        let running = inspected.pid.is_some_and(|pid| pid > 0);
        if running || inspected.exit_code.is_some() || tokio::time::Instant::now() > deadline {
            return Ok(());
        }
        tokio::time::sleep(STARTED_POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_freeze_waits_for_the_starts_in_flight_and_the_gate_goes_when_unused() {
        let freezes = Arc::new(Freezes::default());
        let start = freezes.starting("a").await;
        let other = freezes.freezing("b").await;
        let waiting = tokio::spawn({
            let freezes = freezes.clone();
            async move { freezes.freezing("a").await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!waiting.is_finished(), "a freeze went on during a start");
        drop(start);
        let freeze = waiting.await.unwrap();
        let blocked = tokio::time::timeout(Duration::from_millis(20), freezes.starting("a"));
        assert!(blocked.await.is_err(), "a start went on during a freeze");
        drop((freeze, other));
        assert!(freezes.gates.lock().unwrap().is_empty());
    }
}
