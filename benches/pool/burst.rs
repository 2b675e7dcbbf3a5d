//! 50 creates at once against a pool of 10: all must be ready and none in error; then how
//! long the pool takes to be full again.

use std::time::{Duration, Instant};

use super::Pool;
use crate::common::api::Api;
use crate::common::results::{Figure, Results};
use serde_json::json;

const CREATES: usize = 50;
const POOL: i32 = 10;

pub async fn measure(api: &Api, pool: &Pool, results: &mut Results) -> anyhow::Result<()> {
    pool.resize(POOL).await?;
    pool.filled(POOL.into(), Duration::from_secs(300)).await?;
    let request = json!({"image": "debian:bookworm", "role": "barebone"});
    let started = Instant::now();
    let ids = api.create_all(&request, CREATES).await?;
    let running = api
        .wait_running(&ids, Duration::from_secs(300), Duration::from_millis(50))
        .await?;
    let all_ready = started.elapsed();
    anyhow::ensure!(running == CREATES, "{running} of {CREATES} ready");
    let refill = pool.filled(POOL.into(), Duration::from_secs(600)).await?;
    api.delete_all(&ids).await?;
    let (all_s, refill_s) = (all_ready.as_secs_f64(), refill.as_secs_f64());
    println!("{CREATES} creates at once, pool of {POOL}: all {running} ready in {all_s:.1} s, none in error; pool full again {refill_s:.1} s later");
    results.push(
        Figure::new(
            &format!("{CREATES} creates at once, pool of {POOL}: all ready"),
            "s",
            all_s,
        )
        .target("all ready, none in error", running == CREATES),
    );
    results.push(Figure::new("then the pool full again", "s", refill_s));
    Ok(())
}
