//! `/api/ssh-keys`: the public keys that sign their owner in to the SSH edge.

use actix_web::{web, HttpResponse};
use uuid::Uuid;

use super::error::ErrorBody;
use crate::auth::ssh_keys::AddSshKeyRequest;
use crate::auth::{Principal, Scope};
use crate::error::{ApiError, ApiResult};
use crate::model::SshKey;
use crate::state::AppState;

/// Registers a public key; `ssh ENVIRONMENT@HOST` then signs in with it.
#[utoipa::path(post, path = "/api/ssh-keys", tag = "ssh", security(("bearer" = [])),
    request_body = AddSshKeyRequest,
    responses(
        (status = 201, body = SshKey),
        (status = 400, description = "VALIDATION_FAILED: no name, or not one OpenSSH public key line", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Needs write and exec; SSH_KEY_LIMIT_REACHED", body = ErrorBody),
        (status = 409, description = "SSH_KEY_EXISTS: the key is registered already", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn add(
    state: web::Data<AppState>,
    principal: Principal,
    body: web::Json<AddSshKeyRequest>,
) -> ApiResult<HttpResponse> {
    // A key signs in to shells: adding one needs what opening a shell needs, or a token
    // without the exec scope could give itself a shell that outlives it.
    principal.require(Scope::Write)?;
    principal.require(Scope::Exec)?;
    let added = state
        .auth
        .add_ssh_key(&principal, body.into_inner())
        .await?;
    tracing::info!(ssh_key_id = %added.id, fingerprint = added.fingerprint, "ssh key added");
    Ok(HttpResponse::Created().json(added))
}

/// Lists the caller's SSH keys, newest first.
#[utoipa::path(get, path = "/api/ssh-keys", tag = "ssh", security(("bearer" = [])),
    responses(
        (status = 200, body = [SshKey]),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Needs read", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn list(state: web::Data<AppState>, principal: Principal) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    Ok(HttpResponse::Ok().json(state.auth.list_ssh_keys(&principal).await?))
}

/// Deletes one of the caller's SSH keys; SSH connections it signed in close at once.
#[utoipa::path(delete, path = "/api/ssh-keys/{id}", tag = "ssh", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The key's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Needs write", body = ErrorBody),
        (status = 404, description = "SSH_KEY_NOT_FOUND, also for another user's key", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn delete(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::not_found("SSH_KEY_NOT_FOUND", "no such ssh key"))?;
    state.auth.delete_ssh_key(&principal, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
