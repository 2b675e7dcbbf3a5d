//! Faults: Postgres, Redis and the Docker engine restarted under a running service, during
//! provisioning and with terminals open. Postgres and Redis are private instances that only
//! their test uses, so those tests run with the rest. The Docker engine is the stack's one:
//! its test is ignored by the main suite, and `make test` runs it alone afterwards. Each test
//! prints the figures it measured.

mod support;

mod docker;
mod engine_unreachable;
mod postgres;
mod redis;
