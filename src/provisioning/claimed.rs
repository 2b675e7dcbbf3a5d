//! An environment that took a warm pool's member: its container exists, runs and is
//! configured, so joining its owner's network is all that is left before it is ready.

use super::stage_error::{Outcome, StageError};
use super::Provisioner;
use crate::db;
use crate::model::engine_names::container_name;
use crate::model::Environment;
use crate::runtime::RuntimeError;

impl Provisioner {
    pub(super) async fn join_claimed(&self, env: &Environment) -> Result<Outcome, StageError> {
        let container = container_name(env.id);
        let network = self.user_network(env).await?;
        // Asked together: the join is most of a claim's wait, and a member found dead
        // is made anew whether it joined or not.
        let (running, joined) = tokio::join!(
            self.runtime.is_running(&container),
            self.runtime.join_network(&container, &network)
        );
        match (joined, running) {
            (Ok(()), Ok(true)) => self.become_ready(env).await,
            // Died, or removed behind the pool's back since.
            (Ok(()), Ok(false)) | (Err(RuntimeError::NotFound(_)), _) => {
                self.make_instead(env).await
            }
            (Err(err), _) | (_, Err(err)) => Err(err.into()),
        }
    }

    /// The member is gone: the environment is made the usual way, as if no pool had had one.
    async fn make_instead(&self, env: &Environment) -> Result<Outcome, StageError> {
        tracing::warn!(environment = %env.id, "the warm pool's member was gone; making one");
        if let Err(err) = self.runtime.remove_container(&container_name(env.id)).await {
            tracing::debug!(error = %err, "no remains of the pool's member to remove");
        }
        if !db::pools::unclaim(&self.pool, env.id).await? {
            return Ok(Outcome::Abandoned);
        }
        Box::pin(self.provision(env.id)).await
    }
}
