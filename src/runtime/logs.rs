//! A container's output, as its log driver kept it.

use std::pin::Pin;

use bollard::container::LogOutput;
use bollard::query_parameters::LogsOptions;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use super::{Runtime, RuntimeError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStream {
    Stdout,
    Stderr,
}

impl LogStream {
    pub fn as_str(self) -> &'static str {
        match self {
            LogStream::Stdout => "stdout",
            LogStream::Stderr => "stderr",
        }
    }
}

pub type LogLines = Pin<Box<dyn Stream<Item = Result<(LogStream, Bytes), RuntimeError>> + Send>>;

impl Runtime {
    /// The last `tail` lines (all without it), then (with `follow`) new ones until the
    /// container stops.
    pub async fn logs(
        &self,
        name: &str,
        tail: Option<u32>,
        follow: bool,
        timestamps: bool,
    ) -> Result<LogLines, RuntimeError> {
        let docker = self.client().await?;
        let options = LogsOptions {
            follow,
            stdout: true,
            stderr: true,
            timestamps,
            tail: tail.map_or_else(|| "all".to_string(), |lines| lines.to_string()),
            ..Default::default()
        };
        let lines = docker
            .logs(name, Some(options))
            .filter_map(|chunk| async move {
                match chunk {
                    Ok(LogOutput::StdErr { message }) => Some(Ok((LogStream::Stderr, message))),
                    Ok(LogOutput::StdOut { message } | LogOutput::Console { message }) => {
                        Some(Ok((LogStream::Stdout, message)))
                    }
                    Ok(LogOutput::StdIn { .. }) => None,
                    Err(err) => Some(Err(RuntimeError::from(err))),
                }
            });
        Ok(Box::pin(lines))
    }
}
