//! `login`, `logout`, `whoami`.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use reqwest::Method;
use serde_json::{json, Value};

use super::output::{self, Format};
use super::session::{self, SavedLogin, DEFAULT_URL};
use crate::client::{segment, ApiClient, ClientError};

/// How long a token made by `login` lasts.
const LOGIN_TOKEN_DAYS: u32 = 90;

#[derive(Debug, clap::Args)]
pub struct LoginArgs {
    /// The server (default: the saved one, else http://127.0.0.1:8080)
    pub server: Option<String>,
    /// Your username or email (asked for when not given)
    #[arg(long, short)]
    pub user: Option<String>,
    /// Read the password from stdin instead of asking for it
    #[arg(long)]
    pub password_stdin: bool,
    /// Log in with an existing API token instead of a password (`-` reads it from stdin)
    #[arg(long = "with-token", value_name = "TOKEN")]
    pub with_token: Option<String>,
}

/// With a password, makes an API token for this client (read, write, exec) and keeps that:
/// a password is never stored, and `logout` can revoke what login made.
pub async fn login(
    args: LoginArgs,
    url_flag: Option<&str>,
    format: Format,
) -> Result<ExitCode, ClientError> {
    let saved = session::load()?;
    let url = args
        .server
        .or(url_flag.map(str::to_string))
        .or(saved.map(|login| login.url))
        .unwrap_or_else(|| DEFAULT_URL.to_string());
    let login = match args.with_token {
        Some(token) => with_token(&url, token).await?,
        None => with_password(&url, args.user, args.password_stdin).await?,
    };
    let path = session::save(&login)?;
    let user = login.username.clone().unwrap_or_default();
    if format.is_json() {
        output::print_json(&json!({ "url": login.url, "username": user, "config": path }));
    } else {
        let home = std::env::var("HOME").unwrap_or_default();
        let shown = path.display().to_string();
        let shown = match shown.strip_prefix(&home) {
            Some(rest) if !home.is_empty() => format!("~{rest}"),
            _ => shown,
        };
        println!("Logged in to {} as {user} (saved in {shown})", login.url);
    }
    super::done()
}

async fn with_token(url: &str, token: String) -> Result<SavedLogin, ClientError> {
    let token = if token == "-" {
        read_line(&mut std::io::stdin().lock())?
    } else {
        token
    };
    let client = ApiClient::new(url, Some(token.clone()))?;
    let me: Value = client.get("/api/me").await?;
    Ok(SavedLogin {
        url: client.base().to_string(),
        token,
        token_id: None,
        username: me["user"]["username"].as_str().map(str::to_string),
    })
}

async fn with_password(
    url: &str,
    user: Option<String>,
    password_stdin: bool,
) -> Result<SavedLogin, ClientError> {
    let user = match user {
        Some(user) => user,
        None => prompt("Username or email: ")?,
    };
    let password = if password_stdin {
        read_line(&mut std::io::stdin().lock())?
    } else if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password: ")
            .map_err(|err| ClientError::Usage(format!("could not read the password: {err}")))?
    } else {
        return Err(ClientError::Usage(
            "no terminal to ask for a password: use --password-stdin or --with-token".into(),
        ));
    };
    let anonymous = ApiClient::new(url, None)?;
    let session: Value = anonymous
        .post(
            "/api/auth/login",
            &json!({ "login": user, "password": password }),
        )
        .await?;
    let jwt = session["token"].as_str().unwrap_or_default().to_string();
    let signed_in = ApiClient::new(url, Some(jwt))?;
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "this machine".into());
    let made: Value = signed_in
        .post(
            "/api/tokens",
            &json!({
                "name": format!("sandboxd CLI on {host}"),
                "scopes": ["read", "write", "exec"],
                "expires_in_days": LOGIN_TOKEN_DAYS,
            }),
        )
        .await?;
    let _ = signed_in.call(Method::POST, "/api/auth/logout").await;
    let username = session["user"]["username"].as_str().map(str::to_string);
    Ok(SavedLogin {
        url: signed_in.base().to_string(),
        token: made["token"].as_str().unwrap_or_default().to_string(),
        token_id: made["id"].as_str().map(str::to_string),
        username: username.or(Some(user)),
    })
}

pub async fn logout(format: Format) -> Result<ExitCode, ClientError> {
    let Some(saved) = session::load()? else {
        if !format.is_json() {
            println!("Not logged in");
        }
        return super::done();
    };
    if let Some(id) = &saved.token_id {
        let client = ApiClient::new(&saved.url, Some(saved.token.clone()))?;
        let path = format!("/api/tokens/{}", segment(id));
        match client.call(Method::DELETE, &path).await {
            // Already revoked or expired: forgetting it is all that is left to do.
            Ok(_) | Err(ClientError::Api { .. }) => {}
            Err(err) => eprintln!("sandboxd: could not revoke the login's token: {err}"),
        }
    }
    session::forget()?;
    if format.is_json() {
        output::print_json(&json!({ "logged_out": saved.url }));
    } else {
        println!("Logged out of {}", saved.url);
    }
    super::done()
}

pub async fn whoami(client: &ApiClient, format: Format) -> Result<ExitCode, ClientError> {
    let me: Value = client.get("/api/me").await?;
    if format.is_json() {
        output::print_json(&me);
    } else {
        let field = |key: &str| output::field(&me["user"], key);
        println!(
            "{} <{}> on {}",
            field("username"),
            field("email"),
            client.base()
        );
        let scopes = output::field(&me, "scopes");
        println!(
            "role {}, tier {}, scopes {scopes}",
            field("role"),
            field("tier")
        );
    }
    super::done()
}

fn prompt(question: &str) -> Result<String, ClientError> {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    read_line(&mut std::io::stdin().lock())
}

fn read_line(input: &mut impl BufRead) -> Result<String, ClientError> {
    let mut line = String::new();
    input
        .read_line(&mut line)
        .map_err(|err| ClientError::Usage(format!("could not read stdin: {err}")))?;
    let line = line.trim_end_matches(['\r', '\n']).to_string();
    if line.is_empty() {
        return Err(ClientError::Usage("nothing was given on stdin".into()));
    }
    Ok(line)
}
