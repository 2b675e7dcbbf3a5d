//! Who may open a preview: anyone for a public port (the edge asks the site); otherwise
//! whoever holds a pass for that environment and port (from the owner's link or a share link
//! still in force), or the owner themselves by their API credential.

use chrono::{DateTime, Duration, Utc};

use super::link::{Grant, Kind};
use super::urls::{self, Origin};
use super::{check_port, check_seconds, PreviewError, PreviewLink, Previews, Site};
use super::{DEFAULT_LINK_SECONDS, MAX_LINK_SECONDS};
use crate::auth::{Principal, Scope};
use crate::model::EnvironmentId;

/// How long a browser let in by its owner's link stays in.
const OWNER_PASS_HOURS: i64 = 12;

/// A pass, given for a link that was entered.
pub struct Entry {
    pub pass: String,
    pub expires_at: DateTime<Utc>,
}

impl Previews {
    /// A link to `port` of one of the owner's environments, for their browser.
    pub async fn link(
        &self,
        owner: &Principal,
        reference: &str,
        port: u16,
        ttl_seconds: Option<u32>,
        origin: &Origin,
    ) -> Result<PreviewLink, PreviewError> {
        check_port(port)?;
        let ttl = ttl_seconds.unwrap_or(DEFAULT_LINK_SECONDS);
        check_seconds(ttl, 1..=MAX_LINK_SECONDS)?;
        let environment = self.environments.records().find(owner, reference).await?;
        let expires_at = Utc::now() + Duration::seconds(ttl.into());
        let link = self
            .keys
            .sign(Kind::Link, environment.id.uuid(), port, None, expires_at);
        Ok(PreviewLink {
            url: urls::with_link(&origin.host_url(&self.domain, environment.id, port), &link),
            path: urls::with_link(&urls::path(environment.id, port), &link),
            port,
            expires_at,
        })
    }

    /// Trades a link to this environment and port for a pass; `NotFound` for anything else.
    pub async fn enter(
        &self,
        environment: EnvironmentId,
        port: u16,
        link: &str,
    ) -> Result<Entry, PreviewError> {
        let grant = self
            .keys
            .verify(Kind::Link, link)
            .filter(|grant| names(grant, environment, port))
            .ok_or(PreviewError::NotFound)?;
        if !self.in_force(&grant).await? {
            return Err(PreviewError::NotFound);
        }
        // A share's pass ends with the share; an owner's outlives the short link.
        let expires_at = match grant.share {
            Some(_) => DateTime::from_timestamp(grant.exp, 0).ok_or(PreviewError::NotFound)?,
            None => Utc::now() + Duration::hours(OWNER_PASS_HOURS),
        };
        let pass = self
            .keys
            .sign(Kind::Pass, grant.env, grant.port, grant.share, expires_at);
        Ok(Entry { pass, expires_at })
    }

    /// Whether one of a browser's pass cookies opens `port` of `site`.
    pub async fn admits_pass(
        &self,
        site: &Site,
        port: u16,
        passes: &[&str],
    ) -> Result<bool, PreviewError> {
        let grants = passes.iter().map(|pass| self.keys.verify(Kind::Pass, pass));
        self.any_in_force(site, port, grants).await
    }

    /// Whether a script's token opens `port` of `site`: `None` when it is no link or pass
    /// of ours (then it may be an API credential), checked once.
    pub async fn admits_token(
        &self,
        site: &Site,
        port: u16,
        token: &str,
    ) -> Result<Option<bool>, PreviewError> {
        let grants = [Kind::Pass, Kind::Link].map(|kind| self.keys.verify(kind, token));
        if grants.iter().all(Option::is_none) {
            return Ok(None);
        }
        Ok(Some(
            self.any_in_force(site, port, grants.into_iter()).await?,
        ))
    }

    async fn any_in_force(
        &self,
        site: &Site,
        port: u16,
        grants: impl Iterator<Item = Option<Grant>>,
    ) -> Result<bool, PreviewError> {
        for grant in grants.flatten() {
            if names(&grant, site.environment, port) && self.in_force(&grant).await? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The owner opens their own previews by their API credential, with the read scope.
    pub fn owned_by(&self, site: &Site, caller: &Principal) -> bool {
        caller.id() == site.owner && caller.has(Scope::Read)
    }

    async fn in_force(&self, grant: &Grant) -> Result<bool, PreviewError> {
        let Some(share) = grant.share else {
            return Ok(true);
        };
        if let Some(known) = self.shares_in_force.get(&share) {
            return Ok(known);
        }
        let in_force = crate::db::previews::share_in_force(&self.pool, share).await?;
        self.shares_in_force.insert(share, in_force);
        Ok(in_force)
    }
}

fn names(grant: &Grant, environment: EnvironmentId, port: u16) -> bool {
    grant.env == environment.uuid() && grant.port == port
}
