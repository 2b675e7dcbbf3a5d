//! The SSH edge's host key: what clients pin in known_hosts, so it must never change under
//! them. A deployment may bring its own (a file); otherwise one is generated once and kept
//! in Postgres beside the JWT secret, so every replica behind a load balancer and every
//! restart presents the same key, with no file to copy between machines or lose.

use std::path::Path;

use anyhow::Context;
use rand::RngCore;
use russh::keys::ssh_key::private::Ed25519Keypair;
use russh::keys::ssh_key::LineEnding;
use russh::keys::PrivateKey;

use super::Auth;
use crate::db;

const SECRET_NAME: &str = "ssh_host_ed25519";

impl Auth {
    pub async fn ssh_host_key(&self, file: Option<&Path>) -> anyhow::Result<PrivateKey> {
        if let Some(path) = file {
            let text = tokio::fs::read_to_string(path)
                .await
                .with_context(|| format!("cannot read the SSH host key {}", path.display()))?;
            return PrivateKey::from_openssh(text.as_bytes()).with_context(|| {
                format!(
                    "{} is not an unencrypted OpenSSH private key",
                    path.display()
                )
            });
        }
        let mut seed = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut seed);
        let candidate = PrivateKey::from(Ed25519Keypair::from_seed(&seed))
            .to_openssh(LineEnding::LF)
            .context("cannot encode a new SSH host key")?;
        let kept = db::secrets::get_or_create(&self.pool, SECRET_NAME, candidate.as_bytes())
            .await
            .context("cannot keep the SSH host key in Postgres")?;
        PrivateKey::from_openssh(&kept).context("the SSH host key kept in Postgres is damaged")
    }
}
