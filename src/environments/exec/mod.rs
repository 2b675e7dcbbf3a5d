//! Commands run to completion in an environment (OSAPI exec), recorded as jobs that the
//! owner can read back.

mod attached;
mod shapes;
mod standby;
mod stream;
mod validation;

use std::time::Duration;

use serde_json::json;
use uuid::Uuid;

use crate::auth::Principal;
use crate::db;
use crate::environments::error::{EnvironmentError, Result};
use crate::model::engine_names::container_name;
use crate::model::{Environment, Status};
use crate::runtime::{ExecOutput, ExecSpec, Runtime};
use validation::{validate, validate_command};

const RUN: &str = include_str!("run.sh");
const KILL: &str = include_str!("kill.sh");
const ATTACH: &str = include_str!("attach.sh");
/// Bytes of stdout and of stderr kept per job.
pub const OUTPUT_CAP: usize = 1024 * 1024;
/// How long a killed command gets to let its output drain.
const AFTER_KILL: Duration = Duration::from_secs(5);

pub use attached::{Attached, Control};
pub use shapes::{ExecJob, ExecRequest, ExecResult, JobView};
pub use standby::waiting_command;
pub use stream::{CommandEvent, RunningCommand};

service!(
    /// Commands run in an environment, and their jobs.
    Exec
);

impl Exec {
    pub async fn run(
        &self,
        owner: &Principal,
        reference: &str,
        request: ExecRequest,
    ) -> Result<ExecJob> {
        validate(&request)?;
        let row = self.shared.records().find(owner, reference).await?;
        let hostname = row.name.clone();
        self.run_in(owner, row, hostname, request).await
    }

    /// Runs in an environment the caller already found as theirs; its results carry
    /// `hostname` (OSAPI's routes name the node, this API's own route the environment).
    pub async fn run_in(
        &self,
        owner: &Principal,
        row: Environment,
        hostname: String,
        request: ExecRequest,
    ) -> Result<ExecJob> {
        let timeout = validate(&request)?;
        // Before the job is recorded: a node out of reach runs nothing, and leaves no job.
        let (row, runtime) = self.ready_to_run(row).await?;
        let job_id = Uuid::new_v4();
        self.record_job(owner, &row, job_id, &request).await?;
        // The command runs to its end or its timeout in a task of its own: a caller who hangs
        // up must not leave it running past the timeout, nor its job without a result.
        let exec = self.clone();
        let job = Job {
            row,
            runtime,
            id: job_id,
            hostname,
        };
        tokio::spawn(async move { exec.finish(job, request, timeout).await })
            .await
            .map_err(EnvironmentError::internal)?
    }

    async fn finish(&self, job: Job, request: ExecRequest, timeout: Duration) -> Result<ExecJob> {
        let result = self.run_job(&job, &request, timeout).await;
        let Job {
            row,
            runtime,
            id: job_id,
            ..
        } = job;
        // The command kept the environment busy while it ran: its end is activity as well.
        self.shared.records().touch(row.id).await;
        let status = if result.error.is_none() {
            "completed"
        } else {
            "failed"
        };
        // A failure is the command's own unless the engine itself is gone: then nothing ran,
        // and the caller should retry rather than read a result.
        let engine_down = result.error.is_some() && runtime.ping().await.is_err();
        let results = vec![result];
        db::exec_jobs::finish(&self.shared.pool, job_id, status, &json!(results)).await?;
        if engine_down {
            return Err(
                EnvironmentError::engine_unavailable().with_details(json!({ "job_id": job_id }))
            );
        }
        tracing::info!(%job_id, container_id = %row.id, status, "exec job done");
        Ok(ExecJob { job_id, results })
    }

    /// Wakes a paused environment; a command needs it running and its node in reach. Running
    /// one counts as activity.
    async fn ready_to_run(&self, row: Environment) -> Result<(Environment, Runtime)> {
        let row = super::pause::Pausing::new(self.shared.clone())
            .wake(row)
            .await?;
        if row.status != Status::Running {
            return Err(EnvironmentError::conflict(
                "CONTAINER_NOT_RUNNING",
                format!("the environment is {}, not running", row.status),
            ));
        }
        let runtime = self.shared.fleet.runtime_for(&row).await?;
        self.shared.records().touch(row.id).await;
        Ok((row, runtime))
    }

    pub async fn job(&self, owner: &Principal, id: &str) -> Result<JobView> {
        let not_found = || EnvironmentError::not_found_as("JOB_NOT_FOUND", "Job not found");
        let id = Uuid::parse_str(id).map_err(|_| not_found())?;
        let row = db::exec_jobs::by_id(&self.shared.pool, id, owner.id().uuid()).await?;
        row.map(JobView::from).ok_or_else(not_found)
    }

    /// Records the job, then keeps only the owner's newest jobs: each holds up to 2 MiB of
    /// output, and the owner decides how many they make.
    async fn record_job(
        &self,
        owner: &Principal,
        row: &Environment,
        job_id: Uuid,
        request: &ExecRequest,
    ) -> Result<()> {
        let pool = &self.shared.pool;
        let user = owner.id();
        let inserted =
            db::exec_jobs::insert(pool, job_id, user.uuid(), row.id.uuid(), &json!(request)).await;
        match inserted {
            // Deleted since it was found: its jobs go with it, so this one cannot be kept.
            Err(err) if db::is_foreign_key_violation(&err, "exec_jobs_container_id_fkey") => {
                return Err(EnvironmentError::not_found());
            }
            other => other?,
        }
        let keep = self.shared.settings.retention.exec_jobs_per_user;
        match db::retention::exec_jobs_over_cap(pool, user, keep).await {
            Ok(0) => {}
            Ok(count) => tracing::debug!(%user, count, "older exec jobs removed over the cap"),
            Err(err) => tracing::warn!(error = %err, "could not trim older exec jobs"),
        }
        Ok(())
    }

    async fn run_job(&self, job: &Job, request: &ExecRequest, timeout: Duration) -> ExecResult {
        let (runtime, job_id, hostname) = (&job.runtime, job.id, job.hostname.clone());
        let container = container_name(job.row.id);
        let owners = job.row.session_vars();
        let job = job_id.simple().to_string();
        let mut command = vec![
            "sh".into(),
            "-c".into(),
            RUN.into(),
            "sandboxd-exec".into(),
            job.clone(),
        ];
        command.extend(request.command.iter().cloned());
        let spec = ExecSpec {
            command,
            // The owner's variables first, so the request's win: an environment taken from a
            // warm pool was made before its owner's variables were known.
            env: [owners, request.env.clone()].concat(),
            working_dir: request.working_dir.clone(),
            output_cap: OUTPUT_CAP,
        };
        let run = self.run_command(runtime, job_id, &container, &spec, &request.command);
        tokio::pin!(run);
        let (output, error) = tokio::select! {
            finished = &mut run => match finished {
                Ok(output) => (output, None),
                Err(err) => {
                    tracing::warn!(error = %err, job_id = %job, "exec failed in the engine");
                    (failed_output(), Some(err.public_message().to_string()))
                }
            },
            _ = tokio::time::sleep(timeout) => {
                kill(runtime, &container, &job).await;
                let message = format!("command timed out after {} s and was killed", timeout.as_secs());
                match tokio::time::timeout(AFTER_KILL, run).await {
                    Ok(Ok(output)) => (output, Some(message)),
                    _ => (failed_output(), Some(message)),
                }
            }
        };
        ExecResult {
            hostname,
            stdout: output.stdout,
            stderr: output.stderr,
            exit_code: output.exit_code,
            changed: error.is_none(),
            error,
            stdout_truncated: output.stdout_truncated,
            stderr_truncated: output.stderr_truncated,
        }
    }
}

/// Kills the command run under `key` (by run.sh or attach.sh): its process group when it
/// has one, else its process.
async fn kill(runtime: &Runtime, container: &str, key: &str) {
    let kill = ["sh", "-c", KILL, "sandboxd-kill", key]
        .map(String::from)
        .to_vec();
    if let Err(err) = runtime.exec(container, kill, Vec::new(), AFTER_KILL).await {
        tracing::warn!(error = %err, key, "could not kill a command");
    }
}

/// A command on its way to the engine of the environment's node.
struct Job {
    row: Environment,
    runtime: Runtime,
    id: Uuid,
    /// What the results name as where the command ran.
    hostname: String,
}

fn failed_output() -> ExecOutput {
    ExecOutput {
        exit_code: -1,
        ..Default::default()
    }
}
