use bollard::errors::Error as DockerError;

/// Engine failures sorted by what the caller should do about them.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The thing asked for does not exist (image, container, network).
    #[error("{0}")]
    NotFound(String),
    /// The engine refused the request as given; retrying will not help.
    #[error("{0}")]
    Rejected(String),
    /// The engine could not be reached or failed on its side; worth retrying.
    #[error("{0}")]
    Unavailable(String),
}

impl RuntimeError {
    pub fn is_transient(&self) -> bool {
        matches!(self, RuntimeError::Unavailable(_))
    }

    /// Whether the engine refused for lack of room: no address left in a network or in its
    /// pools, no disk, no memory. Recognised by the engine's own words, which vary by version.
    pub fn is_exhausted(&self) -> bool {
        const FULL: [&str; 5] = [
            "no available ipv4 addresses",
            "could not find an available, non-overlapping",
            "fully subnetted",
            "no space left on device",
            "cannot allocate memory",
        ];
        let message = self.to_string().to_lowercase();
        !matches!(self, RuntimeError::NotFound(_)) && FULL.iter().any(|full| message.contains(full))
    }

    /// What a tenant may be told: fixed words per kind. The engine's own text can name socket
    /// paths, addresses, registries and which of the host's ports answer, so it is only
    /// logged.
    pub fn public_message(&self) -> &'static str {
        match self {
            RuntimeError::NotFound(_) => "the container engine could not find it",
            RuntimeError::Rejected(_) => "the container engine refused the request",
            RuntimeError::Unavailable(_) => "the container engine is unavailable, retry shortly",
        }
    }
}

impl From<DockerError> for RuntimeError {
    fn from(err: DockerError) -> Self {
        match err {
            DockerError::DockerResponseServerError {
                status_code: 404,
                message,
            } => RuntimeError::NotFound(message),
            DockerError::DockerResponseServerError {
                status_code,
                message,
            } if (400..500).contains(&status_code) => RuntimeError::Rejected(message),
            DockerError::DockerResponseServerError { message, .. } => {
                RuntimeError::Unavailable(message)
            }
            other => RuntimeError::Unavailable(other.to_string()),
        }
    }
}

impl From<anyhow::Error> for RuntimeError {
    fn from(err: anyhow::Error) -> Self {
        RuntimeError::Unavailable(format!("{err:#}"))
    }
}
