//! `GET /api/containers/{id}/files`: a file's bytes as the engine streams them, with their
//! size known up front, or a tar of a directory.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::super::error::ErrorBody;
use super::super::extract::Operator;
use crate::auth::Scope;
use crate::environments::files::FilePath;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct DownloadQuery {
    /// Absolute path inside the environment.
    path: String,
    /// `tar` for a tar of the path (required for a directory); the raw bytes otherwise.
    format: Option<String>,
}

/// Downloads a file (symlinks followed), or with `format=tar` a tar of a file or directory.
#[utoipa::path(get, path = "/api/containers/{id}/files", tag = "files", security(("bearer" = [])),
    params(("id" = String, Path, description = "Environment id, docker id or name"), DownloadQuery),
    responses(
        (status = 200, description = "The bytes, with Content-Disposition, Content-Length, X-File-Size and X-File-Mode; a tar with `format=tar`", content_type = "application/octet-stream"),
        (status = 400, description = "INVALID_PATH, IS_A_DIRECTORY, NOT_A_REGULAR_FILE, INVALID_FORMAT", body = ErrorBody),
        (status = 404, description = "CONTAINER_NOT_FOUND, FILE_NOT_FOUND", body = ErrorBody),
        (status = 409, description = "CONTAINER_NOT_READY", body = ErrorBody),
    ))]
pub async fn download(
    state: web::Data<AppState>,
    Operator(principal): Operator,
    id: web::Path<String>,
    query: web::Query<DownloadQuery>,
) -> ApiResult<HttpResponse> {
    principal.require(Scope::Read)?;
    let tar = match query.format.as_deref() {
        None | Some("" | "raw") => false,
        Some("tar") => true,
        Some(other) => {
            return Err(ApiError::bad_request(
                "INVALID_FORMAT",
                format!("format must be tar or raw, not {other:?}"),
            ))
        }
    };
    let handle = state.environments.files().open(&principal, &id).await?;
    let path = FilePath::parse(&query.path)?;
    let download = handle.download(&path, tar).await?;
    let info = download.info;
    let mut response = HttpResponse::Ok();
    response
        .insert_header(("X-File-Mode", info.mode.clone()))
        .insert_header(("X-File-Size", info.size.to_string()));
    if download.tar {
        let name = format!("{}.tar", info.name.trim_matches('/'));
        response
            .content_type("application/x-tar")
            .insert_header(attachment(if name == ".tar" { "root.tar" } else { &name }));
        return Ok(response.streaming(download.body));
    }
    response
        .content_type("application/octet-stream")
        .insert_header(attachment(&info.name))
        .no_chunking(info.size);
    Ok(response.streaming(download.body))
}

/// `attachment` with an ASCII name for old clients and the exact UTF-8 one (RFC 6266).
fn attachment(name: &str) -> (header::HeaderName, String) {
    let plain: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    (
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_safely_and_given_exactly() {
        let (_, value) = attachment("a \"b\" ü.txt");
        assert_eq!(
            value,
            "attachment; filename=\"a _b_ _.txt\"; filename*=UTF-8''a%20%22b%22%20%C3%BC.txt"
        );
    }
}
