//! Builds the application from settings: adapters, services, the HTTP server.

use std::future::Future;
use std::net::TcpListener;
use std::time::Duration;

use actix_web::dev::Server;

use rand::RngCore;

use crate::admin::seed::{ensure_admin, AdminSeed};

use crate::config::Settings;
use crate::db;
use crate::ssh::SshEdge;
use crate::state::AppState;

mod parts;
mod server;

use parts::build;
use server::http_server;

const MIGRATION_PATIENCE: Duration = Duration::from_secs(30);

pub struct Application {
    port: u16,
    ssh_port: Option<u16>,
    server: Server,
    state: AppState,
    admin_seed: AdminSeed,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let pool = db::pool(&settings.database_url, settings.database_max_connections)?;
        db::migrate(&pool, MIGRATION_PATIENCE).await?;
        let jwt_secret = jwt_secret(&pool, &settings).await?;
        let admin_seed = ensure_admin(&pool, &settings).await?;
        let parts = build(settings, pool, jwt_secret)?;
        tokio::spawn(parts.events.clone().run(parts.state.shutdown.clone()));
        let (connections, sessions) = (parts.state.connections.clone(), parts.sessions);
        let heard = move |revocation| {
            connections.heard(revocation);
            sessions.forget(revocation);
        };
        tokio::spawn(
            parts
                .revocations
                .listen(heard, parts.state.shutdown.clone()),
        );
        if parts.state.settings.workers > 0 {
            // Its engine is a node like any other: the one a one-machine deployment has,
            // registered before the first create looks for a node.
            let nodes = parts.state.nodes.clone();
            let registered = nodes.register().await;
            if registered {
                nodes.adopt().await;
            }
            tokio::spawn(nodes.keep_registered(registered, parts.state.shutdown.clone()));
            parts.guard.install().await?;
            tokio::spawn(parts.guard.run(parts.state.shutdown.clone()));
            tokio::spawn(parts.pool_filler.run(parts.state.shutdown.clone()));
        }
        parts
            .provisioner
            .spawn_workers(parts.state.settings.workers, &parts.state.shutdown);
        tokio::spawn(parts.housekeeper.run(parts.state.shutdown.clone()));
        tokio::spawn(parts.placer.run(parts.state.shutdown.clone()));
        let mut state = parts.state;
        let listener = TcpListener::bind(&state.settings.bind)
            .map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", state.settings.bind))?;
        let port = listener.local_addr()?.port();
        // Bound before the HTTP edge starts, so its pages can name the port people ssh to.
        let ssh = SshEdge::bind(&state).await?;
        let ssh_port = ssh.as_ref().map(SshEdge::port);
        state.ssh_port = ssh_port;
        if let Some(ssh) = ssh {
            tokio::spawn(ssh.serve());
        }
        let server = http_server(state.clone(), listener)?;
        Ok(Self {
            port,
            ssh_port,
            server,
            state,
            admin_seed,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The SSH edge's port, unless it is switched off.
    pub fn ssh_port(&self) -> Option<u16> {
        self.ssh_port
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn admin_seed(&self) -> &AdminSeed {
        &self.admin_seed
    }

    /// Serves until `shutdown` resolves, then stops accepting, cancels every long-lived task
    /// and waits for in-flight requests up to the shutdown timeout.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let handle = self.server.handle();
        let cancel = self.state.shutdown.clone();
        tokio::spawn(async move {
            shutdown.await;
            tracing::info!("shutdown requested: draining requests and closing connections");
            cancel.cancel();
            handle.stop(true).await;
        });
        self.server.await
    }
}

pub async fn run_workers(
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let pool = db::pool(&settings.database_url, settings.database_max_connections)?;
    db::migrate(&pool, MIGRATION_PATIENCE).await?;
    let jwt_secret = jwt_secret(&pool, &settings).await?;
    let count = settings.workers.max(1);
    let parts = build(settings, pool, jwt_secret)?;
    let stop = parts.state.shutdown.clone();
    parts.guard.install().await?;
    tokio::spawn(parts.guard.run(stop.clone()));
    let nodes = parts.state.nodes.clone();
    let registered = nodes.register().await;
    tokio::spawn(nodes.keep_registered(registered, stop.clone()));
    let handles = parts.provisioner.spawn_workers(count, &stop);
    tokio::spawn(parts.housekeeper.run(stop.clone()));
    tokio::spawn(parts.pool_filler.run(stop.clone()));
    shutdown.await;
    tracing::info!("shutdown requested: stopping workers");
    stop.cancel();
    for handle in handles {
        let _ = handle.await;
    }
    Ok(())
}

/// The configured secret, or one generated once and shared by every replica through Postgres.
async fn jwt_secret(pool: &sqlx::PgPool, settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &settings.jwt_secret {
        return Ok(secret.as_bytes().to_vec());
    }
    let mut candidate = vec![0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut candidate);
    Ok(db::secrets::get_or_create(pool, "jwt", &candidate).await?)
}
