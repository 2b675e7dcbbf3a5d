//! `cp`: files into and out of an environment through the files API, streamed both ways
//! with a progress bar for large files. `NAME:/path` names the environment's side.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use futures_util::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

use super::environment_path;
use super::output::{self, Format};
use crate::client::{segment, ApiClient, ClientError};

/// Files smaller than this copy without a bar.
const BAR_FROM_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, clap::Args)]
pub struct CopyArgs {
    /// A local path, or NAME:/absolute/path in an environment
    pub source: String,
    /// A local path, or NAME:/absolute/path in an environment (a trailing / means "into")
    pub destination: String,
}

/// One side of a copy.
#[derive(Debug, PartialEq, Eq)]
enum Place {
    Local(PathBuf),
    Remote { environment: String, path: String },
}

fn place(text: &str) -> Place {
    match text.split_once(':') {
        Some((environment, path)) if !environment.is_empty() && !environment.contains('/') => {
            Place::Remote {
                environment: environment.to_string(),
                path: path.to_string(),
            }
        }
        _ => Place::Local(PathBuf::from(text)),
    }
}

pub async fn copy(
    client: &ApiClient,
    args: CopyArgs,
    format: Format,
) -> Result<ExitCode, ClientError> {
    let answer = match (place(&args.source), place(&args.destination)) {
        (Place::Local(from), Place::Remote { environment, path }) => {
            upload(client, &from, &environment, &path, format).await?
        }
        (Place::Remote { environment, path }, Place::Local(to)) => {
            download(client, &environment, &path, &to, format).await?
        }
        _ => {
            return Err(ClientError::Usage(
                "one side must be local and the other NAME:/path in an environment".into(),
            ))
        }
    };
    if format.is_json() {
        output::print_json(&answer);
    }
    super::done()
}

async fn upload(
    client: &ApiClient,
    from: &Path,
    environment: &str,
    path: &str,
    format: Format,
) -> Result<Value, ClientError> {
    let local = |err: std::io::Error| ClientError::Usage(format!("{}: {err}", from.display()));
    let file = tokio::fs::File::open(from).await.map_err(local)?;
    let size = file.metadata().await.map_err(local)?.len();
    if file.metadata().await.map_err(local)?.is_dir() {
        return Err(ClientError::Usage(format!(
            "{} is a directory",
            from.display()
        )));
    }
    let path = match path.ends_with('/') {
        true => format!("{path}{}", file_name(from)?),
        false => path.to_string(),
    };
    let bar = bar(size, format);
    let counted = bar.clone();
    let body = ReaderStream::new(file).inspect(move |chunk| {
        if let Ok(chunk) = chunk {
            counted.inc(chunk.len() as u64);
        }
    });
    let url = format!(
        "{}/files?path={}",
        environment_path(environment),
        segment(&path)
    );
    let request = client
        .request(Method::POST, &url)
        .header("Content-Type", "application/octet-stream")
        .header("Content-Length", size)
        .body(reqwest::Body::wrap_stream(body));
    let answer: Value = client.json(request).await?;
    bar.finish_and_clear();
    if !format.is_json() {
        eprintln!("{} -> {environment}:{path} ({size} bytes)", from.display());
    }
    Ok(answer)
}

async fn download(
    client: &ApiClient,
    environment: &str,
    path: &str,
    to: &Path,
    format: Format,
) -> Result<Value, ClientError> {
    let url = format!(
        "{}/files?path={}",
        environment_path(environment),
        segment(path)
    );
    let response = client.send(client.request(Method::GET, &url)).await?;
    let size = response.content_length().unwrap_or(0);
    let to = match to.is_dir() {
        true => to.join(file_name(Path::new(path))?),
        false => to.to_path_buf(),
    };
    let local = |err: std::io::Error| ClientError::Usage(format!("{}: {err}", to.display()));
    // Written beside the target and renamed when whole: a broken copy leaves no half file.
    let partial = to.with_extension("sandboxd-partial");
    let mut file = tokio::fs::File::create(&partial).await.map_err(local)?;
    let bar = bar(size, format);
    let mut chunks = response.bytes_stream();
    let mut written = 0u64;
    while let Some(chunk) = chunks.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(err) => {
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(ClientError::transport(err));
            }
        };
        file.write_all(&chunk).await.map_err(local)?;
        written += chunk.len() as u64;
        bar.inc(chunk.len() as u64);
    }
    file.flush().await.map_err(local)?;
    file.sync_all().await.map_err(local)?;
    tokio::fs::rename(&partial, &to).await.map_err(local)?;
    bar.finish_and_clear();
    if !format.is_json() {
        eprintln!("{environment}:{path} -> {} ({written} bytes)", to.display());
    }
    Ok(json!({ "path": to, "size": written }))
}

fn file_name(path: &Path) -> Result<String, ClientError> {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .ok_or_else(|| ClientError::Usage(format!("{} names no file", path.display())))
}

/// A byte counter on a terminal for large files; hidden otherwise.
fn bar(size: u64, format: Format) -> ProgressBar {
    if format.is_json() || size < BAR_FROM_BYTES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(size);
    bar.set_style(
        ProgressStyle::with_template(
            "[{bar:30.cyan/blue}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar
}

#[cfg(test)]
mod tests {
    use super::{place, Place};
    use std::path::PathBuf;

    #[test]
    fn a_name_and_colon_make_the_environments_side() {
        assert_eq!(
            place("dev:/root/a b.txt"),
            Place::Remote {
                environment: "dev".into(),
                path: "/root/a b.txt".into()
            }
        );
        assert_eq!(place("./dev:x"), Place::Local(PathBuf::from("./dev:x")));
        assert_eq!(
            place("report.csv"),
            Place::Local(PathBuf::from("report.csv"))
        );
    }
}
