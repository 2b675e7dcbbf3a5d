//! SSH keys: added and deleted by their owner, and the way in for the SSH edge, which finds
//! the signed-in user by the key a client proved it holds.

use std::borrow::Cow;

use russh::keys::{HashAlg, PublicKey};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError, ValidationErrors};

use super::error::{AuthError, Result};
use super::{Auth, Credential, Principal, Scope};
use crate::db::{self, is_unique_violation, ssh_keys::NewSshKey};
use crate::model::{Revocation, SshKey};

/// Keys one user may hold: plenty for every machine they work from, and a bound on a table
/// anyone signed in can write to.
pub const MAX_KEYS_PER_USER: usize = 50;
/// A 16384-bit RSA key is under 3 KB in OpenSSH's form; anything much longer is not a key.
const MAX_KEY_TEXT: u64 = 8 * 1024;

#[derive(Debug, Deserialize, Validate, ToSchema)]
pub struct AddSshKeyRequest {
    #[validate(length(min = 1, max = 64, message = "must be 1 to 64 characters"))]
    #[schema(example = "laptop")]
    pub name: String,
    /// One line as in `~/.ssh/id_ed25519.pub`: algorithm, base64 key, optional comment.
    #[validate(length(min = 1, max = "MAX_KEY_TEXT", message = "must be one public key line"))]
    #[schema(example = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0... me@laptop")]
    pub public_key: String,
}

/// A public key read from its OpenSSH line, and what is stored of it.
#[derive(Debug)]
pub struct ParsedKey {
    pub algorithm: String,
    pub fingerprint: String,
    pub openssh: String,
}

/// Reads one OpenSSH public key line; the error says what is wrong for the caller to fix.
pub fn parse_public_key(text: &str) -> Result<ParsedKey, ValidationErrors> {
    let refuse = |message: &'static str| {
        let mut errors = ValidationErrors::new();
        errors.add(
            "public_key",
            ValidationError::new("ssh_key").with_message(Cow::Borrowed(message)),
        );
        errors
    };
    let line = text.trim();
    if line.lines().count() != 1 {
        return Err(refuse("must be exactly one public key line"));
    }
    if line.starts_with("-----BEGIN") {
        return Err(refuse(
            "this is a private key: paste the .pub file's line instead",
        ));
    }
    let mut key = PublicKey::from_openssh(line).map_err(|_| {
        refuse("not an OpenSSH public key (expected e.g. \"ssh-ed25519 AAAA... comment\")")
    })?;
    key.set_comment("");
    let openssh = key
        .to_openssh()
        .map_err(|_| refuse("this key cannot be written back in OpenSSH's form"))?;
    Ok(ParsedKey {
        algorithm: key.algorithm().as_str().to_string(),
        fingerprint: fingerprint(&key),
        openssh,
    })
}

/// SHA-256 of the key's wire form, as `ssh-keygen -l` prints it.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

impl Auth {
    pub async fn add_ssh_key(
        &self,
        owner: &Principal,
        request: AddSshKeyRequest,
    ) -> Result<SshKey> {
        request.validate()?;
        let parsed = parse_public_key(&request.public_key)?;
        let user_id = owner.id().uuid();
        if db::ssh_keys::list(&self.pool, user_id).await?.len() >= MAX_KEYS_PER_USER {
            return Err(AuthError::TooManySshKeys(MAX_KEYS_PER_USER));
        }
        let added = db::ssh_keys::insert(
            &self.pool,
            NewSshKey {
                user_id,
                name: request.name.trim(),
                algorithm: &parsed.algorithm,
                fingerprint: &parsed.fingerprint,
                public_key: &parsed.openssh,
            },
        )
        .await;
        match added {
            Err(err) if is_unique_violation(&err, db::ssh_keys::FINGERPRINT_KEY) => {
                Err(AuthError::Taken {
                    code: "SSH_KEY_EXISTS",
                    message: "this public key is already registered",
                })
            }
            other => Ok(other?),
        }
    }

    pub async fn list_ssh_keys(&self, owner: &Principal) -> Result<Vec<SshKey>> {
        Ok(db::ssh_keys::list(&self.pool, owner.id().uuid()).await?)
    }

    /// Another user's key is reported as not found, exactly like a missing one. SSH
    /// connections it signed in close at once.
    pub async fn delete_ssh_key(&self, owner: &Principal, id: Uuid) -> Result<()> {
        if !db::ssh_keys::delete(&self.pool, id, owner.id().uuid()).await? {
            return Err(AuthError::SshKeyNotFound);
        }
        self.connections.revoke(Revocation::SshKey(id)).await;
        Ok(())
    }

    /// The user a verified key belongs to, with the scopes of a session of theirs; `None`
    /// for a key nobody registered, or whose user may no longer act.
    pub async fn authenticate_ssh_key(&self, key: &PublicKey) -> Result<Option<Principal>> {
        let Some(found) = db::ssh_keys::principal(&self.pool, &fingerprint(key)).await? else {
            return Ok(None);
        };
        let pool = self.pool.clone();
        let key_id = found.key_id;
        tokio::spawn(async move {
            if let Err(err) = db::ssh_keys::touch(&pool, key_id).await {
                tracing::warn!(error = %err, "could not record ssh key use");
            }
        });
        Ok(Some(Principal {
            scopes: Scope::allowed_for_role(&found.user.role),
            user: found.user,
            credential: Credential::SshKey(key_id),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl me@laptop";

    #[test]
    fn a_key_line_is_read_with_its_fingerprint_and_without_its_comment() {
        let parsed = parse_public_key(&format!("  {ED25519}\n")).unwrap();
        assert_eq!(parsed.algorithm, "ssh-ed25519");
        assert!(parsed.fingerprint.starts_with("SHA256:"));
        assert!(!parsed.openssh.contains("me@laptop"));
        assert!(ED25519.starts_with(&parsed.openssh));
    }

    #[test]
    fn what_is_not_one_public_key_line_is_refused() {
        for bad in [
            "",
            "ssh-ed25519",
            "ssh-ed25519 not-base64!",
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            &format!("{ED25519}\n{ED25519}"),
        ] {
            let refused = parse_public_key(bad).unwrap_err();
            assert!(refused.field_errors().contains_key("public_key"), "{bad:?}");
        }
    }
}
