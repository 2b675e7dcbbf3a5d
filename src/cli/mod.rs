//! The `sandboxd` command line: the server's own commands (`serve`, `worker`, `migrate`) and
//! a client of the public API (`login`, `create`, `shell`, `exec`, `cp`, ...), plus `mcp`,
//! which offers the same to agents. The client commands reach the server only through its
//! API, so they work against any sandboxd.

mod account;
mod copy;
mod create;
mod exec;
mod forward;
mod logs;
mod manage;
pub mod mcp;
mod output;
mod progress;
mod raw_terminal;
pub mod session;
mod shell;
mod snapshot;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::client::ClientError;
pub use output::Format;

#[derive(Debug, Parser)]
#[command(
    name = "sandboxd",
    version,
    about = "Sandboxed Linux dev environments: the server, and a client of its API"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub globals: Globals,
}

#[derive(Debug, clap::Args)]
pub struct Globals {
    /// The server (overrides the saved login)
    #[arg(long, global = true, env = "SANDBOXD_URL", hide_env_values = true)]
    pub url: Option<String>,
    /// An API token (overrides the saved login)
    #[arg(long, global = true, env = "SANDBOXD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// text for people, json for scripts
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = Format::Text)]
    pub output: Format,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the API with embedded workers (the default)
    Serve,
    /// Run provisioning workers only, beside one Docker engine (a node)
    Worker {
        /// --node NAME, --labels key=value,...
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        flags: Vec<String>,
    },
    /// Apply database migrations and exit
    Migrate,
    /// Log in to a server and keep the login (mode 0600)
    Login(account::LoginArgs),
    /// Forget the saved login (and revoke the token login made)
    Logout,
    /// Show who the client is logged in as
    Whoami,
    /// Create an environment, showing each stage as it happens
    Create(create::CreateArgs),
    /// List your environments
    #[command(alias = "list")]
    Ls(manage::ListArgs),
    /// Show one environment
    Inspect { name: String },
    /// Start environments
    Start { names: Vec<String> },
    /// Stop environments
    Stop { names: Vec<String> },
    /// Restart environments
    Restart { names: Vec<String> },
    /// Freeze environments' processes in place
    Pause { names: Vec<String> },
    /// Thaw paused environments
    Resume { names: Vec<String> },
    /// Delete environments
    #[command(alias = "delete")]
    Rm { names: Vec<String> },
    /// An environment's output (its first process's log)
    Logs(logs::LogsArgs),
    /// CPU, memory, disk and network use
    Stats { name: Option<String> },
    /// An interactive shell in an environment
    Shell(shell::ShellArgs),
    /// Run a command; its output streams, its exit code is this command's
    Exec(exec::ExecArgs),
    /// Copy files in or out: `cp file NAME:/path` or `cp NAME:/path file`
    Cp(copy::CopyArgs),
    /// Listen locally and tunnel each connection to a port of an environment
    PortForward(forward::ForwardArgs),
    /// Print (or open) a signed link to a port's preview
    Preview(forward::PreviewArgs),
    /// Save an environment's filesystem as a snapshot, or list and delete snapshots
    Snapshot(snapshot::SnapshotArgs),
    /// A new environment from a running one's current filesystem
    Fork(snapshot::ForkArgs),
    /// Serve the Model Context Protocol on stdio, for agents
    Mcp,
}

/// Runs a client command; errors print the API's message and code and exit non-zero.
pub async fn run(command: Command, globals: Globals) -> ExitCode {
    let json = globals.output.is_json();
    match dispatch(command, globals).await {
        Ok(code) => code,
        Err(err) => {
            if json {
                output::print_json(
                    &serde_json::json!({ "error": err.to_string(), "code": err.code() }),
                );
            } else {
                eprintln!("sandboxd: {err}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(command: Command, globals: Globals) -> Result<ExitCode, ClientError> {
    let format = globals.output;
    let client = || session::client(globals.url.as_deref(), globals.token.as_deref());
    match command {
        Command::Serve | Command::Worker { .. } | Command::Migrate => {
            unreachable!("the server's commands are run by main")
        }
        Command::Login(args) => account::login(args, globals.url.as_deref(), format).await,
        Command::Logout => account::logout(format).await,
        Command::Whoami => account::whoami(&client()?, format).await,
        Command::Create(args) => create::create(&client()?, args, format).await,
        Command::Ls(args) => manage::list(&client()?, args, format).await,
        Command::Inspect { name } => manage::inspect(&client()?, &name, format).await,
        Command::Start { names } => manage::act(&client()?, "start", &names, format).await,
        Command::Stop { names } => manage::act(&client()?, "stop", &names, format).await,
        Command::Restart { names } => manage::act(&client()?, "restart", &names, format).await,
        Command::Pause { names } => manage::act(&client()?, "pause", &names, format).await,
        Command::Resume { names } => manage::act(&client()?, "resume", &names, format).await,
        Command::Rm { names } => manage::remove(&client()?, &names, format).await,
        Command::Logs(args) => logs::logs(&client()?, args, format).await,
        Command::Stats { name } => manage::stats(&client()?, name.as_deref(), format).await,
        Command::Shell(args) => shell::shell(&client()?, args).await,
        Command::Exec(args) => exec::exec(&client()?, args, format).await,
        Command::Cp(args) => copy::copy(&client()?, args, format).await,
        Command::PortForward(args) => forward::port_forward(client()?, args).await,
        Command::Preview(args) => forward::preview(&client()?, args, format).await,
        Command::Snapshot(args) => snapshot::snapshot(&client()?, args, format).await,
        Command::Fork(args) => snapshot::fork(&client()?, args, format).await,
        Command::Mcp => mcp::serve(client()?).await,
    }
}

/// Most commands succeed or fail as a whole.
fn done() -> Result<ExitCode, ClientError> {
    Ok(ExitCode::SUCCESS)
}

/// An environment's path under `/api/containers/`.
fn environment_path(name: &str) -> String {
    format!("/api/containers/{}", crate::client::segment(name))
}
