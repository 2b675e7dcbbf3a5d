//! `KEY=VALUE` environment variables as requests carry them (OSAPI's `env`).

use super::error::{EnvironmentError, Result};

const MAX_VARIABLES: usize = 64;
const MAX_ENTRY_BYTES: usize = 4096;

/// Each entry is `NAME=value` with a shell-safe name; the value may be empty.
pub fn validate(entries: &[String]) -> Result<()> {
    if entries.len() > MAX_VARIABLES {
        return Err(invalid(format!("at most {MAX_VARIABLES} variables")));
    }
    for entry in entries {
        let name = entry.split_once('=').map(|(name, _)| name).unwrap_or("");
        let valid_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name || entry.len() > MAX_ENTRY_BYTES || entry.contains('\0') {
            return Err(invalid(format!(
                "{:?} is not KEY=VALUE with a name of letters, digits and '_' (at most {MAX_ENTRY_BYTES} bytes)",
                entry.chars().take(64).collect::<String>()
            )));
        }
    }
    Ok(())
}

fn invalid(message: String) -> EnvironmentError {
    EnvironmentError::invalid("INVALID_ENV", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_shell_words_and_values_may_be_anything() {
        assert!(validate(&["A=1".into(), "_x=".into(), "PATH=/a:/b=c".into()]).is_ok());
        for bad in ["=1", "1A=x", "A-B=x", "NOEQUALS", "A B=x"] {
            assert!(validate(&[bad.into()]).is_err(), "{bad}");
        }
    }
}
