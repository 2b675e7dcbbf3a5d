//! Where a preview is opened: `{scheme}://{port}-{environment}.{preview domain}[:port]/`,
//! or under the API's own address at `/preview/{environment}/{port}/` where there is no
//! wildcard DNS. The environment is named by its id: names are unique per owner only.

use crate::model::EnvironmentId;

/// The query parameter a link travels in; entering trades it for a cookie.
pub const LINK_PARAMETER: &str = "sandboxd_preview_link";

/// How the server is reached from outside: by the public URL when one is set, otherwise as
/// the request that asked for a preview URL reached it.
#[derive(Clone, Debug)]
pub struct Origin {
    pub scheme: String,
    /// The API's own base, e.g. `http://127.0.0.1:8080`.
    pub api_base: String,
    /// The port previews are served on, when not the scheme's default.
    pub port: Option<u16>,
}

impl Origin {
    pub fn host_url(&self, domain: &str, environment: EnvironmentId, port: u16) -> String {
        let suffix = self.port.map(|port| format!(":{port}")).unwrap_or_default();
        format!(
            "{}://{port}-{}.{domain}{suffix}/",
            self.scheme,
            environment.uuid()
        )
    }

    pub fn path_url(&self, environment: EnvironmentId, port: u16) -> String {
        format!("{}{}", self.api_base, path(environment, port))
    }
}

pub fn path(environment: EnvironmentId, port: u16) -> String {
    format!("/preview/{}/{port}/", environment.uuid())
}

/// `url` carrying `link`, to be entered with.
pub fn with_link(url: &str, link: &str) -> String {
    format!("{url}?{LINK_PARAMETER}={link}")
}

/// The environment and port a preview host names, if it is one: `8000-<uuid>.<domain>`,
/// with or without a port of its own.
pub fn parse_host(host: &str, domain: &str) -> Option<(EnvironmentId, u16)> {
    // A fully qualified name's trailing dot names the same host.
    let name = strip_port(host);
    let name = name.strip_suffix('.').unwrap_or(name);
    let label = name
        .strip_suffix(domain)?
        .strip_suffix('.')
        .filter(|label| !label.contains('.'))?;
    let (port, environment) = label.split_once('-')?;
    let port = port.parse::<u16>().ok().filter(|port| *port != 0)?;
    let environment = uuid::Uuid::parse_str(environment).ok()?;
    Some((environment.into(), port))
}

fn strip_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(']') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENV: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

    #[test]
    fn preview_hosts_are_recognised_with_or_without_a_port_and_others_are_not() {
        let expected = Some((uuid::Uuid::parse_str(ENV).unwrap().into(), 8000));
        let domain = "preview.localhost";
        assert_eq!(
            parse_host(&format!("8000-{ENV}.preview.localhost:8080"), domain),
            expected
        );
        assert_eq!(
            parse_host(&format!("8000-{ENV}.preview.localhost"), domain),
            expected
        );
        for other in [
            "preview.localhost".to_string(),
            "127.0.0.1:8080".to_string(),
            format!("8000-{ENV}.evil.preview.localhost"),
            format!("8000-{ENV}.notpreview.localhost"),
            format!("0-{ENV}.preview.localhost"),
            format!("70000-{ENV}.preview.localhost"),
            "8000-nope.preview.localhost".to_string(),
        ] {
            assert_eq!(parse_host(&other, domain), None, "{other}");
        }
    }

    #[test]
    fn urls_name_the_port_and_environment() {
        let environment: EnvironmentId = uuid::Uuid::parse_str(ENV).unwrap().into();
        let origin = Origin {
            scheme: "http".into(),
            api_base: "http://127.0.0.1:8080".into(),
            port: Some(8080),
        };
        let url = origin.host_url("preview.localhost", environment, 3000);
        assert_eq!(url, format!("http://3000-{ENV}.preview.localhost:8080/"));
        assert_eq!(
            parse_host(
                url.trim_start_matches("http://").trim_end_matches('/'),
                "preview.localhost"
            ),
            Some((environment, 3000))
        );
        assert_eq!(
            origin.path_url(environment, 3000),
            format!("http://127.0.0.1:8080/preview/{ENV}/3000/")
        );
    }
}
