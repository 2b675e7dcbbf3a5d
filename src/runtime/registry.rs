//! The deployment's image registry, through its HTTP API (Docker Registry v2): what the
//! engines cannot do for us, deleting an image from it.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Empty;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use super::{split_reference, RuntimeError};

const TIMEOUT: Duration = Duration::from_secs(10);

/// Deletes the manifest `digest` of `reference`'s repository, and with it the tags that
/// name it; one already gone is no error. The registry frees the layers at its next
/// garbage collection. Plain HTTP, as engines speak to a registry on a loopback address.
pub async fn delete_manifest(reference: &str, digest: &str) -> Result<(), RuntimeError> {
    let (repository, _) = split_reference(reference);
    let Some((host, path)) = repository.split_once('/') else {
        return Err(RuntimeError::Rejected(format!(
            "{reference} names no registry"
        )));
    };
    let uri = format!("http://{host}/v2/{path}/manifests/{digest}");
    let request = hyper::Request::delete(&uri)
        .body(Empty::<Bytes>::new())
        .map_err(|err| RuntimeError::Rejected(err.to_string()))?;
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(TIMEOUT));
    let client = Client::builder(TokioExecutor::new()).build(connector);
    let response = tokio::time::timeout(TIMEOUT, client.request(request))
        .await
        .map_err(|_| RuntimeError::Unavailable(format!("the registry at {host} did not answer")))?
        .map_err(|err| RuntimeError::Unavailable(format!("registry {host}: {err}")))?;
    match response.status().as_u16() {
        200..=299 | 404 => Ok(()),
        status => Err(RuntimeError::Unavailable(format!(
            "registry {host} answered {status} to deleting {reference}"
        ))),
    }
}
