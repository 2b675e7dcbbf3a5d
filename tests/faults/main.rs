//! Faults: Postgres, Redis and the Docker engine restarted under a running service, during
//! provisioning and with terminals open, and an engine started again past stale pidfiles.
//! Postgres and Redis are private instances that only their test uses, so those tests run
//! with the rest. The Docker engines are the stack's own: their tests are ignored by the main
//! suite, and `make test` runs them alone, one at a time, afterwards. Each test prints the
//! figures it measured.

mod support;

mod docker;
mod engine_unreachable;
mod pidfiles;
mod postgres;
mod redis;
