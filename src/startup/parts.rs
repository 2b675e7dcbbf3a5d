//! The services and what runs beside them, built from settings: the adapters first, then
//! every service over them.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::admin::audit_bounds::AnonymousBudget;
use crate::admin::Admin;
use crate::auth::rate_limit::RateLimiter;
use crate::auth::{jwt::JwtKeys, lockout::Lockout, session_cache::SessionCache, Auth};
use crate::broker::events::EventBus;
use crate::broker::freezes::RedisFreezes;
use crate::broker::kv::Kv;
use crate::broker::queue::JobQueue;
use crate::broker::revocations::Revocations;
use crate::config::Settings;
use crate::connections::Connections;
use crate::egress::Guard;
use crate::environments::{exec, Environments};
use crate::health::Health;
use crate::housekeeping::Housekeeper;
use crate::metrics::Metrics;
use crate::nodes::{Fleet, Nodes};
use crate::placement::waiting::Placer;
use crate::previews::Previews;
use crate::provisioning::catalogue::Catalogue;
use crate::provisioning::{PoolFiller, Provisioner, ProvisionerParts};
use crate::runtime::{Standbys, FREEZE_LEASE};
use crate::state::AppState;
use crate::terminal::Terminals;

/// The application state and what runs beside the handlers.
pub(super) struct Parts {
    pub(super) state: AppState,
    pub(super) provisioner: Provisioner,
    pub(super) housekeeper: Housekeeper,
    pub(super) events: EventBus,
    pub(super) guard: Guard,
    pub(super) revocations: Revocations,
    pub(super) sessions: Arc<SessionCache>,
    pub(super) placer: Placer,
    pub(super) pool_filler: PoolFiller,
}

pub(super) fn build(
    settings: Settings,
    pool: sqlx::PgPool,
    jwt_secret: Vec<u8>,
) -> anyhow::Result<Parts> {
    let kv = Kv::new(&settings.redis_url, &settings.redis_prefix)?;
    let settings = Arc::new(settings);
    let fleet = Fleet::new(
        pool.clone(),
        &settings,
        Arc::new(RedisFreezes::new(kv.clone(), FREEZE_LEASE)),
    );
    let runtime = fleet.local();
    let queue = JobQueue::new(kv.clone(), &settings.node.name);
    let events = EventBus::new(kv.clone());
    let catalogue = Arc::new(
        Catalogue::parse(&settings.images, &settings.registry)?
            .with_allowed_registries(&settings.allowed_registries),
    );
    let guard = Guard::new(pool.clone(), runtime.clone(), &settings);
    let standbys = Arc::new(Standbys::new(exec::waiting_command()));
    let provisioner = Provisioner::new(ProvisionerParts {
        pool: pool.clone(),
        runtime: runtime.clone(),
        egress: guard.clone(),
        queue: queue.clone(),
        events: events.clone(),
        catalogue: catalogue.clone(),
        settings: settings.clone(),
        standbys: standbys.clone(),
    });
    let environments = Environments::new(
        pool.clone(),
        fleet.clone(),
        queue.clone(),
        events.clone(),
        catalogue.clone(),
        settings.clone(),
        standbys,
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
    let pool_filler = PoolFiller {
        provisioner: provisioner.clone(),
        kv: kv.clone(),
        every: settings.node.pool_refill_every,
    };
    let placer = Placer {
        pool: pool.clone(),
        queue: queue.clone(),
        events: events.clone(),
        settings: settings.clone(),
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
        nodes: Nodes::new(
            pool.clone(),
            runtime.clone(),
            settings.clone(),
            catalogue.clone(),
        ),
        limiter: RateLimiter::new(kv.clone()),
        metrics,
        ssh_port: None,
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
        placer,
        pool_filler,
    })
}
