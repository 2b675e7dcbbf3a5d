//! The stages of provisioning. Each is recorded in Postgres before it runs and is safe to run
//! again, so a job taken over from a dead worker resumes at the stage it was in.

use super::progress::announce;
use super::stage_error::{Outcome, StageError};
use super::Provisioner;
use crate::db;
use crate::model::engine_names::{container_name, network_name};
use crate::model::{Environment, EnvironmentId, Stage, Status, Step};

impl Provisioner {
    pub async fn provision(&self, container_id: EnvironmentId) -> Result<Outcome, StageError> {
        let Some(env) = db::containers::by_id(&self.pool, container_id).await? else {
            return Ok(Outcome::Abandoned);
        };
        if env.status != Status::Creating {
            return Ok(Outcome::Abandoned);
        }
        let resume_at = env.stage;
        if resume_at == Stage::Configuring && db::pools::from_pool(&self.pool, env.id).await? {
            return self.join_claimed(&env).await;
        }
        // The image pulling found, so that creating need not look for it again.
        let mut image = None;
        for stage in Stage::ALL
            .iter()
            .copied()
            .filter(|stage| *stage >= resume_at)
        {
            if stage == Stage::Ready {
                return self.become_ready(&env).await;
            }
            if !self
                .record(&env, stage, stage.progress(), stage.message())
                .await?
            {
                return Ok(Outcome::Abandoned);
            }
            let carry_on = match stage {
                Stage::Validating => self.validate(&env).await?,
                Stage::Pulling => {
                    image = self.pull(&env).await?;
                    image.is_some()
                }
                Stage::Creating => self.create_container(&env, image.take()).await?,
                Stage::Starting => self.start(&env).await?,
                Stage::Configuring => return Ok(Outcome::AwaitingReport(Box::new(env))),
                Stage::Ready => unreachable!("handled above"),
            };
            if !carry_on {
                return Ok(Outcome::Abandoned);
            }
        }
        Ok(Outcome::Ready)
    }

    async fn record(
        &self,
        env: &Environment,
        stage: Stage,
        progress: i32,
        message: &str,
    ) -> Result<bool, StageError> {
        let recorded =
            db::containers::record_stage(&self.pool, env.id, stage, progress, message).await?;
        if recorded {
            announce(&self.events, env, Step::Stage(stage), progress, message).await;
        }
        Ok(recorded)
    }

    /// An engine that is down shows at the first call of the next stage, as transient.
    async fn validate(&self, env: &Environment) -> Result<bool, StageError> {
        if !super::catalogue::is_valid_reference(&env.image_ref) {
            return Err(StageError::Permanent(format!(
                "{:?} is not a valid image reference",
                env.image_ref
            )));
        }
        Ok(true)
    }

    /// The prebuilt role image when there is one, the plain image otherwise. A fork or a
    /// snapshot keeps its catalogue name but runs its own image, never the role image.
    pub(super) fn candidates(&self, env: &Environment) -> Vec<String> {
        let mut candidates = Vec::new();
        let catalogue_image = self.catalogue.reference(&env.image) == Some(env.image_ref.as_str());
        if let Some(role_image) = self
            .catalogue
            .role_image(&env.image, env.role.as_deref())
            .filter(|_| catalogue_image)
        {
            candidates.push(role_image);
        }
        candidates.push(env.image_ref.clone());
        candidates
    }

    /// The image to create the container from, once it is present; `None` when the
    /// environment went away meanwhile.
    async fn pull(&self, env: &Environment) -> Result<Option<String>, StageError> {
        let mut transient = false;
        for reference in self.candidates(env) {
            if self.runtime.image_present(&reference).await? {
                let recorded = self
                    .record(env, Stage::Pulling, 45, "Image already present")
                    .await?;
                return Ok(recorded.then_some(reference));
            }
            let mut reported = 0;
            let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<i32>();
            let pull = self.runtime.pull(&reference, move |share| {
                let _ = sender.send(15 + (share * 30.0) as i32);
            });
            tokio::pin!(pull);
            let outcome = loop {
                tokio::select! {
                    outcome = &mut pull => break outcome,
                    Some(progress) = receiver.recv() => {
                        // Every 5 % is enough to watch and keeps the writes few.
                        if progress >= reported + 5 {
                            reported = progress;
                            let message = format!("Pulling {reference}...");
                            if !self.record(env, Stage::Pulling, progress, &message).await? {
                                return Ok(None);
                            }
                        }
                    }
                }
            };
            match outcome {
                Ok(()) => {
                    self.record_pull(env, &reference).await?;
                    return Ok(Some(reference.clone()));
                }
                Err(err) => {
                    tracing::warn!(error = %err, image = %reference, "pull failed");
                    transient |= err.is_transient();
                }
            }
        }
        // One answer whatever the registry said: its words would tell a tenant which ports
        // answer on the addresses the engine reaches.
        let message = format!(
            "image {} could not be pulled: it does not exist, or its registry refused or \
             could not be reached",
            env.image_ref
        );
        Err(if transient {
            StageError::Transient(message)
        } else {
            StageError::Permanent(message)
        })
    }

    async fn start(&self, env: &Environment) -> Result<bool, StageError> {
        let name = container_name(env.id);
        let network = network_name(env.user_id);
        match self.runtime.start_container(&name).await {
            Ok(()) => {}
            // The engine checks the network only here. One this process has seen may have
            // been removed by someone else since: made again once, in place.
            Err(err) if err.to_string().contains(&network) => {
                self.runtime.forget_network(&network);
                self.user_network(env).await?;
                self.runtime.start_container(&name).await?;
            }
            Err(err) => return Err(err.into()),
        }
        Ok(true)
    }

    /// The container's first process applies the role and shell options as it boots; this
    /// waits for its report, then marks the environment ready.
    pub(super) async fn finish_configuring(
        &self,
        env: &Environment,
    ) -> Result<Outcome, StageError> {
        let container = container_name(env.id);
        tokio::select! {
            waited = self.wait_configured(&container) => {
                waited?;
                self.become_ready(env).await
            }
            // Deleted, or halted with its owner: the wait, which may be long, ends now.
            _ = self.no_longer_creating(env.id) => Ok(Outcome::Abandoned),
        }
    }

    async fn no_longer_creating(&self, id: EnvironmentId) {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            match db::containers::by_id(&self.pool, id).await {
                Ok(Some(env)) if env.status == Status::Creating => {}
                // A database that does not answer says nothing about the environment.
                Err(_) => {}
                _ => return,
            }
        }
    }

    pub(super) async fn become_ready(&self, env: &Environment) -> Result<Outcome, StageError> {
        let stage = Stage::Ready;
        let Some(stop) = db::containers::mark_ready(&self.pool, env.id, stage.message()).await?
        else {
            return Ok(Outcome::Abandoned);
        };
        announce(
            &self.events,
            env,
            Step::Stage(stage),
            stage.progress(),
            stage.message(),
        )
        .await;
        if stop {
            self.stop_once_ready(env).await;
        }
        Ok(Outcome::Ready)
    }

    /// Made to be left stopped: a failure to stop leaves it running, as a start that was
    /// not asked for, which the owner can stop; it is said in the log, not made an error.
    async fn stop_once_ready(&self, env: &Environment) {
        let name = container_name(env.id);
        if let Err(err) = self.runtime.stop_container(&name, 10).await {
            tracing::warn!(error = %err, "made to be stopped, but could not be stopped");
            return;
        }
        let stopped = [Status::Running];
        if let Err(err) =
            db::containers::set_status(&self.pool, env.id, &stopped, Status::Stopped).await
        {
            tracing::warn!(error = %err, "stopped, but the record still says running");
        }
    }
}
