//! `/api/containers`: create, list, read and delete one's environments.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

use super::error::ErrorBody;
use super::extract::{Creator, Operator};
use crate::auth::{Principal, Scope};
use crate::environments::labels::Selector;
use crate::environments::request::CreateContainerRequest;
use crate::environments::view::{ContainerList, ContainerView, CreatedView};
use crate::error::ApiResult;
use crate::state::AppState;

/// Accepts an environment; workers provision it in the background.
#[utoipa::path(post, path = "/api/containers", tag = "containers", security(("bearer" = [])),
    request_body = CreateContainerRequest,
    responses(
        (status = 202, body = CreatedView),
        (status = 400, description = "INVALID_NAME, UNSUPPORTED_IMAGE (with supported_images), INVALID_CUSTOM_IMAGE, IMAGE_ID_NOT_ALLOWED, REGISTRY_NOT_ALLOWED (with allowed_registries), INVALID_ROLE, INVALID_THEME, RESOURCE_BELOW_MINIMUM", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "CONTAINER_LIMIT_REACHED (with current, limit, tier, message) or INSUFFICIENT_SCOPE", body = ErrorBody),
        (status = 409, description = "CONTAINER_NAME_TAKEN", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn create(
    state: web::Data<AppState>,
    Creator(principal): Creator,
    body: web::Json<CreateContainerRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let row = state
        .environments
        .intake()
        .create(&principal, body.into_inner())
        .await?;
    Ok(HttpResponse::Accepted().json(CreatedView::from(row)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only environments with this label, `key=value`.
    label: Option<String>,
}

/// The caller's environments, newest first.
#[utoipa::path(get, path = "/api/containers", tag = "containers", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = ContainerList),
        (status = 400, description = "INVALID_LABEL_SELECTOR", body = ErrorBody),
        (status = 401, body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<ListQuery>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let records = state.environments.records();
    if let Some(label) = &query.label {
        let selector = Selector::parse(label)?;
        return Ok(HttpResponse::Ok().json(records.labelled(&principal, &selector).await?));
    }
    let body = records.listing(&principal).await?;
    Ok(HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body))
}

/// One environment by id, docker id or name.
#[utoipa::path(get, path = "/api/containers/{id}", tag = "containers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The environment's id, docker id (12 or 64 hex) or name")),
    responses(
        (status = 200, body = ContainerView),
        (status = 401, body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND, also for another user's", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn get(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let records = state.environments.records();
    let row = records.find(&principal, &id).await?;
    let down = records.down_nodes().await?;
    Ok(HttpResponse::Ok().json(ContainerView::shown(row, &down)))
}

/// Removes the environment, its container and storage, in any stage; frees its quota slot.
#[utoipa::path(delete, path = "/api/containers/{id}", tag = "containers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The environment's id, docker id or name")),
    responses(
        (status = 200, description = "Deleted: `status` deleted"),
        (status = 202, description = "Gone for its owner (no quota slot, no operations); the engine is slow or unreachable, so the container's removal finishes in the background: `status` deleting"),
        (status = 401, body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn delete(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let deletion = state.environments.records().delete(&principal, &id).await?;
    let row = deletion.row;
    if !deletion.finished {
        return Ok(HttpResponse::Accepted().json(json!({
            "id": row.id,
            "name": row.name,
            "status": "deleting",
            "message": "Environment deleted; its container is still being removed",
        })));
    }
    Ok(HttpResponse::Ok().json(json!({
        "id": row.id,
        "name": row.name,
        "status": "deleted",
        "message": "Container and its storage removed",
    })))
}
