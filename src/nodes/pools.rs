//! Warm pools as admins manage them: per node, which catalogue image, role and tier shape to
//! keep ready, and how many. The node's own workers make and replace the members.

use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::Nodes;
use crate::db;
use crate::db::pools::NewPool;
use crate::model::{Pool, ROLE_WHEN_NONE};
use crate::provisioning::catalogue::{self, CUSTOM};

/// Members a pool may keep: enough for a burst, few enough that a typing mistake cannot
/// fill a node with idle environments.
pub const MAX_POOL_SIZE: i32 = 100;

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewPoolRequest {
    pub node: String,
    /// A catalogue name; `debian:bookworm` when absent.
    pub image: Option<String>,
    /// `barebone` when absent.
    pub role: Option<String>,
    /// The tier whose default limits the members get; `free` when absent.
    pub tier: Option<String>,
    /// How many to keep ready, 0 to 100.
    pub size: i32,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PoolResize {
    pub size: i32,
}

#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("no pool has id {0}")]
    NotFound(Uuid),
    #[error("no node is named {0:?}")]
    NodeNotFound(String),
    #[error("no tier is named {0:?}")]
    TierNotFound(String),
    #[error("{message}")]
    Invalid { code: &'static str, message: String },
    #[error("node {0:?} already has a pool of that image, role and tier: resize it instead")]
    Exists(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

type Result<T> = std::result::Result<T, PoolError>;

impl Nodes {
    pub async fn pools(&self) -> Result<Vec<Pool>> {
        Ok(db::pools::list(&self.pool, None).await?)
    }

    pub async fn pool(&self, id: Uuid) -> Result<Pool> {
        db::pools::list(&self.pool, Some(id))
            .await?
            .pop()
            .ok_or(PoolError::NotFound(id))
    }

    pub async fn add_pool(&self, request: NewPoolRequest) -> Result<Pool> {
        let catalogue = &self.catalogue;
        let image = request.image.unwrap_or_else(|| "debian:bookworm".into());
        let role = request.role.unwrap_or_else(|| ROLE_WHEN_NONE.into());
        let tier = request.tier.unwrap_or_else(|| "free".into());
        if image == CUSTOM || catalogue.reference(&image).is_none() {
            return Err(invalid(
                "UNSUPPORTED_IMAGE",
                format!("{image:?} is not in the image catalogue: pools hold catalogue images"),
            ));
        }
        if !catalogue::is_role(&role) {
            return Err(invalid("INVALID_ROLE", format!("unknown role {role:?}")));
        }
        check_size(request.size)?;
        self.get(&request.node)
            .await
            .map_err(|_| PoolError::NodeNotFound(request.node.clone()))?;
        let id = Uuid::new_v4();
        let new = NewPool {
            id,
            node: &request.node,
            image: &image,
            role: &role,
            tier: &tier,
            size: request.size,
        };
        match db::pools::insert(&self.pool, new).await {
            Err(err) if db::is_unique_violation(&err, "pools_node_image_role_tier_key") => {
                return Err(PoolError::Exists(request.node));
            }
            Err(err) if db::is_foreign_key_violation(&err, "pools_tier_fkey") => {
                return Err(PoolError::TierNotFound(tier));
            }
            Err(err) if db::is_foreign_key_violation(&err, "pools_node_fkey") => {
                return Err(PoolError::NodeNotFound(request.node));
            }
            other => other?,
        }
        self.pool(id).await
    }

    /// A smaller pool drops its extra members at the node's next round; 0 empties it.
    pub async fn resize_pool(&self, id: Uuid, size: i32) -> Result<Pool> {
        check_size(size)?;
        if !db::pools::resize(&self.pool, id, size).await? {
            return Err(PoolError::NotFound(id));
        }
        self.pool(id).await
    }

    /// Its members' containers are removed by the node's housekeeping.
    pub async fn remove_pool(&self, id: Uuid) -> Result<()> {
        match db::pools::delete(&self.pool, id).await? {
            true => Ok(()),
            false => Err(PoolError::NotFound(id)),
        }
    }
}

fn check_size(size: i32) -> Result<()> {
    match (0..=MAX_POOL_SIZE).contains(&size) {
        true => Ok(()),
        false => Err(invalid(
            "INVALID_POOL_SIZE",
            format!("size must be 0 to {MAX_POOL_SIZE}"),
        )),
    }
}

fn invalid(code: &'static str, message: String) -> PoolError {
    PoolError::Invalid { code, message }
}
