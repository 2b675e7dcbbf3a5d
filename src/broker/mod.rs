//! The Redis adapter: one connection (`kv`) under the instance's key prefix, the provisioning
//! work queue on Redis Streams (`queue`), the event fan-out on pub/sub (`events`),
//! and revoked credentials on pub/sub (`revocations`).

mod channel;
pub mod events;
pub mod kv;
pub mod queue;
pub mod revocations;
