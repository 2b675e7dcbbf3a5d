//! `POST /api/containers/{id}/exec` and `GET /api/jobs/{id}` (OSAPI).

use actix_web::{web, HttpResponse};

use super::error::ErrorBody;
use super::extract::Operator;
use crate::auth::{Principal, Scope};
use crate::environments::exec::{ExecJob, ExecRequest, JobView};
use crate::error::ApiResult;
use crate::state::AppState;

/// Runs a command in the environment to completion (or its timeout) and records it as a
/// job. Output is kept up to 1 MiB per stream, with `stdout_truncated` / `stderr_truncated`.
#[utoipa::path(post, path = "/api/containers/{id}/exec", tag = "exec", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    request_body = ExecRequest,
    responses(
        (status = 202, description = "The command ran; its results", body = ExecJob),
        (status = 400, description = "INVALID_COMMAND, INVALID_ENV, INVALID_WORKING_DIR, INVALID_TIMEOUT", body = ErrorBody),
        (status = 403, description = "The token lacks the exec scope", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_RUNNING", body = ErrorBody),
        (status = 503, description = "DOCKER_UNAVAILABLE: the engine cannot be reached; `details.job_id` names the failed job", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn exec(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    body: web::Json<ExecRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Exec)?;
    let job = state
        .environments
        .exec()
        .run(&principal, &id, body.into_inner())
        .await?;
    Ok(HttpResponse::Accepted().json(job))
}

/// A recorded exec job of the caller's.
#[utoipa::path(get, path = "/api/jobs/{id}", tag = "exec", security(("bearer" = [])),
    params(("id" = String, Path, description = "The job id")),
    responses(
        (status = 200, body = JobView),
        (status = 404, description = "JOB_NOT_FOUND", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(user_id = %principal.id()))]
pub async fn job(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    Ok(HttpResponse::Ok().json(state.environments.exec().job(&principal, &id).await?))
}
