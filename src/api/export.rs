//! Compose export: `POST /api/containers/{id}/export[/preview]` and
//! `POST /api/containers/batch/export[/preview]`, as JSON or (`?format=zip`) a zip download.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::ErrorBody;
use super::extract::Operator;
use crate::auth::Scope;
use crate::environments::export::{self, BatchExportRequest, ExportOptions, ExportView};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct FormatQuery {
    /// json (default) or zip
    format: Option<String>,
}

/// Exports one environment as a Compose file, offered as a download.
#[utoipa::path(post, path = "/api/containers/{id}/export", tag = "export", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name"), FormatQuery),
    request_body(content = Option<ExportOptions>, description = "All fields default to true"),
    responses(
        (status = 200, body = ExportView, description = "JSON, or a zip with `?format=zip`"),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_READY: still provisioning, or failed before its container was made", body = ErrorBody),
        (status = 500, description = "EXPORT_FAILED", body = ErrorBody),
        (status = 503, description = "DOCKER_UNAVAILABLE", body = ErrorBody),
    ))]
pub async fn one(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    query: web::Query<FormatQuery>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let options = options(&body)?;
    let view = state
        .environments
        .export()
        .one(&principal, &id, &options)
        .await?;
    respond(view, query.format.as_deref(), true, false)
}

/// The same as export, shown rather than downloaded.
#[utoipa::path(post, path = "/api/containers/{id}/export/preview", tag = "export", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name")),
    request_body(content = Option<ExportOptions>, description = "All fields default to true"),
    responses(
        (status = 200, body = ExportView),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_READY: still provisioning, or failed before its container was made", body = ErrorBody),
        (status = 500, description = "EXPORT_FAILED", body = ErrorBody),
        (status = 503, description = "DOCKER_UNAVAILABLE", body = ErrorBody),
    ))]
pub async fn one_preview(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let options = options(&body)?;
    let view = state
        .environments
        .export()
        .one(&principal, &id, &options)
        .await?;
    respond(view, None, false, false)
}

/// Exports several environments as one stack; 206 with warnings when some could not be.
#[utoipa::path(post, path = "/api/containers/batch/export", tag = "export", security(("bearer" = [])),
    params(FormatQuery),
    request_body = BatchExportRequest,
    responses(
        (status = 200, body = ExportView, description = "JSON, or a zip with `?format=zip`"),
        (status = 206, body = ExportView, description = "Some environments failed; see warnings"),
        (status = 400, description = "EMPTY_CONTAINER_LIST, INVALID_STACK_NAME", body = ErrorBody),
        (status = 404, description = "ALL_CONTAINERS_FAILED", body = ErrorBody),
    ))]
pub async fn batch(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    query: web::Query<FormatQuery>,
    body: web::Json<BatchExportRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let exported = state.environments.export().batch(&principal, &body).await?;
    respond(
        exported.view,
        query.format.as_deref(),
        true,
        exported.partial,
    )
}

/// The same as batch export, shown rather than downloaded.
#[utoipa::path(post, path = "/api/containers/batch/export/preview", tag = "export", security(("bearer" = [])),
    request_body = BatchExportRequest,
    responses(
        (status = 200, body = ExportView),
        (status = 206, body = ExportView, description = "Some environments failed; see warnings"),
        (status = 404, description = "ALL_CONTAINERS_FAILED", body = ErrorBody),
    ))]
pub async fn batch_preview(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    body: web::Json<BatchExportRequest>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let exported = state.environments.export().batch(&principal, &body).await?;
    respond(exported.view, None, false, exported.partial)
}

/// The options from a body that may be empty.
fn options(body: &[u8]) -> ApiResult<ExportOptions> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ExportOptions::default());
    }
    serde_json::from_slice(body).map_err(|err| {
        ApiError::bad_request("INVALID_JSON", format!("invalid export options: {err}"))
    })
}

fn respond(
    view: ExportView,
    format: Option<&str>,
    download: bool,
    partial: bool,
) -> ApiResult<HttpResponse> {
    let mut response = if partial {
        HttpResponse::PartialContent()
    } else {
        HttpResponse::Ok()
    };
    match format.unwrap_or("json") {
        "json" => {
            if download {
                response.insert_header(attachment(&view.filename.replace(".yaml", ".json")));
            }
            Ok(response.json(view))
        }
        "zip" => {
            let name = view.filename.replace("-compose.yaml", ".zip");
            let archive = export::zip(&view).map_err(|err| {
                ApiError::new(
                    actix_web::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "EXPORT_FAILED",
                    format!("could not build the zip: {err}"),
                )
            })?;
            Ok(response
                .content_type("application/zip")
                .insert_header(attachment(&name))
                .body(archive))
        }
        other => Err(ApiError::bad_request(
            "INVALID_FORMAT",
            format!("format must be json or zip, not {other:?}"),
        )),
    }
}

fn attachment(filename: &str) -> (header::HeaderName, String) {
    (
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{filename}\""),
    )
}
