//! Previews: the domain their hosts are named under (`{port}-{environment}.{domain}`).

use super::Env;

#[derive(Clone, Debug)]
pub struct PreviewSettings {
    /// A wildcard DNS name pointing at this server. `*.localhost` resolves to the loopback
    /// in browsers and curl, so the default works on one machine with no DNS at all.
    pub domain: String,
}

impl PreviewSettings {
    pub(super) fn from_env(env: &Env<'_>) -> anyhow::Result<Self> {
        let domain: String = env.get("SANDBOXD_PREVIEW_DOMAIN", "preview.localhost".to_string())?;
        let domain = domain.trim().trim_matches('.').to_ascii_lowercase();
        anyhow::ensure!(
            !domain.is_empty() && !domain.contains(['/', ':', ' ']),
            "SANDBOXD_PREVIEW_DOMAIN must be a domain name such as preview.example.com"
        );
        Ok(Self { domain })
    }
}
