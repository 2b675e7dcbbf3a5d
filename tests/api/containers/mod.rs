//! Environments: creating them, their lifecycle (pause and resume too), exec, logs, stats,
//! export and failures.

mod bulk;
mod events;
mod exec;
mod exec_standby;
mod exec_stream;
mod export;
mod failures;
mod freezing_ledger;
mod images;
mod labels;
mod lifecycle;
mod limits;
mod logs;
mod pause;
mod pause_races;
mod pipeline;
mod records;
mod repairs;
mod requests;
mod stats;
