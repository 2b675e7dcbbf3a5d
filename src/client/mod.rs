//! sandboxd's public API as a client sees it: what the command-line client and the MCP server
//! talk to, over HTTP(S) and WebSockets, with a bearer token. Nothing here reaches into the
//! server's own services: a client may run against any sandboxd.

mod error;
mod socket;

use reqwest::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub use error::ClientError;
pub use socket::{Socket, SocketMessage};

/// Where the API is and who calls it.
#[derive(Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl ApiClient {
    pub fn new(base: &str, token: Option<String>) -> Result<Self, ClientError> {
        let base = base.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(ClientError::Usage(format!(
                "the server's URL must start with http:// or https://, not {base:?}"
            )));
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!("sandboxd-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| ClientError::Transport(err.to_string()))?;
        Ok(Self { http, base, token })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// A request to `path` (from `/api/...`) with the caller's token.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let builder = self.http.request(method, format!("{}{path}", self.base));
        match &self.token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.json(self.request(Method::GET, path)).await
    }

    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ClientError> {
        self.json(self.request(Method::POST, path).json(body)).await
    }

    /// A call whose answer may be empty (204): its JSON, or `null`.
    pub async fn call(&self, method: Method, path: &str) -> Result<Value, ClientError> {
        let response = self.send(self.request(method, path)).await?;
        let bytes = response.bytes().await.map_err(ClientError::transport)?;
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|err| ClientError::Transport(err.to_string()))
    }

    pub async fn json<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
    ) -> Result<T, ClientError> {
        self.send(request)
            .await?
            .json()
            .await
            .map_err(ClientError::transport)
    }

    /// Sends, and turns an answer outside 2xx into the API's error.
    pub async fn send(&self, request: RequestBuilder) -> Result<Response, ClientError> {
        let response = request.send().await.map_err(ClientError::transport)?;
        if response.status().is_success() {
            return Ok(response);
        }
        Err(ClientError::from_answer(response).await)
    }

    /// A WebSocket to `path` (from `/ws/...`), the token in its `Authorization` header.
    pub async fn socket(&self, path: &str) -> Result<Socket, ClientError> {
        Socket::connect(&self.base, path, self.token.as_deref()).await
    }
}

/// A path segment: names and ids are the user's own text.
pub fn segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                encoded.push(byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_keep_names_and_encode_the_rest() {
        assert_eq!(segment("dev-1.x"), "dev-1.x");
        assert_eq!(segment("a b/c?"), "a%20b%2Fc%3F");
        assert_eq!(segment("é"), "%C3%A9");
    }

    #[test]
    fn a_url_needs_a_scheme() {
        assert!(ApiClient::new("127.0.0.1:8080", None).is_err());
        let client = ApiClient::new("http://127.0.0.1:8080/", None).expect("valid");
        assert_eq!(client.base(), "http://127.0.0.1:8080");
    }
}
