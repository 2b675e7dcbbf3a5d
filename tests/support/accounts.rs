//! Accounts and credentials: users, the seeded admin, guests and API tokens.

use reqwest::Response;
use serde_json::{json, Value};

use super::app::{TestApp, ADMIN_PASSWORD};

/// Every user these helpers register has this password.
pub const PASSWORD: &str = "correct horse battery";

impl TestApp {
    pub async fn register(&self, username: &str) -> Value {
        let response = self
            .post(
                "/api/auth/register",
                None,
                &json!({
                    "email": format!("{username}@example.com"),
                    "username": username,
                    "password": PASSWORD,
                }),
            )
            .await;
        assert_eq!(response.status(), 201, "registering {username}");
        response.json().await.unwrap()
    }

    pub async fn login(&self, login: &str, password: &str) -> Response {
        self.post(
            "/api/auth/login",
            None,
            &json!({ "login": login, "password": password }),
        )
        .await
    }

    /// The id of the user `token` belongs to.
    pub async fn user_id(&self, token: &str) -> String {
        self.me(token).await["user"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// An admin disables a user.
    pub async fn disable_user(&self, admin: &str, user_id: &str) -> Response {
        self.post(
            &format!("/api/admin/users/{user_id}/disable"),
            Some(admin),
            &json!({}),
        )
        .await
    }

    /// Another session of an existing user's.
    pub async fn login_token(&self, username: &str) -> String {
        let response = self.login(username, PASSWORD).await;
        assert_eq!(response.status(), 200, "logging {username} in");
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_string()
    }

    /// Registers `username` and returns a session token for them.
    pub async fn user_token(&self, username: &str) -> String {
        self.register(username).await;
        let response = self.login(username, PASSWORD).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_string()
    }

    pub async fn admin_token(&self) -> String {
        let response = self.login("admin@sandboxd.local", ADMIN_PASSWORD).await;
        assert_eq!(response.status(), 200, "the seeded admin logs in");
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_string()
    }

    /// Starts a guest session and returns its token.
    pub async fn guest_token(&self) -> String {
        let guest: Value = self
            .post("/api/auth/guest", None, &json!({}))
            .await
            .json()
            .await
            .unwrap();
        guest["token"].as_str().unwrap().to_string()
    }

    /// Creates an API token with `scopes` for the holder of `session`.
    pub async fn api_token(&self, session: &str, scopes: &[&str]) -> Value {
        let response = self
            .post(
                "/api/tokens",
                Some(session),
                &json!({ "name": "script", "scopes": scopes }),
            )
            .await;
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    /// `/api/me` for the holder of `token`: their user, tier, usage and scopes.
    pub async fn me(&self, token: &str) -> Value {
        self.get("/api/me", Some(token)).await.json().await.unwrap()
    }
}
