//! Files in an environment (Rexec's files API, with move and stat beyond it):
//! `GET|POST|DELETE /api/containers/{id}/files`, `GET .../files/list`, `GET .../files/stat`,
//! `POST .../files/mkdir`, `POST .../files/move`. Bodies stream both ways.

pub mod download;
pub mod upload;

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::error::ErrorBody;
use super::extract::Operator;
use crate::auth::Scope;
use crate::environments::files::{Done, FileInfo, FilePath, Listing};
use crate::error::ApiResult;
use crate::state::AppState;

pub use download::download;
pub use upload::upload;

#[derive(Debug, Deserialize, IntoParams)]
pub struct PathQuery {
    /// Absolute path inside the environment.
    path: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MkdirRequest {
    /// Absolute path; missing parents are made too.
    path: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MoveRequest {
    from: String,
    /// The new path, or an existing directory to move into.
    to: String,
}

/// A directory's entries, one level deep. Works on a stopped environment too.
#[utoipa::path(get, path = "/api/containers/{id}/files/list", tag = "files", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name"), PathQuery),
    responses(
        (status = 200, body = Listing),
        (status = 400, description = "INVALID_PATH, NOT_A_DIRECTORY", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND, FILE_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_READY", body = ErrorBody),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    query: web::Query<PathQuery>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let handle = state.environments.files().open(&principal, &id).await?;
    let path = FilePath::parse(&query.path)?;
    Ok(HttpResponse::Ok().json(handle.list(&path).await?))
}

/// One file, directory or symlink (not followed).
#[utoipa::path(get, path = "/api/containers/{id}/files/stat", tag = "files", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name"), PathQuery),
    responses(
        (status = 200, body = FileInfo),
        (status = 400, description = "INVALID_PATH", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND, FILE_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_READY", body = ErrorBody),
    ))]
pub async fn stat(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    query: web::Query<PathQuery>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let handle = state.environments.files().open(&principal, &id).await?;
    let path = FilePath::parse(&query.path)?;
    Ok(HttpResponse::Ok().json(handle.stat(&path).await?))
}

/// Makes a directory and its missing parents; one already there is left as it is.
#[utoipa::path(post, path = "/api/containers/{id}/files/mkdir", tag = "files", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    request_body = MkdirRequest,
    responses(
        (status = 200, body = Done),
        (status = 400, description = "INVALID_PATH", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "FILE_EXISTS, CONTAINER_NOT_READY, FILE_OPERATION_REFUSED", body = ErrorBody),
        (status = 507, description = "DISK_QUOTA_EXCEEDED", body = ErrorBody),
    ))]
pub async fn mkdir(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    body: web::Json<MkdirRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let handle = state.environments.files().open(&principal, &id).await?;
    let path = FilePath::parse(&body.path)?;
    Ok(HttpResponse::Ok().json(handle.mkdir(&path).await?))
}

/// Deletes a file, or a directory with everything in it. Needs the environment running.
#[utoipa::path(delete, path = "/api/containers/{id}/files", tag = "files", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name"), PathQuery),
    responses(
        (status = 200, body = Done),
        (status = 400, description = "INVALID_PATH", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND, FILE_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_RUNNING, CONTAINER_NOT_READY, DELETE_FAILED", body = ErrorBody),
    ))]
pub async fn delete(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    query: web::Query<PathQuery>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let handle = state.environments.files().open(&principal, &id).await?;
    let path = FilePath::parse(&query.path)?;
    Ok(HttpResponse::Ok().json(handle.delete(&path).await?))
}

/// Moves or renames, as `mv` does. Needs the environment running.
#[utoipa::path(post, path = "/api/containers/{id}/files/move", tag = "files", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    request_body = MoveRequest,
    responses(
        (status = 200, body = Done),
        (status = 400, description = "INVALID_PATH", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND, FILE_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_RUNNING, CONTAINER_NOT_READY, MOVE_FAILED", body = ErrorBody),
    ))]
pub async fn rename(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    body: web::Json<MoveRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let handle = state.environments.files().open(&principal, &id).await?;
    let from = FilePath::parse(&body.from)?;
    let to = FilePath::parse(&body.to)?;
    Ok(HttpResponse::Ok().json(handle.rename(&from, &to).await?))
}
