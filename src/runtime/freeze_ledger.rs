//! The freezing gate across processes. Every sandboxd process drives the engines of every
//! node, so a pause sent to one may race a command started through another: this process's
//! own gate (`freezing`) cannot see the other's start. The ledger, kept where every process
//! reaches it, records the starts and the freeze in flight per container, each under a lease
//! that lapses on its own should its process die holding it.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// How long a start or a freeze is taken as in flight unless renewed: past any start
/// (`freezing::started` gives up at 10 s), and a freeze renews its own while it lasts.
pub const LEASE: Duration = Duration::from_secs(15);
const RENEW_EVERY: Duration = Duration::from_secs(LEASE.as_secs() / 3);
/// How soon a start waiting on a freeze, or a freeze waiting on starts, asks again: at once
/// at first (a start lasts tens of ms), then less often (a commit's freeze lasts seconds).
const ASK_AGAIN_FIRST: Duration = Duration::from_millis(2);
const ASK_AGAIN_LAST: Duration = Duration::from_millis(100);

async fn wait_to_ask_again(delay: &mut Duration) {
    tokio::time::sleep(*delay).await;
    *delay = (*delay * 2).min(ASK_AGAIN_LAST);
}

/// A freeze's claim on a container, as the ledger answered it.
#[derive(Debug, PartialEq, Eq)]
pub enum FreezeClaim {
    /// No start is in flight: freeze now (and renew the claim until done).
    Taken,
    /// Claimed, so no new start begins, but this many started before and are not done.
    AwaitingStarts(u64),
    /// Another freeze of this container is in flight.
    HeldElsewhere,
}

/// Starts and freezes in flight per container, shared by every process. Leases are unique
/// per start or freeze.
pub trait FreezeLedger: Send + Sync {
    /// Records a start under `lease`, unless a freeze is in flight (false: ask again).
    fn try_start<'a>(&'a self, container: &'a str, lease: &'a str) -> BoxFuture<'a, Ledger<bool>>;
    /// Claims the freeze under `lease`, or renews it for its holder.
    fn try_freeze<'a>(
        &'a self,
        container: &'a str,
        lease: &'a str,
    ) -> BoxFuture<'a, Ledger<FreezeClaim>>;
    /// Ends the start or the freeze held under `lease`.
    fn release<'a>(&'a self, container: &'a str, lease: &'a str) -> BoxFuture<'a, Ledger<()>>;
}

pub type Ledger<T> = anyhow::Result<T>;

/// A start or a freeze recorded in the ledger, released (in the background) when dropped.
pub(super) struct SharedHold {
    ledger: Arc<dyn FreezeLedger>,
    container: String,
    lease: String,
    renewal: Option<JoinHandle<()>>,
}

/// Waits until no freeze of `container` is in flight in any process, and records a start.
/// Without the ledger (Redis down) the start goes on with this process's gate alone.
pub(super) async fn start(ledger: &Arc<dyn FreezeLedger>, container: &str) -> Option<SharedHold> {
    // Held from the first ask, so a start given up half way (its request gone) is released.
    let (hold, mut delay) = (SharedHold::new(ledger, container), ASK_AGAIN_FIRST);
    loop {
        match ledger.try_start(container, &hold.lease).await {
            Ok(true) => return Some(hold),
            Ok(false) => wait_to_ask_again(&mut delay).await,
            Err(err) => return unshared(&err, container),
        }
    }
}

/// Claims the freeze of `container` and waits until no start is in flight in any process;
/// the claim is renewed until the hold is dropped.
pub(super) async fn freeze(ledger: &Arc<dyn FreezeLedger>, container: &str) -> Option<SharedHold> {
    // A claim made while starts finish keeps new ones out: released if the freeze is given
    // up, not left to lapse.
    let (mut hold, mut delay) = (SharedHold::new(ledger, container), ASK_AGAIN_FIRST);
    loop {
        match ledger.try_freeze(container, &hold.lease).await {
            Ok(FreezeClaim::Taken) => break,
            Ok(FreezeClaim::AwaitingStarts(_) | FreezeClaim::HeldElsewhere) => {
                wait_to_ask_again(&mut delay).await
            }
            Err(err) => return unshared(&err, container),
        }
    }
    hold.renewal = Some(tokio::spawn({
        let (ledger, container, lease) =
            (ledger.clone(), container.to_string(), hold.lease.clone());
        async move {
            loop {
                tokio::time::sleep(RENEW_EVERY).await;
                if let Err(err) = ledger.try_freeze(&container, &lease).await {
                    tracing::warn!(error = %err, %container, "a freeze's lease not renewed");
                }
            }
        }
    }));
    Some(hold)
}

impl SharedHold {
    fn new(ledger: &Arc<dyn FreezeLedger>, container: &str) -> Self {
        Self {
            ledger: ledger.clone(),
            container: container.to_string(),
            lease: Uuid::new_v4().to_string(),
            renewal: None,
        }
    }
}

fn unshared(err: &anyhow::Error, container: &str) -> Option<SharedHold> {
    tracing::warn!(error = %err, %container, "freezing gate not shared: this process's only");
    None
}

impl Drop for SharedHold {
    fn drop(&mut self) {
        if let Some(renewal) = self.renewal.take() {
            renewal.abort();
        }
        let (ledger, container, lease) = (
            self.ledger.clone(),
            std::mem::take(&mut self.container),
            std::mem::take(&mut self.lease),
        );
        // Unreleased, the lease still lapses on its own; one never recorded is no harm.
        tokio::spawn(async move {
            if let Err(err) = ledger.release(&container, &lease).await {
                tracing::debug!(error = %err, %container, "a freezing lease not released");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Mutex;

    use futures_util::FutureExt;

    use super::*;

    /// The ledger's rules, in memory, without leases lapsing.
    #[derive(Default)]
    struct InMemory {
        starts: Mutex<HashSet<String>>,
        freeze: Mutex<Option<String>>,
    }

    impl FreezeLedger for InMemory {
        fn try_start<'a>(&'a self, _: &'a str, lease: &'a str) -> BoxFuture<'a, Ledger<bool>> {
            let frozen = self.freeze.lock().unwrap().is_some();
            if !frozen {
                self.starts.lock().unwrap().insert(lease.to_string());
            }
            async move { Ok(!frozen) }.boxed()
        }

        fn try_freeze<'a>(
            &'a self,
            _: &'a str,
            lease: &'a str,
        ) -> BoxFuture<'a, Ledger<FreezeClaim>> {
            let mut freeze = self.freeze.lock().unwrap();
            let claim = match freeze.as_deref() {
                Some(holder) if holder != lease => FreezeClaim::HeldElsewhere,
                _ => {
                    *freeze = Some(lease.to_string());
                    match self.starts.lock().unwrap().len() {
                        0 => FreezeClaim::Taken,
                        starts => FreezeClaim::AwaitingStarts(starts as u64),
                    }
                }
            };
            async move { Ok(claim) }.boxed()
        }

        fn release<'a>(&'a self, _: &'a str, lease: &'a str) -> BoxFuture<'a, Ledger<()>> {
            self.starts.lock().unwrap().remove(lease);
            let mut freeze = self.freeze.lock().unwrap();
            if freeze.as_deref() == Some(lease) {
                *freeze = None;
            }
            async { Ok(()) }.boxed()
        }
    }

    #[tokio::test]
    async fn a_freeze_given_up_while_starts_finish_lets_later_starts_go() {
        let memory = Arc::new(InMemory::default());
        let ledger: Arc<dyn FreezeLedger> = memory.clone();
        let started = start(&ledger, "c").await.expect("recorded");
        let freezing = tokio::spawn({
            let ledger = ledger.clone();
            async move { freeze(&ledger, "c").await.map(drop) }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(
            memory.freeze.lock().unwrap().is_some(),
            "the freeze claimed"
        );
        assert!(!freezing.is_finished(), "a freeze went on during a start");
        // Its request gone, say: the claim goes with it.
        freezing.abort();
        let _ = freezing.await;
        drop(started);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(memory.freeze.lock().unwrap().is_none());
        assert!(memory.starts.lock().unwrap().is_empty());
        let again = tokio::time::timeout(Duration::from_secs(1), start(&ledger, "c")).await;
        assert!(again.expect("a later start waited").is_some());
    }
}
