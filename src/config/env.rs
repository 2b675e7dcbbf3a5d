//! Reading one variable: absent or empty means the default; a value that does not parse is
//! an error that names the variable.

use std::str::FromStr;

pub struct Env<'a> {
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Env<'_> {
    pub fn optional(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|value| !value.is_empty())
    }

    pub fn get<T: FromStr>(&self, name: &str, default: T) -> anyhow::Result<T>
    where
        T::Err: std::fmt::Display,
    {
        match self.optional(name) {
            None => Ok(default),
            Some(raw) => raw
                .parse()
                .map_err(|err| anyhow::anyhow!("{name}={raw:?} is not valid: {err}")),
        }
    }
}
