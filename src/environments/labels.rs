//! Labels a client gives an environment at create (Rexec's `labels`): a small map of plain
//! keys to short values, kept as they are, shown on the environment, and matched by
//! `GET /api/containers?label=key=value`.

use std::collections::BTreeMap;

use super::error::{EnvironmentError, Result};

const MAX_LABELS: usize = 32;
const MAX_KEY_BYTES: usize = 63;
const MAX_VALUE_BYTES: usize = 256;

pub fn validate(labels: &BTreeMap<String, String>) -> Result<()> {
    if labels.len() > MAX_LABELS {
        return Err(invalid(format!("at most {MAX_LABELS} labels")));
    }
    for (key, value) in labels {
        let plain_key = (1..=MAX_KEY_BYTES).contains(&key.len())
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/'));
        if !plain_key {
            return Err(invalid(format!(
                "label key {:?} must be 1-{MAX_KEY_BYTES} letters, digits, '.', '-', '_' or '/'",
                key.chars().take(64).collect::<String>()
            )));
        }
        if value.len() > MAX_VALUE_BYTES || value.contains('\0') {
            return Err(invalid(format!(
                "label {key:?} has a value over {MAX_VALUE_BYTES} bytes or with NUL"
            )));
        }
    }
    Ok(())
}

/// A `key=value` selector, as the list's `label` parameter gives it.
pub struct Selector {
    key: String,
    value: String,
}

impl Selector {
    pub fn parse(text: &str) -> Result<Self> {
        match text.split_once('=') {
            Some((key, value)) if !key.is_empty() => Ok(Self {
                key: key.to_string(),
                value: value.to_string(),
            }),
            _ => Err(EnvironmentError::invalid(
                "INVALID_LABEL_SELECTOR",
                "label must be key=value",
            )),
        }
    }

    /// Whether an environment's labels (a JSON object) carry this key with this value.
    pub fn matches(&self, labels: &serde_json::Value) -> bool {
        labels.get(&self.key).and_then(|value| value.as_str()) == Some(self.value.as_str())
    }
}

fn invalid(message: String) -> EnvironmentError {
    EnvironmentError::invalid("INVALID_LABELS", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_keys_and_short_values_pass() {
        let good = BTreeMap::from([("team".to_string(), "infra".to_string())]);
        assert!(validate(&good).is_ok());
        for key in ["", "has space", "a=b", &"k".repeat(64)] {
            let bad = BTreeMap::from([(key.to_string(), "v".to_string())]);
            assert!(validate(&bad).is_err(), "{key:?}");
        }
        let long = BTreeMap::from([("k".to_string(), "v".repeat(257))]);
        assert!(validate(&long).is_err());
    }

    #[test]
    fn a_selector_matches_its_key_and_value_only() {
        let selector = Selector::parse("team=infra").unwrap();
        assert!(selector.matches(&serde_json::json!({"team": "infra", "x": "y"})));
        assert!(!selector.matches(&serde_json::json!({"team": "web"})));
        assert!(!selector.matches(&serde_json::json!({})));
        assert!(Selector::parse("novalue").is_err());
        assert!(Selector::parse("=x").is_err());
    }
}
