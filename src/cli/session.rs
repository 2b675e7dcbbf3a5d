//! Who the client is: a saved login (the user's config directory, mode 0600), overridden by
//! `SANDBOXD_URL` and `SANDBOXD_TOKEN` so scripts and CI need no `login` step.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::client::{ApiClient, ClientError};

pub const DEFAULT_URL: &str = "http://127.0.0.1:8080";

/// What `login` keeps.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SavedLogin {
    pub url: String,
    pub token: String,
    /// The API token `login` made from a password, revoked again by `logout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
}

/// Where the saved login lives: `$SANDBOXD_CONFIG`, else the XDG config directory.
pub fn config_path() -> Result<PathBuf, ClientError> {
    if let Some(path) = std::env::var_os("SANDBOXD_CONFIG") {
        return Ok(PathBuf::from(path));
    }
    let dir = match std::env::var_os("XDG_CONFIG_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(
            std::env::var_os("HOME").ok_or_else(|| ClientError::Usage("HOME is not set".into()))?,
        )
        .join(".config"),
    };
    Ok(dir.join("sandboxd").join("config.json"))
}

pub fn load() -> Result<Option<SavedLogin>, ClientError> {
    let path = config_path()?;
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|err| {
            ClientError::Usage(format!("{} is not a saved login: {err}", path.display()))
        }),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(ClientError::Usage(format!("{}: {err}", path.display()))),
    }
}

/// Writes the login readable by its owner alone, replacing any earlier one whole.
pub fn save(login: &SavedLogin) -> Result<PathBuf, ClientError> {
    let path = config_path()?;
    let failed = |err: std::io::Error| ClientError::Usage(format!("{}: {err}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(failed)?;
    }
    let temporary = path.with_extension("json.new");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&temporary)
        .map_err(failed)?;
    let body = serde_json::to_vec_pretty(login).expect("a login serialises");
    file.write_all(&body).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    std::fs::rename(&temporary, &path).map_err(failed)?;
    Ok(path)
}

pub fn forget() -> Result<bool, ClientError> {
    let path = config_path()?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(ClientError::Usage(format!("{}: {err}", path.display()))),
    }
}

/// The API client for a command: the flags or variables first, then the saved login.
pub fn client(url: Option<&str>, token: Option<&str>) -> Result<ApiClient, ClientError> {
    let saved = load()?;
    let url = url
        .map(str::to_string)
        .or_else(|| saved.as_ref().map(|login| login.url.clone()))
        .unwrap_or_else(|| DEFAULT_URL.to_string());
    let token = token
        .map(str::to_string)
        .or_else(|| saved.map(|login| login.token));
    let Some(token) = token else {
        return Err(ClientError::Usage(
            "not logged in: run `sandboxd login`, or set SANDBOXD_TOKEN".into(),
        ));
    };
    ApiClient::new(&url, Some(token))
}
