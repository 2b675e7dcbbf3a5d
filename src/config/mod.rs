//! Settings come from `SANDBOXD_*` environment variables; every one has a default that
//! matches the local stack `make run` brings up.

mod capacity;
mod engine_tls;
mod env;
mod files;
mod log_format;
mod nodes;
mod previews;
mod proxies;
mod retention;
mod ssh;

use std::time::Duration;

use env::Env;

pub use capacity::{default_pool as capacity_default_pool, Capacity};
pub use engine_tls::EngineTls;
pub use files::FileTransfers;
pub use log_format::LogFormat;
pub use nodes::NodeSettings;
pub use previews::PreviewSettings;
pub use proxies::ProxyList;
pub use retention::Retention;
pub use ssh::SshSettings;

#[derive(Clone, Debug)]
pub struct Settings {
    pub bind: String,
    pub public_url: Option<String>,
    pub database_url: String,
    pub database_max_connections: u32,
    pub redis_url: String,
    /// Every Redis key starts with this, so several deployments (or tests) can share a server.
    pub redis_prefix: String,
    pub docker_host: String,
    /// Mutual TLS for `tcp://` and `https://` engines (config/engine_tls.rs).
    pub engine_tls: Option<EngineTls>,
    pub registry: String,
    pub jwt_secret: Option<String>,
    pub jwt_ttl: Duration,
    pub admin_email: String,
    pub admin_password: Option<String>,
    pub auth_rate_limit_per_ip: u32,
    /// Failed logins a minute on one account from one address before that address waits.
    pub auth_rate_limit_per_account: u32,
    /// Failed logins a minute on one account from all addresses before everyone waits.
    pub auth_global_failures_per_account: u32,
    pub max_body_bytes: usize,
    pub shutdown_timeout: Duration,
    pub log_format: LogFormat,
    /// Whether X-Forwarded-For is read at all; see `trusted_proxies`.
    pub trust_proxy: bool,
    /// Proxies whose X-Forwarded-For entries are believed: the client is the right-most
    /// address in the chain that is not one of them.
    pub trusted_proxies: ProxyList,
    /// Public image names and the references they stand for (`name=reference,...`).
    pub images: String,
    pub pids_limit: i64,
    /// Whether `disk_mb` is enforced with `--storage-opt size` (needs btrfs, zfs or xfs).
    pub disk_quota: bool,
    /// Worker tasks inside `sandboxd serve`; 0 leaves provisioning to `sandboxd worker`.
    pub workers: usize,
    pub job_attempts: i32,
    pub job_lease: Duration,
    /// How long an environment's first process has to report that it is configured. The
    /// wait holds no worker, only a watching task.
    pub configure_timeout: Duration,
    /// Workers one user's jobs may occupy at once, across every process; 0 for no limit.
    pub workers_per_user: i64,
    /// Registries `custom_image` may name (`{registry}` is SANDBOXD_REGISTRY, `*` any).
    pub allowed_registries: String,
    /// Where the web UI's pages, assets and npm packages (xterm.js) are read from.
    pub web_dir: String,
    /// How long a terminal's shell outlives its WebSocket, waiting for a reconnect.
    pub terminal_grace: Duration,
    /// A terminal with no input for this long is closed.
    pub terminal_idle: Duration,
    pub terminals_per_environment: usize,
    /// Event streams and terminals one user may hold open at once, per API process.
    pub connections_per_user: usize,
    /// Operations on environments (lifecycle, stats, exec, export, ...) per user.
    pub container_ops_per_minute: u32,
    pub container_ops_burst: u32,
    /// Creates per user.
    pub creates_per_minute: u32,
    pub creates_burst: u32,
    /// How often expiry, idle stop and reconciliation run.
    pub housekeeping_every: Duration,
    /// Whether workers install and keep the egress firewall (and refuse to start without it).
    pub egress_firewall: bool,
    /// The iptables command; ip6tables and the restore commands are named after it.
    pub iptables: String,
    /// How often workers bring the firewall in line with the tiers' egress policies.
    pub egress_sync_every: Duration,
    /// How long what grows is kept (config/retention.rs).
    pub retention: Retention,
    /// The address pool and unused images (config/capacity.rs).
    pub capacity: Capacity,
    /// Upload limits (config/files.rs).
    pub files: FileTransfers,
    /// This process's node (config/nodes.rs).
    pub node: NodeSettings,
    /// Preview hosts (config/previews.rs).
    pub previews: PreviewSettings,
    /// config/ssh.rs
    pub ssh: SshSettings,
}

/// `{registry}` stands for `SANDBOXD_REGISTRY`.
pub const DEFAULT_IMAGES: &str = "ubuntu:24.04={registry}/sandboxd/ubuntu:24.04,\
debian:bookworm={registry}/sandboxd/debian:bookworm,\
alpine:latest={registry}/sandboxd/alpine:latest,\
archlinux:latest={registry}/sandboxd/archlinux:latest";

/// The stack's own registry and Docker Hub (where a name without a registry comes from).
pub const DEFAULT_ALLOWED_REGISTRIES: &str = "{registry},docker.io";

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can build settings without touching the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let env = Env { lookup: &lookup };
        Ok(Self {
            bind: env.get("SANDBOXD_BIND", "0.0.0.0:8080".to_string())?,
            public_url: env.optional("SANDBOXD_PUBLIC_URL"),
            database_url: env.get(
                "SANDBOXD_DATABASE_URL",
                "postgres://sandboxd:sandboxd@127.0.0.1:5433/sandboxd".to_string(),
            )?,
            database_max_connections: env.get("SANDBOXD_DATABASE_MAX_CONNECTIONS", 20)?,
            redis_url: env.get("SANDBOXD_REDIS_URL", "redis://127.0.0.1:6380/0".to_string())?,
            redis_prefix: env.get("SANDBOXD_REDIS_PREFIX", "sandboxd".to_string())?,
            docker_host: env.get(
                "SANDBOXD_DOCKER_HOST",
                "unix:///run/sandboxd/docker.sock".to_string(),
            )?,
            engine_tls: EngineTls::from_env(&env)?,
            registry: env.get("SANDBOXD_REGISTRY", "127.0.0.1:5000".to_string())?,
            jwt_secret: env.optional("SANDBOXD_JWT_SECRET"),
            jwt_ttl: Duration::from_secs(env.get("SANDBOXD_JWT_TTL_SECONDS", 86_400)?),
            admin_email: env.get("SANDBOXD_ADMIN_EMAIL", "admin@sandboxd.local".to_string())?,
            admin_password: env.optional("SANDBOXD_ADMIN_PASSWORD"),
            auth_rate_limit_per_ip: env.get("SANDBOXD_AUTH_RATE_LIMIT_PER_IP", 30)?,
            auth_rate_limit_per_account: env.get("SANDBOXD_AUTH_RATE_LIMIT_PER_ACCOUNT", 10)?,
            auth_global_failures_per_account: env
                .get("SANDBOXD_AUTH_GLOBAL_FAILURES_PER_ACCOUNT", 200)?,
            max_body_bytes: env.get("SANDBOXD_MAX_BODY_BYTES", 64 * 1024)?,
            shutdown_timeout: Duration::from_secs(
                env.get("SANDBOXD_SHUTDOWN_TIMEOUT_SECONDS", 30)?,
            ),
            log_format: env.get("SANDBOXD_LOG_FORMAT", LogFormat::Json)?,
            trust_proxy: env.get("SANDBOXD_TRUST_PROXY", false)?,
            trusted_proxies: env.get(
                "SANDBOXD_TRUSTED_PROXIES",
                "127.0.0.0/8,::1".parse().expect("loopback networks"),
            )?,
            images: env.get("SANDBOXD_IMAGES", DEFAULT_IMAGES.to_string())?,
            pids_limit: env.get("SANDBOXD_PIDS_LIMIT", 512)?,
            disk_quota: env.get("SANDBOXD_DISK_QUOTA", true)?,
            workers: env.get("SANDBOXD_WORKERS", 16)?,
            job_attempts: env.get("SANDBOXD_JOB_ATTEMPTS", 3)?,
            job_lease: Duration::from_secs(env.get("SANDBOXD_JOB_LEASE_SECONDS", 10)?),
            configure_timeout: Duration::from_secs(
                env.get("SANDBOXD_CONFIGURE_TIMEOUT_SECONDS", 900)?,
            ),
            workers_per_user: env.get("SANDBOXD_WORKERS_PER_USER", 4)?,
            allowed_registries: env.get(
                "SANDBOXD_ALLOWED_REGISTRIES",
                DEFAULT_ALLOWED_REGISTRIES.to_string(),
            )?,
            web_dir: env.get("SANDBOXD_WEB_DIR", "templates".to_string())?,
            terminal_grace: Duration::from_secs(env.get("SANDBOXD_TERMINAL_GRACE_SECONDS", 60)?),
            terminal_idle: Duration::from_secs(env.get("SANDBOXD_TERMINAL_IDLE_SECONDS", 3600)?),
            terminals_per_environment: env.get("SANDBOXD_TERMINALS_PER_ENVIRONMENT", 16)?,
            connections_per_user: env.get("SANDBOXD_CONNECTIONS_PER_USER", 32)?,
            container_ops_per_minute: env.get("SANDBOXD_CONTAINER_OPS_PER_MINUTE", 30)?,
            container_ops_burst: env.get("SANDBOXD_CONTAINER_OPS_BURST", 20)?,
            creates_per_minute: env.get("SANDBOXD_CREATES_PER_MINUTE", 10)?,
            creates_burst: env.get("SANDBOXD_CREATES_BURST", 5)?,
            housekeeping_every: Duration::from_secs_f64(
                env.get("SANDBOXD_HOUSEKEEPING_SECONDS", 10.0_f64)?.max(0.1),
            ),
            egress_firewall: env.get("SANDBOXD_EGRESS_FIREWALL", true)?,
            iptables: env.get("SANDBOXD_IPTABLES", "iptables".to_string())?,
            egress_sync_every: Duration::from_secs_f64(
                env.get("SANDBOXD_EGRESS_SYNC_SECONDS", 2.0_f64)?.max(0.1),
            ),
            retention: Retention::from_env(&env)?,
            capacity: Capacity::from_env(&env)?,
            files: FileTransfers::from_env(&env)?,
            previews: PreviewSettings::from_env(&env)?,
            node: NodeSettings::from_env(&env)?,
            ssh: SshSettings::from_env(&env)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_point_at_the_local_stack() {
        let settings = Settings::from_lookup(|_| None).unwrap();
        assert_eq!(settings.bind, "0.0.0.0:8080");
        assert_eq!(settings.redis_url, "redis://127.0.0.1:6380/0");
        assert_eq!(settings.log_format, LogFormat::Json);
    }

    #[test]
    fn a_malformed_variable_is_named_in_the_error() {
        let err = Settings::from_lookup(|name| {
            (name == "SANDBOXD_JWT_TTL_SECONDS").then(|| "soon".to_string())
        })
        .unwrap_err();
        assert!(err.to_string().contains("SANDBOXD_JWT_TTL_SECONDS"));
    }
}
