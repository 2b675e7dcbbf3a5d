//! A credential or a whole user that stopped being allowed in: what every API process hears,
//! so that it closes the connections opened with it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::UserId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Revocation {
    /// A session ended by logout.
    Session(Uuid),
    /// An API token revoked by its owner, or used to log out.
    ApiToken(Uuid),
    /// An SSH key deleted by its owner: the SSH connections it signed in close.
    SshKey(Uuid),
    /// A user disabled: every credential of theirs.
    User(UserId),
}
