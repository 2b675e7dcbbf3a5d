//! Tiers, read and edited through the admin API as the seeded admin.

use serde_json::Value;

use super::app::TestApp;

impl TestApp {
    /// The tier called `name`, as the admin API lists it.
    pub async fn tier(&self, admin: &str, name: &str) -> Value {
        let tiers: Value = self
            .get("/api/admin/tiers", Some(admin))
            .await
            .json()
            .await
            .unwrap();
        tiers
            .as_array()
            .unwrap()
            .iter()
            .find(|tier| tier["name"] == name)
            .unwrap_or_else(|| panic!("no tier {name} in {tiers}"))
            .clone()
    }

    /// Sets `changes` (an object of fields) on the tier called `name`; returns the tier sent.
    pub async fn edit_tier(&self, name: &str, changes: Value) -> Value {
        let admin = self.admin_token().await;
        let mut tier = self.tier(&admin, name).await;
        for (key, value) in changes.as_object().unwrap() {
            tier[key] = value.clone();
        }
        let response = self
            .put(&format!("/api/admin/tiers/{name}"), Some(&admin), &tier)
            .await;
        assert_eq!(response.status(), 200);
        tier
    }
}
