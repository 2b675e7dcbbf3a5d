//! Which variable names look like they hold secrets.

/// Name fragments that mark a secret, and the word its placeholder uses.
const MARKERS: &[(&str, &str)] = &[
    ("PASSWORD", "password"),
    ("PASSWD", "password"),
    ("SECRET", "secret"),
    ("TOKEN", "token"),
    ("CREDENTIAL", "credential"),
    ("PRIVATE", "key"),
    ("API_KEY", "key"),
    ("APIKEY", "key"),
    ("ACCESS_KEY", "key"),
    ("_KEY", "key"),
    ("AUTH", "auth"),
];

/// The kind of secret `name` looks like it holds, if any.
pub fn kind_of(name: &str) -> Option<&'static str> {
    let upper = name.to_ascii_uppercase();
    if upper == "KEY" {
        return Some("key");
    }
    MARKERS
        .iter()
        .find(|(marker, _)| upper.contains(marker))
        .map(|(_, kind)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_names_are_recognised() {
        assert_eq!(kind_of("DB_PASSWORD"), Some("password"));
        assert_eq!(kind_of("github_token"), Some("token"));
        assert_eq!(kind_of("AWS_SECRET_ACCESS_KEY"), Some("secret"));
        assert_eq!(kind_of("SSH_PRIVATE_KEY"), Some("key"));
        assert_eq!(kind_of("STRIPE_API_KEY"), Some("key"));
        assert_eq!(kind_of("EDITOR"), None);
        assert_eq!(kind_of("KEYBOARD"), None);
    }
}
