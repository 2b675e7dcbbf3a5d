//! Preview links: signed, expiring, naming one environment and one port. The key is derived
//! from the server's secret for this purpose alone, so a link can never pass as a session
//! token, nor a session token as a link.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const AUDIENCE: &str = "sandboxd-preview";

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct LinkClaims {
    /// The environment.
    pub env: Uuid,
    pub port: u16,
    pub aud: String,
    pub exp: i64,
}

pub struct LinkKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl LinkKeys {
    pub fn new(server_secret: &[u8]) -> Self {
        let key = Sha256::new()
            .chain_update(b"sandboxd preview links\0")
            .chain_update(server_secret)
            .finalize();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "aud"]);
        Self {
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
            validation,
        }
    }

    pub fn sign(&self, env: Uuid, port: u16, expires_at: DateTime<Utc>) -> String {
        let claims = LinkClaims {
            env,
            port,
            aud: AUDIENCE.to_string(),
            exp: expires_at.timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 encoding of plain claims cannot fail")
    }

    pub fn verify(&self, link: &str) -> Option<LinkClaims> {
        jsonwebtoken::decode::<LinkClaims>(link, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::auth::jwt::JwtKeys;

    #[test]
    fn a_link_verifies_with_its_key_only_and_not_past_its_end() {
        let keys = LinkKeys::new(b"secret");
        let env = Uuid::new_v4();
        let link = keys.sign(env, 8000, Utc::now() + Duration::minutes(5));
        let claims = keys.verify(&link).unwrap();
        assert_eq!((claims.env, claims.port), (env, 8000));
        assert!(LinkKeys::new(b"other").verify(&link).is_none());
        let expired = keys.sign(env, 8000, Utc::now() - Duration::seconds(5));
        assert!(keys.verify(&expired).is_none());
        // A session token of the same server is no link, and a link no session token.
        let sessions = JwtKeys::new(b"secret");
        let session = sessions.issue(
            Uuid::new_v4(),
            Uuid::new_v4(),
            Utc::now() + Duration::hours(1),
        );
        assert!(keys.verify(&session).is_none());
        assert!(sessions.verify(&link).is_none());
    }
}
