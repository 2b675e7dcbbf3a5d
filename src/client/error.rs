//! What can go wrong calling the API, printed the way a person or a script can act on it.

use reqwest::{Response, StatusCode};
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The API answered with its error body.
    #[error("{message} ({code}, HTTP {})", status.as_u16())]
    Api {
        status: StatusCode,
        code: String,
        message: String,
    },
    /// The API refused something over a socket, where there is no HTTP status.
    #[error("{message} ({code})")]
    Refused { code: String, message: String },
    /// The server could not be reached, or answered something that is not the API.
    #[error("{0}")]
    Transport(String),
    /// Something the user asked for cannot be done as asked.
    #[error("{0}")]
    Usage(String),
}

impl ClientError {
    pub fn transport(err: reqwest::Error) -> Self {
        let url = err.url().map(|url| url.to_string()).unwrap_or_default();
        if err.is_connect() {
            return Self::Transport(format!("could not reach {url}: is the server running?"));
        }
        Self::Transport(err.to_string())
    }

    pub async fn from_answer(response: Response) -> Self {
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_string);
        Self::Api {
            status,
            code: text("code").unwrap_or_else(|| "HTTP_ERROR".into()),
            message: text("error")
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string()),
        }
    }

    /// The stable code, for `--output json`.
    pub fn code(&self) -> &str {
        match self {
            Self::Api { code, .. } | Self::Refused { code, .. } => code,
            Self::Transport(_) => "UNREACHABLE",
            Self::Usage(_) => "USAGE",
        }
    }

    pub fn refused(code: &str, message: &str) -> Self {
        Self::Refused {
            code: code.to_string(),
            message: message.to_string(),
        }
    }
}
