//! Why an environment ended in `error`, as a stable word a program can act on; shown beside
//! the message, which is for people.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// No room left: the address pool, the engine's addresses, disk or memory.
    CapacityExhausted,
    /// The image declares `VOLUME`s, which would be stored outside the disk quota.
    ImageHasVolumes,
    /// No node it may go to had room for it in time.
    NoCapacity,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::CapacityExhausted => "CAPACITY_EXHAUSTED",
            ErrorCode::ImageHasVolumes => "IMAGE_HAS_VOLUMES",
            ErrorCode::NoCapacity => "NO_CAPACITY",
        }
    }
}
