//! HS256 access tokens. Each names a session row, which is what logout revokes.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::expiring_map::ExpiringMap;

const ISSUER: &str = "sandboxd";
/// A token's signature is checked once in this long: a client sends the same token with
/// every request (a preview's page, hundreds a second), and checking it cost more than the
/// rest of a small preview request's own work. What a signature says cannot change; the
/// expiry is checked on every use, and whether the session is live is not kept here.
const VERIFIED_FOR: Duration = Duration::from_secs(30);
/// Past this many tokens, stale ones are swept before another is kept (or it is not kept).
const VERIFIED_KEPT: usize = 10_000;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub sid: Uuid,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    verified: ExpiringMap<String, Option<Claims>>,
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        // Only HS256 is accepted: a token claiming `none` or any other algorithm fails.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            verified: ExpiringMap::new(VERIFIED_FOR, VERIFIED_KEPT),
        }
    }

    pub fn issue(&self, user_id: Uuid, session_id: Uuid, expires_at: DateTime<Utc>) -> String {
        let claims = Claims {
            sub: user_id,
            sid: session_id,
            iss: ISSUER.to_string(),
            iat: Utc::now().timestamp(),
            exp: expires_at.timestamp(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 encoding of plain claims cannot fail")
    }

    pub fn verify(&self, token: &str) -> Option<Claims> {
        let claims = match self.verified.get(token) {
            Some(known) => known,
            None => {
                let claims =
                    jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
                        .ok()
                        .map(|data| data.claims);
                self.verified.insert(token.to_string(), claims.clone());
                claims
            }
        };
        // As the decoder has it (no leeway): good through the second it names.
        claims.filter(|claims| claims.exp >= Utc::now().timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use chrono::Duration;

    fn b64(value: &serde_json::Value) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
    }

    #[test]
    fn an_issued_token_verifies() {
        let keys = JwtKeys::new(b"secret");
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let token = keys.issue(user, session, Utc::now() + Duration::minutes(5));
        let claims = keys.verify(&token).unwrap();
        assert_eq!((claims.sub, claims.sid), (user, session));
    }

    #[test]
    fn another_key_an_expired_token_and_alg_none_are_rejected() {
        let keys = JwtKeys::new(b"secret");
        let other = JwtKeys::new(b"other secret");
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let foreign = other.issue(user, session, Utc::now() + Duration::minutes(5));
        assert!(keys.verify(&foreign).is_none());
        let expired = keys.issue(user, session, Utc::now() - Duration::seconds(1));
        assert!(keys.verify(&expired).is_none());
        let claims = serde_json::json!({"sub": user, "sid": session, "iss": ISSUER,
            "iat": 0, "exp": Utc::now().timestamp() + 300});
        let unsigned = format!(
            "{}.{}.",
            b64(&serde_json::json!({"alg": "none"})),
            b64(&claims)
        );
        assert!(keys.verify(&unsigned).is_none());
    }
}
