//! The ledger that keeps pauses and process starts apart across API processes, in the
//! stack's Redis under a key prefix of the test's own.

use std::time::Duration;

use sandboxd::broker::freezes::RedisFreezes;
use sandboxd::broker::kv::Kv;
use sandboxd::config::Settings;
use sandboxd::runtime::{FreezeClaim, FreezeLedger};
use uuid::Uuid;

const LEASE: Duration = Duration::from_millis(400);

fn ledger() -> RedisFreezes {
    let settings = Settings::from_env().expect("settings from the environment");
    let prefix = format!("sandboxd-test:{}", Uuid::new_v4().simple());
    RedisFreezes::new(Kv::new(&settings.redis_url, &prefix).unwrap(), LEASE)
}

#[tokio::test]
async fn a_freeze_waits_for_starts_and_starts_wait_for_a_freeze() {
    let ledger = ledger();
    assert!(ledger.try_start("env-a", "start-1").await.unwrap());
    assert!(ledger.try_start("env-a", "start-2").await.unwrap());
    // Claimed, but two starts are in flight: no third may begin meanwhile.
    let claim = ledger.try_freeze("env-a", "freeze-1").await.unwrap();
    assert_eq!(claim, FreezeClaim::AwaitingStarts(2));
    assert!(!ledger.try_start("env-a", "start-3").await.unwrap());
    // Another container is its own business.
    assert!(ledger.try_start("env-b", "start-4").await.unwrap());
    // A second freeze waits for the first.
    let second = ledger.try_freeze("env-a", "freeze-2").await.unwrap();
    assert_eq!(second, FreezeClaim::HeldElsewhere);

    ledger.release("env-a", "start-1").await.unwrap();
    let claim = ledger.try_freeze("env-a", "freeze-1").await.unwrap();
    assert_eq!(claim, FreezeClaim::AwaitingStarts(1));
    ledger.release("env-a", "start-2").await.unwrap();
    assert_eq!(
        ledger.try_freeze("env-a", "freeze-1").await.unwrap(),
        FreezeClaim::Taken
    );
    assert!(!ledger.try_start("env-a", "start-3").await.unwrap());

    // Releasing a lease it does not hold leaves the freeze alone.
    ledger.release("env-a", "freeze-2").await.unwrap();
    assert!(!ledger.try_start("env-a", "start-3").await.unwrap());
    ledger.release("env-a", "freeze-1").await.unwrap();
    assert!(ledger.try_start("env-a", "start-3").await.unwrap());
}

#[tokio::test]
async fn leases_of_a_process_that_died_holding_them_lapse() {
    let ledger = ledger();
    assert!(ledger.try_start("env-a", "dead-start").await.unwrap());
    assert_eq!(
        ledger.try_freeze("env-a", "freeze").await.unwrap(),
        FreezeClaim::AwaitingStarts(1)
    );
    ledger.release("env-a", "freeze").await.unwrap();
    tokio::time::sleep(LEASE + Duration::from_millis(100)).await;
    assert_eq!(
        ledger.try_freeze("env-a", "dead-freeze").await.unwrap(),
        FreezeClaim::Taken,
        "a start never released still counts"
    );
    // Renewed by its holder, a freeze outlasts its first lease.
    for _ in 0..3 {
        tokio::time::sleep(LEASE / 2).await;
        let renewed = ledger.try_freeze("env-a", "dead-freeze").await.unwrap();
        assert_eq!(renewed, FreezeClaim::Taken);
    }
    assert!(!ledger.try_start("env-a", "start").await.unwrap());
    tokio::time::sleep(LEASE + Duration::from_millis(100)).await;
    assert!(
        ledger.try_start("env-a", "start").await.unwrap(),
        "a freeze never released still holds"
    );
}
