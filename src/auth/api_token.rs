//! API tokens for scripts: `sbx_` and 40 random characters (about 238 bits), shown once,
//! stored as a SHA-256 hash with a short prefix the owner can recognise it by.

use rand::distributions::Alphanumeric;
use rand::Rng;
use sha2::{Digest, Sha256};

pub const MARKER: &str = "sbx_";
const SECRET_LEN: usize = 40;
const PREFIX_LEN: usize = MARKER.len() + 8;

pub struct GeneratedToken {
    pub secret: String,
    pub prefix: String,
    pub hash: Vec<u8>,
}

pub fn generate() -> GeneratedToken {
    let random: String = rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(SECRET_LEN)
        .map(char::from)
        .collect();
    let secret = format!("{MARKER}{random}");
    GeneratedToken {
        prefix: secret[..PREFIX_LEN].to_string(),
        hash: hash(&secret),
        secret,
    }
}

pub fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// API tokens and JWTs share the Bearer header; the marker tells them apart.
pub fn is_api_token(bearer: &str) -> bool {
    bearer.starts_with(MARKER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_their_prefix_is_their_start() {
        let (a, b) = (generate(), generate());
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with(&a.prefix));
        assert_eq!(a.secret.len(), MARKER.len() + SECRET_LEN);
        assert_eq!(a.hash, hash(&a.secret));
        assert!(is_api_token(&a.secret));
    }
}
