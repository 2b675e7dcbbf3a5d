//! Accepting a create: checks, the race-free quota, the node, the row and its job, then the
//! node's queue.

use chrono::{Duration, Utc};
use rand::Rng;

use super::error::{EnvironmentError, Result};
use super::image_choice::SNAPSHOT;
use super::pooled;
use super::request::{plan, CreateContainerRequest, Plan};
use crate::auth::{Principal, Scope};
use crate::db::is_unique_violation;
use crate::db::{self, containers::NewContainer};
use crate::model::{Environment, EnvironmentId, Stage, Step};
use crate::model::{JobId, Tier};
use crate::placement::{self, waiting, Need, Placed, Target};
use crate::provisioning::{announce, enqueue};

/// What an environment taken from a warm pool says until it has joined its network.
const CLAIMED: &str = "Taken ready from a warm pool; joining your network";

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
        mut request: CreateContainerRequest,
    ) -> Result<Environment> {
        let tier = self.tier_of(owner).await?;
        self.resolve_snapshot(owner, &mut request).await?;
        let plan = plan(request, &tier, &self.shared.catalogue)?;
        self.check_target(owner, &tier, &plan.node).await?;
        self.accept(owner, &tier, plan).await
    }

    /// Makes the row and its job for a plan whose target was checked (or, for a fork, is
    /// its parent's node), and queues it.
    pub(super) async fn accept(
        &self,
        owner: &Principal,
        tier: &Tier,
        plan: Plan,
    ) -> Result<Environment> {
        let attempts = if plan.name.is_some() {
            1
        } else {
            NAME_ATTEMPTS
        };
        for _ in 0..attempts {
            let name = plan.name.clone().unwrap_or_else(generated_name);
            match self.insert(owner, tier, &plan, &name).await {
                Err(InsertError::NameTaken) if plan.name.is_none() => continue,
                Err(InsertError::NameTaken) => {
                    return Err(EnvironmentError::conflict(
                        "CONTAINER_NAME_TAKEN",
                        format!("you already have an environment named {name:?}"),
                    ))
                }
                Err(InsertError::Refused(err)) => return Err(err),
                Ok((row, job_id)) => {
                    // One still waiting for room is queued once placed (placement::waiting).
                    if let Some(node) = &row.node {
                        enqueue(&self.shared.queue.for_node(node), job_id).await;
                    }
                    let message = row.message.as_deref().unwrap_or("Request accepted");
                    announce(
                        &self.shared.events,
                        &row,
                        Step::Stage(Stage::Validating),
                        0,
                        message,
                    )
                    .await;
                    tracing::info!(container_id = %row.id, name = %row.name, "environment accepted");
                    return Ok(row);
                }
            }
        }
        Err(EnvironmentError::internal("could not generate a free name"))
    }

    /// A create's checks (tier, request, target) without making anything: a request that
    /// many creates share is refused once, before any of them is made.
    pub async fn check(
        &self,
        owner: &Principal,
        mut request: CreateContainerRequest,
    ) -> Result<()> {
        let tier = self.tier_of(owner).await?;
        self.resolve_snapshot(owner, &mut request).await?;
        let plan = plan(request, &tier, &self.shared.catalogue)?;
        self.check_target(owner, &tier, &plan.node).await
    }

    pub(super) async fn tier_of(&self, owner: &Principal) -> Result<Tier> {
        db::tiers::for_user(&self.shared.pool, owner.id().uuid())
            .await?
            .ok_or_else(|| EnvironmentError::internal("a user's tier is missing"))
    }

    /// A target the caller's tier does not list is refused (admins may name any node); one
    /// that names no node at all is not found, at once rather than after a wait.
    async fn check_target(&self, owner: &Principal, tier: &Tier, target: &Target) -> Result<()> {
        if !owner.has(Scope::Admin) && !target.allowed_by(&tier.node_targets) {
            return Err(EnvironmentError::Forbidden {
                code: "NODE_NOT_ALLOWED",
                message: format!("your tier does not let you choose the node {target}"),
            });
        }
        if !placement::known(&self.shared.pool, target).await? {
            return Err(EnvironmentError::not_found_as(
                "NODE_NOT_FOUND",
                format!("no node is named or labelled {target}"),
            ));
        }
        Ok(())
    }

    /// Inserts the row and its job in one transaction that holds the owner's row lock, so
    /// parallel creates by one user are counted one after another; the node is chosen, and
    /// held, in the same transaction.
    async fn insert(
        &self,
        owner: &Principal,
        tier: &Tier,
        plan: &Plan,
        name: &str,
    ) -> Result<(Environment, JobId), InsertError> {
        let mut tx = self.shared.pool.begin().await?;
        db::containers::lock_owner(&mut tx, owner.id()).await?;
        // A snapshot deleted since it was resolved is not made from: its delete takes the
        // same lock, and refuses while an environment is being made from it.
        if plan.image == SNAPSHOT
            && !db::snapshots::still_there(&mut tx, owner.id(), &plan.image_ref).await?
        {
            return Err(InsertError::Refused(EnvironmentError::snapshot_not_found()));
        }
        let current = db::users::count_containers(&mut *tx, owner.id().uuid()).await?;
        if current >= i64::from(tier.max_containers) {
            return Err(InsertError::Refused(EnvironmentError::LimitReached {
                current,
                limit: tier.max_containers,
                tier: tier.name.clone(),
            }));
        }
        let need = Need {
            memory_mb: plan.resources.memory_mb.into(),
            cpu: plan.resources.cpu_shares.into(),
        };
        let down_after = self.shared.settings.node.down_after;
        // A member already holds its node's room: no placement for it.
        let claimed = pooled::claim(&mut tx, plan, down_after).await?;
        let node = match &claimed {
            Some(member) => Some(member.node.clone()),
            None => match placement::place(&mut tx, &plan.node, need, down_after).await? {
                Placed::On(node) => Some(node),
                Placed::NoRoom => None,
            },
        };
        let waiting = node.is_none().then(|| waiting::message(&plan.node, need));
        let shell = serde_json::to_value(&plan.shell).expect("shell options serialise");
        let env = serde_json::json!(plan.env);
        let labels = serde_json::json!(plan.labels);
        let workload = serde_json::to_value(&plan.workload).expect("a workload serialises");
        let expires_at = tier
            .session_limit_seconds
            .map(|seconds| Utc::now() + Duration::seconds(seconds.into()));
        let inserted = db::containers::insert(
            &mut tx,
            NewContainer {
                id: claimed
                    .as_ref()
                    .map_or_else(EnvironmentId::random, |member| member.id.into()),
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
                node: node.as_deref(),
                node_target: &plan.node.to_string(),
                message: waiting.as_deref(),
                stop_when_ready: plan.stop_when_ready,
                workload: &workload,
            },
        )
        .await;
        let row = match inserted {
            Err(err) if is_unique_violation(&err, db::containers::NAME_KEY) => {
                return Err(InsertError::NameTaken)
            }
            other => other?,
        };
        let row = match &claimed {
            Some(member) => {
                let docker_id = member.docker_id.as_deref();
                db::pools::mark_claimed(&mut tx, row.id, docker_id, CLAIMED).await?
            }
            None => row,
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

/// "swift-lion-742", as Rexec names environments (and snapshots).
pub(super) fn generated_name() -> String {
    let words = petname::petname(2, "-").unwrap_or_else(|| "quiet-harbor".into());
    format!("{words}-{}", rand::thread_rng().gen_range(100..1000))
}
