//! A job's lease in Postgres, renewed while its worker runs it: a worker that dies stops
//! renewing, and another takes the job over once the lease runs out.

use tokio_util::sync::CancellationToken;

use super::Provisioner;
use crate::db;
use crate::model::JobId;

/// A job's lease, renewed in the background until `renewer` is stopped; `lost` fires when
/// another worker took the job over.
pub(super) struct HeldLease {
    pub renewer: tokio::task::JoinHandle<()>,
    pub lost: CancellationToken,
}

pub(super) async fn renew_lease(
    provisioner: Provisioner,
    job_id: JobId,
    owner: String,
    lost: CancellationToken,
) {
    let lease = provisioner.settings.job_lease;
    loop {
        tokio::time::sleep(lease / 3).await;
        match db::jobs::renew(&provisioner.pool, job_id, &owner, lease).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(%job_id, "lease lost to another worker");
                lost.cancel();
                return;
            }
            // Postgres briefly unreachable: keep trying until the lease itself runs out.
            Err(err) => tracing::warn!(error = %err, %job_id, "could not renew lease"),
        }
    }
}
