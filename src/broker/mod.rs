//! The Redis adapter: one connection (`kv`) under the instance's key prefix, the provisioning
//! work queue on Redis Streams (`queue`), the event fan-out on pub/sub (`events`),
//! revoked credentials on pub/sub (`revocations`), and the starts and freezes in flight in
//! every engine's containers, which all processes keep apart (`freezes`).

mod channel;
pub mod events;
pub mod freezes;
pub mod kv;
pub mod queue;
pub mod revocations;
