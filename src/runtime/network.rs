use std::collections::HashMap;

use bollard::models::NetworkCreateRequest;
use bollard::query_parameters::InspectNetworkOptions;

use super::{Runtime, RuntimeError};

impl Runtime {
    /// Makes sure the bridge network `name` exists. Each user gets one, so one user's
    /// environments cannot reach another's.
    pub async fn ensure_network(
        &self,
        name: &str,
        labels: HashMap<String, String>,
    ) -> Result<(), RuntimeError> {
        let docker = self.client().await?;
        if docker
            .inspect_network(name, None::<InspectNetworkOptions>)
            .await
            .is_ok()
        {
            return Ok(());
        }
        let request = NetworkCreateRequest {
            name: name.to_string(),
            driver: Some("bridge".into()),
            labels: Some(labels),
            options: Some(HashMap::from([(
                // No traffic between containers on the same bridge is needed for isolation
                // between users; within one user's network it is their own business.
                "com.docker.network.bridge.enable_icc".to_string(),
                "true".to_string(),
            )])),
            ..Default::default()
        };
        match docker.create_network(request).await {
            Ok(_) => Ok(()),
            // Made concurrently by another create of the same user.
            Err(err) => match RuntimeError::from(err) {
                RuntimeError::Rejected(message) if message.contains("already exists") => Ok(()),
                other => Err(other),
            },
        }
    }
}
