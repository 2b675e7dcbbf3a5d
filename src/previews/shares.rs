//! Making ports public and sharing them by links that expire and can be revoked.

use chrono::{Duration, Utc};
use uuid::Uuid;

use super::link::Kind;
use super::urls::{self, Origin};
use super::{check_port, check_seconds, PreviewError, Previews};
use super::{MAX_SHARE_SECONDS, MIN_SHARE_SECONDS};
use crate::auth::Principal;
use crate::db;
use crate::model::PreviewShare;

impl Previews {
    /// Opens `port` to anyone (or closes it again to all but the owner).
    pub async fn set_public(
        &self,
        owner: &Principal,
        reference: &str,
        port: u16,
        public: bool,
    ) -> Result<(), PreviewError> {
        check_port(port)?;
        let environment = self.environments.records().find(owner, reference).await?;
        db::previews::set_public(&self.pool, environment.id.uuid(), port, public).await?;
        self.forget_site(environment.id);
        Ok(())
    }

    pub async fn share(
        &self,
        owner: &Principal,
        reference: &str,
        port: u16,
        ttl_seconds: u32,
        origin: &Origin,
    ) -> Result<PreviewShare, PreviewError> {
        check_port(port)?;
        check_seconds(ttl_seconds, MIN_SHARE_SECONDS..=MAX_SHARE_SECONDS)?;
        let environment = self.environments.records().find(owner, reference).await?;
        let expires_at = Utc::now() + Duration::seconds(ttl_seconds.into());
        let share =
            db::previews::insert_share(&self.pool, environment.id.uuid(), port, expires_at).await?;
        Ok(self.with_url(share, environment.id.uuid(), origin))
    }

    pub async fn shares(
        &self,
        owner: &Principal,
        reference: &str,
        origin: &Origin,
    ) -> Result<Vec<PreviewShare>, PreviewError> {
        let environment = self.environments.records().find(owner, reference).await?;
        let shares = db::previews::shares(&self.pool, environment.id.uuid()).await?;
        Ok(shares
            .into_iter()
            .map(|share| self.with_url(share, environment.id.uuid(), origin))
            .collect())
    }

    pub async fn revoke_share(
        &self,
        owner: &Principal,
        reference: &str,
        share: Uuid,
    ) -> Result<(), PreviewError> {
        let environment = self.environments.records().find(owner, reference).await?;
        if !db::previews::revoke_share(&self.pool, share, environment.id.uuid()).await? {
            return Err(PreviewError::NotFound);
        }
        self.shares_in_force.remove(&share);
        Ok(())
    }

    fn with_url(
        &self,
        mut share: PreviewShare,
        environment: Uuid,
        origin: &Origin,
    ) -> PreviewShare {
        let port = u16::try_from(share.port).unwrap_or_default();
        let link = self.keys.sign(
            Kind::Link,
            environment,
            port,
            Some(share.id),
            share.expires_at,
        );
        let base = origin.host_url(&self.domain, environment.into(), port);
        share.url = urls::with_link(&base, &link);
        share
    }
}
