//! Where an environment stands: its status (what the user can do with it) and, while it is
//! being made, its provisioning stage; and where an idle one goes (its tier's idle action).
//! All are stored and shown as lowercase words.

use serde::{Deserialize, Serialize};

/// A closed set of lowercase words, stored as `text` in Postgres and shown as strings.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownWord;

            fn from_str(word: &str) -> Result<Self, UnknownWord> {
                match word {
                    $($word => Ok($name::$variant),)+
                    other => Err(UnknownWord(other.to_string())),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl sqlx::Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::Type<sqlx::Postgres>>::type_info()
            }

            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $name {
            fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let word = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
                Ok(word.parse()?)
            }
        }

        impl sqlx::Encode<'_, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<sqlx::Postgres>>::encode_by_ref(&self.as_str(), buf)
            }
        }
    };
}

/// A word that names no status or stage.
#[derive(Debug, thiserror::Error)]
#[error("unknown word {0:?}")]
pub struct UnknownWord(String);

word_enum!(
    /// What the user can do with an environment.
    Status {
        Creating = "creating",
        Running = "running",
        /// Processes frozen in place: memory kept, no CPU used.
        Paused = "paused",
        Stopped = "stopped",
        Error = "error",
        Deleting = "deleting",
    }
);

word_enum!(
    /// The provisioning pipeline, in order: each is recorded before it runs.
    Stage {
        Validating = "validating",
        Pulling = "pulling",
        Creating = "creating",
        Starting = "starting",
        Configuring = "configuring",
        Ready = "ready",
    }
);

word_enum!(
    /// What idle housekeeping does to a running environment idle past its tier's timeout: a
    /// tier setting. A stop frees its memory; a pause keeps everything and resumes in
    /// milliseconds.
    #[derive(Default)]
    IdleAction {
        #[default]
        Stop = "stop",
        Pause = "pause",
    }
);

impl Stage {
    /// How far along provisioning is once this stage begins, in percent.
    pub fn progress(self) -> i32 {
        match self {
            Stage::Validating => 5,
            Stage::Pulling => 15,
            Stage::Creating => 50,
            Stage::Starting => 65,
            Stage::Configuring => 80,
            Stage::Ready => 100,
        }
    }

    /// What the user reads while the stage runs.
    pub fn message(self) -> &'static str {
        match self {
            Stage::Validating => "Validating the request...",
            Stage::Pulling => "Pulling image...",
            Stage::Creating => "Creating container...",
            Stage::Starting => "Starting container...",
            Stage::Configuring => "Configuring role and shell...",
            Stage::Ready => "Environment ready",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_stages_read_back_the_words_they_write() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>().unwrap(), *status);
            assert_eq!(serde_json::json!(status), status.as_str());
        }
        for stage in Stage::ALL {
            assert_eq!(stage.as_str().parse::<Stage>().unwrap(), *stage);
        }
        assert!("unavailable".parse::<Status>().is_err());
    }

    #[test]
    fn stages_run_in_the_order_of_their_progress() {
        let progress: Vec<i32> = Stage::ALL.iter().map(|stage| stage.progress()).collect();
        assert!(progress.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(Stage::Ready.progress(), 100);
    }
}
