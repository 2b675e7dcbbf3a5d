//! A public key its owner signs in to the SSH edge with, as the owner sees it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Clone, Debug, Serialize, ToSchema, sqlx::FromRow)]
pub struct SshKey {
    pub id: Uuid,
    #[schema(example = "laptop")]
    pub name: String,
    #[schema(example = "ssh-ed25519")]
    pub algorithm: String,
    /// SHA-256 of the key, as `ssh-keygen -l` prints it.
    #[schema(example = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s")]
    pub fingerprint: String,
    /// The key in OpenSSH's one-line form, without a comment.
    pub public_key: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}
