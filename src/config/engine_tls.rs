//! How this process reaches engines over TCP: with mutual TLS when the three files are set.
//! An engine's API is root on its host, so a `tcp://` engine without TLS is for a trusted
//! network only; `http://` says so explicitly.

use std::path::PathBuf;

use super::Env;

/// The files of mutual TLS: the authority that signed the engines' certificates, and this
/// process's own certificate and key, which the engines check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineTls {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

const VARIABLES: [&str; 3] = [
    "SANDBOXD_ENGINE_TLS_CA",
    "SANDBOXD_ENGINE_TLS_CERT",
    "SANDBOXD_ENGINE_TLS_KEY",
];

impl EngineTls {
    /// All three set, or none: one or two alone would leave engines reached in plain text
    /// by a deployment that meant them not to be.
    pub(super) fn from_env(env: &Env<'_>) -> anyhow::Result<Option<Self>> {
        let [ca, cert, key] = VARIABLES.map(|name| env.optional(name).map(PathBuf::from));
        match (ca, cert, key) {
            (Some(ca), Some(cert), Some(key)) => Ok(Some(Self { ca, cert, key })),
            (None, None, None) => Ok(None),
            _ => anyhow::bail!("{} are set together or not at all", VARIABLES.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(pairs: &[(&str, &str)]) -> anyhow::Result<Option<EngineTls>> {
        let lookup = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        };
        EngineTls::from_env(&Env { lookup: &lookup })
    }

    #[test]
    fn the_three_files_are_set_together_or_not_at_all() {
        assert_eq!(read(&[]).unwrap(), None);
        let all = read(&[
            ("SANDBOXD_ENGINE_TLS_CA", "/certs/ca.pem"),
            ("SANDBOXD_ENGINE_TLS_CERT", "/certs/cert.pem"),
            ("SANDBOXD_ENGINE_TLS_KEY", "/certs/key.pem"),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(all.key, PathBuf::from("/certs/key.pem"));
        assert!(read(&[("SANDBOXD_ENGINE_TLS_CA", "/certs/ca.pem")]).is_err());
    }
}
