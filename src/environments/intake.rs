//! Accepting a create: checks, the race-free quota, the row and its job, then the queue.

use chrono::{Duration, Utc};
use rand::Rng;

use super::error::{EnvironmentError, Result};
use super::request::{plan, CreateContainerRequest, Plan};
use crate::auth::Principal;
use crate::db::is_unique_violation;
use crate::db::{self, containers::NewContainer};
use crate::model::{Environment, EnvironmentId, Stage, Step};
use crate::model::{JobId, Tier};
use crate::provisioning::{announce, enqueue};

/// Attempts at a generated name before giving up on luck.
const NAME_ATTEMPTS: usize = 5;

service!(
    /// Accepting creates: checks, the race-free quota, the row and its job, then the queue.
    Intake
);

impl Intake {
    pub async fn create(
        &self,
        owner: &Principal,
        request: CreateContainerRequest,
    ) -> Result<Environment> {
        let tier = db::tiers::for_user(&self.shared.pool, owner.id().uuid())
            .await?
            .ok_or_else(|| EnvironmentError::internal("a user's tier is missing"))?;
        let plan = plan(request, &tier, &self.shared.catalogue)?;
        let attempts = if plan.name.is_some() {
            1
        } else {
            NAME_ATTEMPTS
        };
        for _ in 0..attempts {
            let name = plan.name.clone().unwrap_or_else(generated_name);
            match self.insert(owner, &tier, &plan, &name).await {
                Err(InsertError::NameTaken) if plan.name.is_none() => continue,
                Err(InsertError::NameTaken) => {
                    return Err(EnvironmentError::conflict(
                        "CONTAINER_NAME_TAKEN",
                        format!("you already have an environment named {name:?}"),
                    ))
                }
                Err(InsertError::Refused(err)) => return Err(err),
                Ok((row, job_id)) => {
                    enqueue(&self.shared.queue, job_id).await;
                    announce(
                        &self.shared.events,
                        &row,
                        Step::Stage(Stage::Validating),
                        0,
                        "Request accepted",
                    )
                    .await;
                    tracing::info!(container_id = %row.id, name = %row.name, "environment accepted");
                    return Ok(row);
                }
            }
        }
        Err(EnvironmentError::internal("could not generate a free name"))
    }

    /// Inserts the row and its job in one transaction that holds the owner's row lock, so
    /// parallel creates by one user are counted one after another.
    async fn insert(
        &self,
        owner: &Principal,
        tier: &Tier,
        plan: &Plan,
        name: &str,
    ) -> Result<(Environment, JobId), InsertError> {
        let mut tx = self.shared.pool.begin().await?;
        db::containers::lock_owner(&mut tx, owner.id()).await?;
        let current = db::users::count_containers(&mut *tx, owner.id().uuid()).await?;
        if current >= i64::from(tier.max_containers) {
            return Err(InsertError::Refused(EnvironmentError::LimitReached {
                current,
                limit: tier.max_containers,
                tier: tier.name.clone(),
            }));
        }
        let shell = serde_json::to_value(&plan.shell).expect("shell options serialise");
        let env = serde_json::json!(plan.env);
        let labels = serde_json::json!(plan.labels);
        let expires_at = tier
            .session_limit_seconds
            .map(|seconds| Utc::now() + Duration::seconds(seconds.into()));
        let inserted = db::containers::insert(
            &mut tx,
            NewContainer {
                id: EnvironmentId::random(),
                user_id: owner.id(),
                name,
                image: &plan.image,
                image_ref: &plan.image_ref,
                role: plan.role.as_deref(),
                shell: &shell,
                env: &env,
                memory_mb: plan.resources.memory_mb,
                cpu_millicores: plan.resources.cpu_shares,
                disk_mb: plan.resources.disk_mb,
                expires_at,
                labels: &labels,
            },
        )
        .await;
        let row = match inserted {
            Err(err) if is_unique_violation(&err, db::containers::NAME_KEY) => {
                return Err(InsertError::NameTaken)
            }
            other => other?,
        };
        let job_id = JobId::random();
        db::jobs::insert(&mut tx, job_id, row.id, self.shared.settings.job_attempts).await?;
        tx.commit().await?;
        Ok((row, job_id))
    }
}

enum InsertError {
    NameTaken,
    Refused(EnvironmentError),
}

impl From<sqlx::Error> for InsertError {
    fn from(err: sqlx::Error) -> Self {
        InsertError::Refused(err.into())
    }
}

/// "swift-lion-742", as Rexec names environments.
fn generated_name() -> String {
    let words = petname::petname(2, "-").unwrap_or_else(|| "quiet-harbor".into());
    format!("{words}-{}", rand::thread_rng().gen_range(100..1000))
}
