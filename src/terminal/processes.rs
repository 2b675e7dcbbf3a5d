//! Commands that are not terminals' shells but end the same way when their client goes: an
//! SSH command's, whose process records its pid where hang-ups look for one.

use super::Terminals;
use crate::model::engine_names::container_name;
use crate::model::Environment;

impl Terminals {
    /// Hangs up a process started with [`recorded`]'s wrapper under `session_id`, as a
    /// shell's hang-up does: a command whose client went away.
    pub async fn hang_up_process(&self, environment: &Environment, session_id: &str) {
        match self.fleet.runtime_for(environment).await {
            Ok(runtime) => self.hangups.request_for(
                runtime,
                container_name(environment.id),
                session_id.to_string(),
            ),
            Err(err) => tracing::warn!(error = %err, "cannot hang up a process: no engine"),
        }
    }
}

/// `argv` run so that [`Terminals::hang_up_process`] can end it under `session_id`: its pid
/// recorded where hang-ups look, then replaced by the program itself (same pid, same stdin).
pub fn recorded(session_id: &str, argv: Vec<String>) -> Vec<String> {
    let record = "echo $$ >\"/tmp/.sandboxd-terminal-$1.pid\" 2>/dev/null; shift; exec \"$@\"";
    let mut wrapped = ["sh", "-c", record, "sandboxd-process", session_id]
        .map(String::from)
        .to_vec();
    wrapped.extend(argv);
    wrapped
}
