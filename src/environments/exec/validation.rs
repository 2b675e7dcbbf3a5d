//! What an exec request must be before anything runs.

use std::time::Duration;

use super::super::env_vars;
use super::ExecRequest;
use crate::environments::error::{EnvironmentError, Result};

const DEFAULT_TIMEOUT_SECONDS: u64 = 30;
const MAX_TIMEOUT_SECONDS: u64 = 600;

/// A request's command and its timeout.
pub(super) fn validate(request: &ExecRequest) -> Result<Duration> {
    validate_command(request)?;
    match request.timeout.unwrap_or(DEFAULT_TIMEOUT_SECONDS) {
        seconds @ 1..=MAX_TIMEOUT_SECONDS => Ok(Duration::from_secs(seconds)),
        _ => Err(EnvironmentError::invalid(
            "INVALID_TIMEOUT",
            format!("Timeout must be between 1 and {MAX_TIMEOUT_SECONDS} seconds"),
        )),
    }
}

/// What any command must be, however it is run.
pub(super) fn validate_command(request: &ExecRequest) -> Result<()> {
    if request.command.is_empty() || request.command[0].is_empty() {
        return Err(EnvironmentError::invalid(
            "INVALID_COMMAND",
            "command must name a program: [\"ls\", \"-l\"]",
        ));
    }
    env_vars::validate(&request.env)?;
    if let Some(dir) = &request.working_dir {
        if !dir.starts_with('/') || dir.contains('\0') {
            return Err(EnvironmentError::invalid(
                "INVALID_WORKING_DIR",
                "working_dir must be an absolute path",
            ));
        }
    }
    Ok(())
}
