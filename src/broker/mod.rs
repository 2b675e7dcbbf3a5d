//! The Redis adapter: one connection (`kv`) under the instance's key prefix, the provisioning
//! work queue on Redis Streams (`queue`), and the event fan-out on pub/sub (`events`).

pub mod events;
pub mod kv;
pub mod queue;
