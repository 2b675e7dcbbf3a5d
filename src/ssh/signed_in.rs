//! Who signed in over SSH, and to which environment: what every channel of a connection
//! acts as.

use tokio_util::sync::CancellationToken;

use crate::auth::Principal;
use crate::model::Environment;
use crate::state::AppState;

/// Who signed in, and to which environment: what every channel of the connection acts as.
pub(super) struct SignedIn {
    pub state: AppState,
    pub principal: Principal,
    pub environment: Environment,
    /// Fires when the connection ends: every channel's task ends with it.
    pub ended: CancellationToken,
}

impl SignedIn {
    /// The environment as the caller's reference: its id, which a rename cannot change.
    pub fn reference(&self) -> String {
        self.environment.id.to_string()
    }
}
