//! The SSH edge: where it listens, if at all, and where a deployment's own host key is.

use std::path::PathBuf;

use super::Env;

pub const DEFAULT_SSH_PORT: u16 = 2222;

#[derive(Clone, Debug)]
pub struct SshSettings {
    /// `host:port` to listen on (port 0: any free port), or `None` with the edge off.
    pub listen: Option<String>,
    /// A private key in OpenSSH's format to present as the host key. Without it the key is
    /// generated once and kept in Postgres, so every replica and every restart presents the
    /// same one and clients never see it change.
    pub host_key_file: Option<PathBuf>,
}

impl SshSettings {
    /// `SANDBOXD_SSH_PORT`: a port number, 0 for any free one, or `off`; the host is the one
    /// `SANDBOXD_BIND` names, so both edges listen on the same interfaces.
    pub(super) fn from_env(env: &Env<'_>) -> anyhow::Result<Self> {
        let http_bind = env.get("SANDBOXD_BIND", String::new())?;
        let port = env.get("SANDBOXD_SSH_PORT", DEFAULT_SSH_PORT.to_string())?;
        let listen = match port.trim().to_ascii_lowercase().as_str() {
            "off" | "false" | "no" | "disabled" => None,
            number => {
                let port: u16 = number.parse().map_err(|_| {
                    anyhow::anyhow!("SANDBOXD_SSH_PORT={port:?} must be a port number or off")
                })?;
                let host = http_bind
                    .rsplit_once(':')
                    .map(|(host, _)| host)
                    .unwrap_or("0.0.0.0");
                Some(format!("{host}:{port}"))
            }
        };
        Ok(Self {
            listen,
            host_key_file: env
                .optional("SANDBOXD_SSH_HOST_KEY_FILE")
                .map(PathBuf::from),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(vars: &[(&str, &str)]) -> anyhow::Result<SshSettings> {
        let vars = [&[("SANDBOXD_BIND", "127.0.0.1:8080")], vars].concat();
        let lookup = |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        };
        SshSettings::from_env(&Env { lookup: &lookup })
    }

    #[test]
    fn the_edge_listens_beside_the_api_on_2222_unless_told_otherwise() {
        assert_eq!(read(&[]).unwrap().listen.as_deref(), Some("127.0.0.1:2222"));
        let ephemeral = read(&[("SANDBOXD_SSH_PORT", "0")]).unwrap();
        assert_eq!(ephemeral.listen.as_deref(), Some("127.0.0.1:0"));
        assert!(read(&[("SANDBOXD_SSH_PORT", "off")])
            .unwrap()
            .listen
            .is_none());
        assert!(read(&[("SANDBOXD_SSH_PORT", "twenty")]).is_err());
        assert!(read(&[("SANDBOXD_SSH_PORT", "70000")]).is_err());
    }
}
