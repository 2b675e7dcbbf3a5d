//! Environments: creating them, their lifecycle, exec, logs, stats, export and failures.

mod bulk;
mod events;
mod exec;
mod export;
mod failures;
mod images;
mod labels;
mod lifecycle;
mod limits;
mod logs;
mod pipeline;
mod records;
mod repairs;
mod requests;
mod stats;
