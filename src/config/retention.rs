//! How long what grows is kept, and how much of it one caller may add: the settings that
//! housekeeping's pruning and the audit log's bounds read. A retention of `0` keeps that kind
//! of row forever, for deployments that archive it themselves.

use std::time::Duration;

use super::Env;

const HOUR: u64 = 3600;
const DAY: u64 = 24 * HOUR;

#[derive(Clone, Debug)]
pub struct Retention {
    /// Finished exec jobs, with their output.
    pub exec_jobs: Option<Duration>,
    /// Exec jobs kept per user, newest first; older ones go as new ones are made.
    pub exec_jobs_per_user: i64,
    /// Audit entries of authenticated callers.
    pub audit: Option<Duration>,
    /// Audit entries of requests nobody authenticated for.
    pub audit_anonymous: Option<Duration>,
    /// Audit entries written per minute for requests without credentials, per address.
    pub audit_anonymous_per_address: u32,
    /// ... and in all, per process: many addresses cannot add up to more.
    pub audit_anonymous_per_minute: u32,
    /// Sessions, counted from their expiry or revocation.
    pub sessions: Option<Duration>,
    /// Guest accounts, counted from their expiry.
    pub guests: Option<Duration>,
    /// Environments left in `error`.
    pub errored_environments: Option<Duration>,
    /// Rows one pruning statement removes at most: each batch is its own short transaction.
    pub batch: i64,
}

impl Retention {
    pub(super) fn from_env(env: &Env<'_>) -> anyhow::Result<Self> {
        let kept = |name: &str, default: u64| -> anyhow::Result<Option<Duration>> {
            let seconds: u64 = env.get(name, default)?;
            Ok((seconds > 0).then(|| Duration::from_secs(seconds)))
        };
        Ok(Self {
            exec_jobs: kept("SANDBOXD_EXEC_JOB_RETENTION_SECONDS", DAY)?,
            exec_jobs_per_user: env.get::<i64>("SANDBOXD_EXEC_JOBS_PER_USER", 100)?.max(1),
            audit: kept("SANDBOXD_AUDIT_RETENTION_SECONDS", 90 * DAY)?,
            audit_anonymous: kept("SANDBOXD_AUDIT_ANONYMOUS_RETENTION_SECONDS", 7 * DAY)?,
            audit_anonymous_per_address: env.get("SANDBOXD_AUDIT_ANONYMOUS_PER_ADDRESS", 10)?,
            audit_anonymous_per_minute: env.get("SANDBOXD_AUDIT_ANONYMOUS_PER_MINUTE", 120)?,
            sessions: kept("SANDBOXD_SESSION_RETENTION_SECONDS", 7 * DAY)?,
            guests: kept("SANDBOXD_GUEST_RETENTION_SECONDS", DAY)?,
            errored_environments: kept("SANDBOXD_ERROR_RETENTION_SECONDS", DAY)?,
            batch: env.get::<i64>("SANDBOXD_RETENTION_BATCH", 1000)?.max(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Settings;
    use std::time::Duration;

    #[test]
    fn zero_keeps_forever_and_defaults_bound_everything() {
        let settings = Settings::from_lookup(|name| {
            (name == "SANDBOXD_AUDIT_RETENTION_SECONDS").then(|| "0".to_string())
        })
        .unwrap();
        let retention = settings.retention;
        assert_eq!(retention.audit, None);
        assert_eq!(retention.exec_jobs, Some(Duration::from_secs(86_400)));
        assert_eq!(
            retention.audit_anonymous,
            Some(Duration::from_secs(604_800))
        );
        assert!(retention.sessions.is_some() && retention.guests.is_some());
        assert!(retention.errored_environments.is_some());
    }
}
