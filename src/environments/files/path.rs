//! Paths inside an environment as callers give them: absolute, without NUL, and not climbing
//! above `/`. They are normalised here once, so the rest only sees `/a/b` forms.

use crate::environments::error::{EnvironmentError, Result};

/// An absolute path, normalised: no `.`, `..`, repeated or trailing slashes (except `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePath(String);

impl FilePath {
    pub fn parse(raw: &str) -> Result<Self> {
        let invalid = |why: &str| {
            EnvironmentError::invalid("INVALID_PATH", format!("invalid path {raw:?}: {why}"))
        };
        if raw.contains('\0') {
            return Err(invalid("it contains a NUL byte"));
        }
        if !raw.starts_with('/') {
            return Err(invalid("it must be absolute (start with /)"));
        }
        let mut parts: Vec<&str> = Vec::new();
        for part in raw.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(invalid(".. leaves /"));
                    }
                }
                name => parts.push(name),
            }
        }
        Ok(Self(format!("/{}", parts.join("/"))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0 == "/"
    }

    /// The last component; empty for `/`.
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or_default()
    }

    /// The directory holding it; `/` for `/` itself.
    pub fn parent(&self) -> FilePath {
        match self.0.rfind('/') {
            Some(0) | None => Self("/".into()),
            Some(at) => Self(self.0[..at].to_string()),
        }
    }

    /// `name` inside this directory; `name` must be one component.
    pub fn join(&self, name: &str) -> Result<FilePath> {
        let simple = !name.is_empty()
            && name != "."
            && name != ".."
            && !name.contains('/')
            && !name.contains('\0');
        if !simple {
            return Err(EnvironmentError::invalid(
                "INVALID_PATH",
                format!("invalid file name {name:?}"),
            ));
        }
        Ok(Self(format!("{}/{name}", self.0.trim_end_matches('/'))))
    }

    /// Relative to `/`, as tar entries name it.
    pub fn relative(&self) -> &str {
        &self.0[1..]
    }
}

impl std::fmt::Display for FilePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(raw: &str) -> &'static str {
        FilePath::parse(raw).unwrap_err().code()
    }

    #[test]
    fn absolute_paths_are_normalised() {
        assert_eq!(FilePath::parse("/").unwrap().as_str(), "/");
        assert_eq!(FilePath::parse("//a/./b/").unwrap().as_str(), "/a/b");
        assert_eq!(FilePath::parse("/a/../b").unwrap().as_str(), "/b");
        assert_eq!(FilePath::parse("/a/..").unwrap().as_str(), "/");
        assert_eq!(FilePath::parse("/with space/ünï").unwrap().name(), "ünï");
    }

    #[test]
    fn relative_climbing_and_nul_paths_are_refused() {
        assert_eq!(code("a/b"), "INVALID_PATH");
        assert_eq!(code(""), "INVALID_PATH");
        assert_eq!(code("/.."), "INVALID_PATH");
        assert_eq!(code("/a/../../etc"), "INVALID_PATH");
        assert_eq!(code("/a\0b"), "INVALID_PATH");
    }

    #[test]
    fn parents_names_and_joins() {
        let path = FilePath::parse("/a/b").unwrap();
        assert_eq!(path.parent().as_str(), "/a");
        assert_eq!(path.parent().parent().as_str(), "/");
        assert_eq!(path.relative(), "a/b");
        assert_eq!(
            FilePath::parse("/").unwrap().join("x").unwrap().as_str(),
            "/x"
        );
        assert!(path.join("..").is_err());
        assert!(path.join("x/y").is_err());
    }
}
