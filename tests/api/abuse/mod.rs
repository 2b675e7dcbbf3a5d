//! What one tenant can do to others, or keep after losing access: revoked credentials close
//! what they opened on every process, per-user caps on what is cheap to ask and costly to
//! serve, and cleanups that do not depend on the tenant's cooperation.

mod caps;
mod exec_timeout;
mod hangups;
mod revocation;
