//! Builds the application from settings: adapters, services, the HTTP server.

use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use rand::RngCore;
use tokio_util::sync::CancellationToken;

use crate::admin::seed::{ensure_admin, AdminSeed};
use crate::admin::Admin;
use crate::api::{self, errors};
use crate::auth::rate_limit::RateLimiter;
use crate::auth::{jwt::JwtKeys, session_cache::SessionCache, Auth};
use crate::config::Settings;
use crate::db;
use crate::events::EventBus;
use crate::housekeeping::Housekeeper;
use crate::kv::Kv;
use crate::metrics::Metrics;
use crate::provision::catalogue::Catalogue;
use crate::provision::Provisioner;
use crate::queue::JobQueue;
use crate::runtime::Runtime;
use crate::state::AppState;
use crate::terminal::Terminals;

const MIGRATION_PATIENCE: Duration = Duration::from_secs(30);

pub struct Application {
    port: u16,
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
        let state = build_state(settings, pool, jwt_secret)?;
        tokio::spawn(state.provisioner.events.clone().run(state.shutdown.clone()));
        state
            .provisioner
            .spawn_workers(state.settings.workers, &state.shutdown);
        tokio::spawn(housekeeper(&state).run(state.shutdown.clone()));
        let listener = TcpListener::bind(&state.settings.bind)
            .map_err(|err| anyhow::anyhow!("cannot listen on {}: {err}", state.settings.bind))?;
        let port = listener.local_addr()?.port();
        let server = http_server(state.clone(), listener)?;
        Ok(Self {
            port,
            server,
            state,
            admin_seed,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
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

fn http_server(state: AppState, listener: TcpListener) -> anyhow::Result<Server> {
    let max_body = state.settings.max_body_bytes;
    let shutdown_timeout = state.settings.shutdown_timeout.as_secs();
    let data = web::Data::new(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(errors::json_config(max_body))
            .app_data(web::PayloadConfig::new(max_body))
            .app_data(errors::path_config())
            .app_data(errors::query_config())
            .wrap(from_fn(api::audit::audit))
            .wrap(from_fn(api::observe::observe))
            .configure(api::routes)
            .default_service(web::to(errors::route_not_found))
    })
    // Signals are ours to handle: shutdown must also stop workers and WebSockets.
    .disable_signals()
    .shutdown_timeout(shutdown_timeout)
    .listen(listener)?
    .run();
    Ok(server)
}

fn housekeeper(state: &AppState) -> Housekeeper {
    Housekeeper {
        provisioner: state.provisioner.clone(),
        metrics: state.metrics.clone(),
        kv: state.kv.clone(),
        every: state.settings.housekeeping_every,
    }
}

/// Adapters and services, shared by the HTTP server and the workers.
fn build_state(
    settings: Settings,
    pool: sqlx::PgPool,
    jwt_secret: Vec<u8>,
) -> anyhow::Result<AppState> {
    let kv = Kv::new(&settings.redis_url, &settings.redis_prefix)?;
    let settings = Arc::new(settings);
    let runtime = Runtime::new(&settings.docker_host);
    let provisioner = Provisioner {
        pool: pool.clone(),
        runtime: runtime.clone(),
        queue: JobQueue::new(kv.clone()),
        events: EventBus::new(kv.clone()),
        catalogue: Arc::new(Catalogue::parse(&settings.images, &settings.registry)?),
        settings: settings.clone(),
        scripts_made: Default::default(),
        listings: Default::default(),
    };
    let sessions = Arc::new(SessionCache::default());
    Ok(AppState {
        auth: Arc::new(Auth {
            pool: pool.clone(),
            keys: JwtKeys::new(&jwt_secret),
            session_ttl: settings.jwt_ttl,
            sessions: sessions.clone(),
        }),
        limiter: RateLimiter::new(kv.clone()),
        metrics: Arc::new(Metrics::new()),
        shutdown: CancellationToken::new(),
        terminals: Terminals::new(
            runtime.clone(),
            settings.terminal_grace,
            settings.terminals_per_environment,
        ),
        runtime,
        admin: Admin {
            pool: pool.clone(),
            provisioner: provisioner.clone(),
            sessions,
        },
        provisioner,
        pool,
        kv,
        settings,
    })
}

/// `sandboxd worker`: provisioning workers alone, without the HTTP server, until `shutdown`.
pub async fn run_workers(
    settings: Settings,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let pool = db::pool(&settings.database_url, settings.database_max_connections)?;
    db::migrate(&pool, MIGRATION_PATIENCE).await?;
    let jwt_secret = jwt_secret(&pool, &settings).await?;
    let count = settings.workers.max(1);
    let state = build_state(settings, pool, jwt_secret)?;
    let handles = state.provisioner.spawn_workers(count, &state.shutdown);
    tokio::spawn(housekeeper(&state).run(state.shutdown.clone()));
    shutdown.await;
    tracing::info!("shutdown requested: stopping workers");
    state.shutdown.cancel();
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
