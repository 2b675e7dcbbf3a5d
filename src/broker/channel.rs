//! Listening on a pub/sub channel for as long as the process runs: each message's payload is
//! handed over as it arrives, and a lost connection is made again after a short pause.

use std::time::Duration;

use futures_util::StreamExt;
use tokio_util::sync::CancellationToken;

use super::kv::Kv;

const RECONNECT_AFTER: Duration = Duration::from_millis(500);

pub async fn listen(kv: &Kv, channel: &str, heard: impl Fn(String), shutdown: CancellationToken) {
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            outcome = relay(kv, channel, &heard) => {
                if let Err(err) = outcome {
                    tracing::warn!(error = %err, channel, "subscription lost; reconnecting");
                }
            }
        }
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tokio::time::sleep(RECONNECT_AFTER) => {}
        }
    }
}

async fn relay(kv: &Kv, channel: &str, heard: &impl Fn(String)) -> redis::RedisResult<()> {
    let mut pubsub = kv.pubsub().await?;
    pubsub.subscribe(channel).await?;
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        if let Ok(payload) = message.get_payload::<String>() {
            heard(payload);
        }
    }
    Err(redis::RedisError::from((
        redis::ErrorKind::IoError,
        "subscription closed",
    )))
}
