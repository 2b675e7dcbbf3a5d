//! Opening many connections to the server at once, as the benchmarks that hold thousands do.

use std::future::Future;
use std::time::{Duration, Instant};

use futures_util::StreamExt;

/// Calls `open` for 0..`count`, `concurrency` at a time: what opened, why the rest did not,
/// and how long it all took.
pub async fn open_many<T, F, Opening>(
    count: usize,
    concurrency: usize,
    open: F,
) -> (Vec<T>, Vec<String>, Duration)
where
    F: FnMut(usize) -> Opening,
    Opening: Future<Output = anyhow::Result<T>>,
{
    let started = Instant::now();
    let outcomes: Vec<anyhow::Result<T>> = futures_util::stream::iter(0..count)
        .map(open)
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let (mut opened, mut failures) = (Vec::new(), Vec::new());
    for outcome in outcomes {
        match outcome {
            Ok(connection) => opened.push(connection),
            Err(err) => failures.push(format!("{err:#}")),
        }
    }
    (opened, failures, elapsed)
}
