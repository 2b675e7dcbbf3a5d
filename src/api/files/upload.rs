//! `POST /api/containers/{id}/files`: multipart parts named `file` into a directory, a raw
//! body to an exact path, or a tar unpacked (`extract=true`). A raw body with its length
//! streams straight through; parts and tars wait in a spool file, never in memory.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

use super::super::error::ErrorBody;
use super::super::extract::Operator;
use crate::auth::Scope;
use crate::environments::files::{FilePath, Files, Upload, Uploaded};
use crate::environments::EnvironmentError;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// A directory (ending in `/`) for multipart parts and tars; the file's own path for a
    /// raw body.
    path: String,
    /// Unpack the body, a tar, into `path`.
    #[serde(default)]
    extract: bool,
}

/// Uploads files. Multipart: every part named `file`, into the directory `path` under the
/// part's file name. Any other body: its bytes to the exact `path` (or, with `extract=true`,
/// a tar unpacked into the directory `path`). Missing parent directories are made; files
/// belong to the environment's user. One file answers `{message, path, size}`; several
/// answer `{message, files: [...], count}`.
#[utoipa::path(post, path = "/api/containers/{id}/files", tag = "files", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The file's bytes; or multipart/form-data with `file` parts; or a tar with extract=true"),
    responses(
        (status = 200, body = Uploaded),
        (status = 400, description = "INVALID_PATH, NO_FILES, INVALID_BODY", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_READY, FILE_OPERATION_REFUSED", body = ErrorBody),
        (status = 413, description = "PAYLOAD_TOO_LARGE: over the configured limit", body = ErrorBody),
        (status = 507, description = "DISK_QUOTA_EXCEEDED: nothing partial is left behind", body = ErrorBody),
    ))]
pub async fn upload(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    query: web::Query<UploadQuery>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Write)?;
    let files = state.environments.files();
    let handle = files.open(&principal, &id).await?;
    let path = FilePath::parse(&query.path)?;
    let limit = files.max_upload_bytes();
    let declared = declared_length(&req);
    if declared.is_some_and(|length| length > limit) {
        return Err(EnvironmentError::TooLarge { limit }.into());
    }
    let body = payload.map_err(|err| std::io::Error::other(err.to_string()));
    if query.extract {
        let tar = files.spool(body, limit).await?;
        return Ok(HttpResponse::Ok().json(handle.extract(&path, tar).await?));
    }
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    let uploads = if multipart {
        let parts = Multipart::new(req.headers(), payload_of(body));
        parts_of(&files, &path, parts, limit).await?
    } else {
        if query.path.ends_with('/') {
            return Err(ApiError::bad_request(
                "INVALID_PATH",
                "a raw upload names the file itself, not a directory ending in /",
            ));
        }
        vec![match declared {
            Some(size) => Upload {
                path,
                size,
                body: Box::pin(body),
            },
            None => files.spool(body, limit).await?.into_upload(path),
        }]
    };
    let mut written = handle.upload(uploads).await?;
    if written.len() == 1 {
        return Ok(HttpResponse::Ok().json(written.remove(0)));
    }
    Ok(HttpResponse::Ok().json(json!({
        "message": format!("{} files uploaded successfully", written.len()),
        "count": written.len(),
        "files": written,
    })))
}

/// Each `file` part spooled under its own name in the directory `dir`, within `limit` bytes
/// in all.
async fn parts_of(
    files: &Files,
    dir: &FilePath,
    mut parts: Multipart,
    limit: u64,
) -> ApiResult<Vec<Upload>> {
    let mut uploads = Vec::new();
    let mut used = 0u64;
    while let Some(part) = parts.next().await {
        let part = part.map_err(|err| ApiError::bad_request("INVALID_BODY", err.to_string()))?;
        if part.name() != Some("file") {
            continue;
        }
        let name = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(|n| n.rsplit(['/', '\\']).next().unwrap_or_default().to_string())
            .unwrap_or_default();
        let path = dir.join(&name)?;
        let spooled = files
            .spool(
                part.map_err(|err| std::io::Error::other(err.to_string())),
                limit - used,
            )
            .await?;
        used += spooled.size;
        uploads.push(spooled.into_upload(path));
    }
    if uploads.is_empty() {
        return Err(ApiError::bad_request(
            "NO_FILES",
            "no multipart part named file with a file name",
        ));
    }
    Ok(uploads)
}

fn declared_length(req: &HttpRequest) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The body as actix-multipart reads it.
fn payload_of(
    body: impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + 'static,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, actix_web::error::PayloadError>> {
    body.map_err(actix_web::error::PayloadError::Io)
}
