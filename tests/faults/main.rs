//! Faults: Postgres, Redis and the Docker engine restarted under a running service, during
//! provisioning and with terminals open. Postgres and Redis are private instances that only
//! their test uses, so those tests run with the rest. The Docker engine is the stack's one:
//! its test is ignored by the main suite, and `make test` runs it alone afterwards. Each test
//! prints the figures it measured.

#[path = "../api/engine.rs"]
#[allow(dead_code)]
mod engine;
#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;
#[path = "../api/provisioning_helpers.rs"]
#[allow(dead_code)]
mod provisioning_helpers;
#[path = "../api/terminal_client.rs"]
#[allow(dead_code)]
mod terminal_client;
#[path = "../api/ws.rs"]
#[allow(dead_code)]
mod ws;

mod common;
mod docker;
mod engine_unreachable;
mod postgres;
mod redis;
mod stack;
