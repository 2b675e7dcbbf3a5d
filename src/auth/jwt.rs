//! HS256 access tokens. Each names a session row, which is what logout revokes.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const ISSUER: &str = "sandboxd";

#[derive(Debug, Serialize, Deserialize)]
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
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
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
