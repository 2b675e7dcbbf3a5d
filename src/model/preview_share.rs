//! A share link to a port of an environment as its owner sees it; `url` is the link itself,
//! signed again from the record each time it is shown.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct PreviewShare {
    pub id: Uuid,
    pub port: i32,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Opens the port in a browser until the share expires or is revoked.
    #[sqlx(skip)]
    pub url: String,
}
