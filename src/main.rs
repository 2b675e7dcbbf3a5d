use std::process::ExitCode;

use clap::Parser;
use sandboxd::admin::seed::AdminSeed;
use sandboxd::cli::{Cli, Command};
use sandboxd::config::Settings;
use sandboxd::startup::Application;
use sandboxd::{db, telemetry};

// glibc's malloc kept what argon2's 19 MiB hashing buffers had used (its mmap threshold rises
// after the first free): 200 sign-ups left the server at 282 MB, against 52 MB with mimalloc,
// which also serves the many small buffers of a request (rows, JSON) for less CPU. It costs
// about 15 MB more at idle.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let Cli { command, globals } = Cli::parse();
    let outcome = match command {
        None | Some(Command::Serve) => serve().await,
        Some(Command::Migrate) => migrate().await,
        Some(Command::Worker { flags }) => worker(flags).await,
        Some(client_command) => return sandboxd::cli::run(client_command, globals).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("sandboxd: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Each terminal holds two sockets (the browser's and the engine's), so the usual soft limit
/// of 1024 open files would cap a server at a few hundred terminals.
fn raise_open_files_limit() {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => tracing::debug!(limit, "open files limit"),
        Err(err) => tracing::warn!(error = %err, "could not raise the open files limit"),
    }
}

async fn serve() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    telemetry::init(settings.log_format);
    raise_open_files_limit();
    let public_url = settings.public_url.clone();
    let app = Application::build(settings).await?;
    let url = public_url.unwrap_or_else(|| format!("http://127.0.0.1:{}", app.port()));
    announce(&url, app.admin_seed());
    if let Some(port) = app.ssh_port() {
        println!("SSH into environments on port {port}: ssh ENVIRONMENT@HOST -p {port}");
    }
    app.run_until_stopped(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn worker(flags: Vec<String>) -> anyhow::Result<()> {
    let mut settings = Settings::from_env()?;
    settings.node.apply_flags(&flags)?;
    telemetry::init(settings.log_format);
    sandboxd::startup::run_workers(settings, shutdown_signal()).await
}

async fn migrate() -> anyhow::Result<()> {
    let settings = Settings::from_env()?;
    telemetry::init(settings.log_format);
    let pool = db::pool(&settings.database_url, 2)?;
    db::migrate(&pool, std::time::Duration::from_secs(30)).await?;
    println!("migrations applied");
    Ok(())
}

/// Printed for the operator, not the log collector: where to go and how to get in.
fn announce(url: &str, seed: &AdminSeed) {
    println!("sandboxd is serving on {url} (API document: {url}/api/openapi.json)");
    match seed {
        AdminSeed::Created {
            email,
            generated_password: Some(password),
        } => println!(
            "seeded admin: log in as {email} with password {password}\n\
             (generated now and shown only this once; set SANDBOXD_ADMIN_PASSWORD to choose it)"
        ),
        AdminSeed::Created { email, .. } => {
            println!("seeded admin: log in as {email} with SANDBOXD_ADMIN_PASSWORD")
        }
        AdminSeed::AlreadyThere => {
            println!("admin: log in with the admin account seeded at first start")
        }
    }
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate()).expect("SIGTERM handler installs");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = terminate.recv() => {},
    }
}
