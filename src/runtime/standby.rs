//! Processes started before they are needed, one at most per container: a started exec
//! spends most of its 50–70 ms in the engine's runtime entering the container, and one
//! started ahead skips that when its command comes. What runs is the caller's (the exec
//! service's shell that waits for a command on its stdin); here they are kept and handed
//! out once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Process, ProcessSpec, Runtime};

/// How long a taker waits for a process still starting, before doing without it.
const STARTING_FOR: Duration = Duration::from_secs(2);
/// Started processes kept at once: each holds a connection to an engine and a process in
/// an environment, and they only save time, so past this none is started.
const AT_MOST: usize = 1024;

type Slot = Arc<tokio::sync::Mutex<Option<Process>>>;

pub struct Standbys {
    command: Vec<String>,
    waiting: Mutex<HashMap<String, Slot>>,
}

impl Standbys {
    /// Each started process runs `command`.
    pub fn new(command: Vec<String>) -> Self {
        Self {
            command,
            waiting: Mutex::default(),
        }
    }

    /// Starts the process in `container`, in the background; one already there is let go,
    /// and this one is let go (and so ends, with its stdin) if nobody takes it within
    /// `unused_for`. Nothing is started while as many as [`AT_MOST`] are kept.
    pub fn prepare(self: &Arc<Self>, runtime: Runtime, container: String, unused_for: Duration) {
        let slot: Slot = Arc::default();
        let Ok(mut starting) = slot.clone().try_lock_owned() else {
            return;
        };
        {
            let mut slots = self.slots();
            if slots.len() >= AT_MOST && !slots.contains_key(&container) {
                return;
            }
            // One replaced ends now rather than when its own wait is over.
            if let Some(replaced) = slots.insert(container.clone(), slot.clone()) {
                if let Ok(mut replaced) = replaced.try_lock() {
                    replaced.take();
                }
            }
        }
        let standbys = self.clone();
        tokio::spawn(async move {
            let spec = ProcessSpec {
                command: standbys.command.clone(),
                env: Vec::new(),
                tty: None,
                working_dir: None,
            };
            match runtime.open_process(&container, spec).await {
                // Given up on by a taker, or replaced, while it started: it ends here.
                Ok(_) if !standbys.is_current(&container, &slot) => return,
                Ok(process) => *starting = Some(process),
                Err(err) => tracing::debug!(error = %err, %container, "nothing started ahead"),
            }
            drop(starting);
            tokio::time::sleep(unused_for).await;
            let mut slots = standbys.slots();
            if slots
                .get(&container)
                .is_some_and(|current| Arc::ptr_eq(current, &slot))
            {
                slots.remove(&container);
            }
        });
    }

    fn is_current(&self, container: &str, slot: &Slot) -> bool {
        self.slots()
            .get(container)
            .is_some_and(|current| Arc::ptr_eq(current, slot))
    }

    /// The container's started process, if one is there (or about to be).
    pub async fn take(&self, container: &str) -> Option<Process> {
        let slot = self.slots().remove(container)?;
        let mut started = tokio::time::timeout(STARTING_FOR, slot.lock()).await.ok()?;
        started.take()
    }

    /// Whether a process is kept (or starting) for `container`.
    pub fn holds(&self, container: &str) -> bool {
        self.slots().contains_key(container)
    }

    /// Lets go of the container's started process, as for a container removed.
    pub fn forget(&self, container: &str) {
        self.slots().remove(container);
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        self.waiting.lock().expect("standby processes lock")
    }
}
