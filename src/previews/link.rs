//! Preview tokens: signed, expiring, naming one environment and one port (and the share
//! they came from, if any). A *link* is handed out to enter a preview; entering trades it
//! for a *pass*, kept in a cookie of that preview alone. The key is derived from the
//! server's secret for this purpose only, so neither passes as a session token, nor a
//! session token as either; and the audiences keep a link from serving as a pass.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::expiring_map::ExpiringMap;

/// As for session tokens (see `auth::jwt`): a browser sends its pass with every request of
/// a page, so its signature is checked once in this long, and its expiry on every use.
const VERIFIED_FOR: Duration = Duration::from_secs(30);
const VERIFIED_KEPT: usize = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Link,
    Pass,
}

impl Kind {
    fn audience(self) -> &'static str {
        match self {
            Kind::Link => "sandboxd-preview-link",
            Kind::Pass => "sandboxd-preview-pass",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Grant {
    /// The environment.
    pub env: Uuid,
    pub port: u16,
    /// The share link this came from; its revocation ends the grant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Uuid>,
    pub exp: i64,
}

#[derive(Serialize, Deserialize)]
struct Claims {
    #[serde(flatten)]
    grant: Grant,
    aud: String,
}

pub struct LinkKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    links: Validation,
    passes: Validation,
    verified: ExpiringMap<String, Verified>,
}

/// What a token's signature says it is: a link, a pass, or neither.
#[derive(Clone)]
struct Verified {
    link: Option<Grant>,
    pass: Option<Grant>,
}

impl LinkKeys {
    pub fn new(server_secret: &[u8]) -> Self {
        let key = Sha256::new()
            .chain_update(b"sandboxd preview links\0")
            .chain_update(server_secret)
            .finalize();
        let validation = |kind: Kind| {
            let mut validation = Validation::new(Algorithm::HS256);
            validation.leeway = 0;
            validation.set_audience(&[kind.audience()]);
            validation.set_required_spec_claims(&["exp", "aud"]);
            validation
        };
        Self {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
            links: validation(Kind::Link),
            passes: validation(Kind::Pass),
            verified: ExpiringMap::new(VERIFIED_FOR, VERIFIED_KEPT),
        }
    }

    pub fn sign(
        &self,
        kind: Kind,
        env: Uuid,
        port: u16,
        share: Option<Uuid>,
        expires_at: DateTime<Utc>,
    ) -> String {
        let claims = Claims {
            grant: Grant {
                env,
                port,
                share,
                exp: expires_at.timestamp(),
            },
            aud: kind.audience().to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 encoding of plain claims cannot fail")
    }

    pub fn verify(&self, kind: Kind, token: &str) -> Option<Grant> {
        let verified = match self.verified.get(token) {
            Some(known) => known,
            None => {
                let verified = Verified {
                    link: self.decode(Kind::Link, token),
                    pass: self.decode(Kind::Pass, token),
                };
                self.verified.insert(token.to_string(), verified.clone());
                verified
            }
        };
        let grant = match kind {
            Kind::Link => verified.link,
            Kind::Pass => verified.pass,
        };
        // As the decoder has it (no leeway): good through the second it names.
        grant.filter(|grant| grant.exp >= Utc::now().timestamp())
    }

    fn decode(&self, kind: Kind, token: &str) -> Option<Grant> {
        let validation = match kind {
            Kind::Link => &self.links,
            Kind::Pass => &self.passes,
        };
        jsonwebtoken::decode::<Claims>(token, &self.decoding, validation)
            .ok()
            .map(|data| data.claims.grant)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::auth::jwt::JwtKeys;

    #[test]
    fn a_token_verifies_with_its_key_and_kind_only_and_not_past_its_end() {
        let keys = LinkKeys::new(b"secret");
        let (env, share) = (Uuid::new_v4(), Some(Uuid::new_v4()));
        let soon = Utc::now() + Duration::minutes(5);
        let link = keys.sign(Kind::Link, env, 8000, share, soon);
        let grant = keys.verify(Kind::Link, &link).unwrap();
        assert_eq!((grant.env, grant.port, grant.share), (env, 8000, share));
        assert!(keys.verify(Kind::Pass, &link).is_none());
        let pass = keys.sign(Kind::Pass, env, 8000, None, soon);
        assert!(keys.verify(Kind::Link, &pass).is_none());
        assert_eq!(keys.verify(Kind::Pass, &pass).unwrap().share, None);
        assert!(LinkKeys::new(b"other").verify(Kind::Link, &link).is_none());
        let expired = keys.sign(
            Kind::Link,
            env,
            8000,
            None,
            Utc::now() - Duration::seconds(5),
        );
        assert!(keys.verify(Kind::Link, &expired).is_none());
        // A session token of the same server is no link, and a link no session token.
        let sessions = JwtKeys::new(b"secret");
        let session = sessions.issue(Uuid::new_v4(), Uuid::new_v4(), soon);
        assert!(keys.verify(Kind::Link, &session).is_none());
        assert!(keys.verify(Kind::Pass, &session).is_none());
        assert!(sessions.verify(&link).is_none());
    }
}
