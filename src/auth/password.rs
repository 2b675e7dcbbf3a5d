//! argon2id password hashing. Both calls are CPU- and memory-heavy on purpose (19 MiB each),
//! so they run on a few threads of their own, one per core: a flood of logins then queues
//! instead of taking every core, and only those threads' allocator arenas ever hold argon2's
//! memory (on the shared blocking pool, each of up to hundreds of threads kept its own).

use std::sync::{mpsc, Mutex, OnceLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

type Work = Box<dyn FnOnce() + Send>;

/// Runs `work` on a hashing thread and waits for its answer without blocking the runtime.
async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    static QUEUE: OnceLock<mpsc::Sender<Work>> = OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Work>();
        let receiver = std::sync::Arc::new(Mutex::new(receiver));
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        for n in 0..threads {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || loop {
                    let next = receiver.lock().expect("hashing queue lock").recv();
                    match next {
                        Ok(work) => work(),
                        Err(_) => return,
                    }
                })
                .expect("a hashing thread starts");
        }
        sender
    });
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Work = Box::new(move || {
        let _ = answer.send(work());
    });
    queue
        .send(job)
        .map_err(|_| anyhow::anyhow!("the hashing threads are gone"))?;
    Ok(answered.await?)
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    on_hashing_thread(move || hash_now(&password)).await?
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| anyhow::anyhow!("hashing failed: {err}"))
}

/// Checks `password` against `stored`. With no stored hash (unknown user, or a guest) it checks
/// against a throwaway hash, so a wrong user costs the same time as a wrong password.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    on_hashing_thread(move || {
        let target = stored.as_deref().unwrap_or_else(|| decoy_hash());
        let matches = PasswordHash::new(target)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        matches && stored.is_some()
    })
    .await
    .unwrap_or(false)
}

fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_now("decoy password never matches").expect("argon2 hashes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let stored = hash("correct horse".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse".into(), Some(stored.clone())).await);
        assert!(!verify("wrong horse".into(), Some(stored)).await);
    }

    #[tokio::test]
    async fn no_stored_hash_never_verifies() {
        assert!(!verify("decoy password never matches".into(), None).await);
    }
}
