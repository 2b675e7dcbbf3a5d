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

use crate::admin::audit_bounds::AnonymousBudget;
use crate::admin::seed::{ensure_admin, AdminSeed};
use crate::admin::Admin;
use crate::api::{self, errors};
use crate::auth::rate_limit::RateLimiter;
use crate::auth::{jwt::JwtKeys, lockout::Lockout, session_cache::SessionCache, Auth};
use crate::broker::events::EventBus;
use crate::broker::kv::Kv;
use crate::broker::queue::JobQueue;
use crate::broker::revocations::Revocations;
use crate::config::Settings;
use crate::connections::Connections;
use crate::db;
use crate::egress::Guard;
use crate::environments::Environments;
use crate::health::Health;
use crate::housekeeping::Housekeeper;
use crate::metrics::Metrics;
use crate::nodes::{Fleet, Nodes};
use crate::previews::Previews;
use crate::provisioning::catalogue::Catalogue;
use crate::provisioning::Provisioner;
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
            // Its engine is a node like any other: the one a one-machine deployment has.
            let nodes = parts.state.nodes.clone();
            tokio::spawn(nodes.keep_registered(parts.state.shutdown.clone()));
            parts.guard.install().await?;
            tokio::spawn(parts.guard.run(parts.state.shutdown.clone()));
        }
        parts
            .provisioner
            .spawn_workers(parts.state.settings.workers, &parts.state.shutdown);
        tokio::spawn(parts.housekeeper.run(parts.state.shutdown.clone()));
        let state = parts.state;
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
            .wrap(from_fn(api::previews::gate::divert))
            .wrap(from_fn(api::audit::audit))
            .wrap(from_fn(api::observe::observe))
            .configure(api::routes)
            .default_service(web::to(errors::route_not_found))
    })
    // Signals are ours to handle: shutdown must also stop workers and WebSockets.
    .disable_signals()
    // A streamed answer's head and first chunk go out as they come: with Nagle's algorithm
    // the chunk would wait for the client's delayed acknowledgement of the head (~40 ms).
    .tcp_nodelay(true)
    .shutdown_timeout(shutdown_timeout)
    .listen(listener)?
    .run();
    Ok(server)
}

/// The application state and what runs beside the handlers.
struct Parts {
    state: AppState,
    provisioner: Provisioner,
    housekeeper: Housekeeper,
    events: EventBus,
    guard: Guard,
    revocations: Revocations,
    sessions: Arc<SessionCache>,
}

fn build(settings: Settings, pool: sqlx::PgPool, jwt_secret: Vec<u8>) -> anyhow::Result<Parts> {
    let kv = Kv::new(&settings.redis_url, &settings.redis_prefix)?;
    let settings = Arc::new(settings);
    let fleet = Fleet::new(pool.clone(), &settings);
    let runtime = fleet.local();
    let queue = JobQueue::new(kv.clone());
    let events = EventBus::new(kv.clone());
    let catalogue = Arc::new(
        Catalogue::parse(&settings.images, &settings.registry)?
            .with_allowed_registries(&settings.allowed_registries),
    );
    let guard = Guard::new(pool.clone(), runtime.clone(), &settings);
    let provisioner = Provisioner::new(
        pool.clone(),
        runtime.clone(),
        guard.clone(),
        queue.clone(),
        events.clone(),
        catalogue.clone(),
        settings.clone(),
    );
    let environments = Environments::new(
        pool.clone(),
        fleet.clone(),
        queue,
        events.clone(),
        catalogue.clone(),
        settings.clone(),
    );
    let metrics = Arc::new(Metrics::new());
    let housekeeper = Housekeeper {
        pool: pool.clone(),
        runtime: runtime.clone(),
        environments: environments.clone(),
        settings: settings.clone(),
        events: events.clone(),
        metrics: metrics.clone(),
        kv: kv.clone(),
        every: settings.housekeeping_every,
    };
    let sessions = Arc::new(SessionCache::default());
    let revocations = Revocations::new(kv.clone());
    let connections = Connections::new(settings.connections_per_user, revocations.clone());
    let state = AppState {
        auth: Arc::new(Auth {
            pool: pool.clone(),
            keys: JwtKeys::new(&jwt_secret),
            session_ttl: settings.jwt_ttl,
            sessions: sessions.clone(),
            lockout: Lockout::new(
                RateLimiter::new(kv.clone()),
                settings.auth_rate_limit_per_account,
                settings.auth_global_failures_per_account,
            ),
            connections: connections.clone(),
        }),
        connections: connections.clone(),
        previews: Previews::new(
            &jwt_secret,
            pool.clone(),
            environments.clone(),
            fleet.clone(),
            &settings.previews.domain,
        ),
        nodes: Nodes::new(pool.clone(), runtime.clone(), settings.clone()),
        limiter: RateLimiter::new(kv.clone()),
        metrics,
        shutdown: CancellationToken::new(),
        terminals: Terminals::new(
            fleet,
            settings.terminal_grace,
            settings.terminals_per_environment,
        ),
        admin: Admin::new(
            pool.clone(),
            environments.clone(),
            runtime.clone(),
            catalogue,
            (sessions.clone(), connections),
            AnonymousBudget::new(
                settings.retention.audit_anonymous_per_address,
                settings.retention.audit_anonymous_per_minute,
            ),
        ),
        health: Health::new(pool, kv, runtime),
        environments,
        settings,
    };
    Ok(Parts {
        state,
        provisioner,
        housekeeper,
        events,
        guard,
        revocations,
        sessions,
    })
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
    tokio::spawn(parts.state.nodes.clone().keep_registered(stop.clone()));
    let handles = parts.provisioner.spawn_workers(count, &stop);
    tokio::spawn(parts.housekeeper.run(stop.clone()));
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
