//! Environments made from an image of another environment: the image carries that one's
//! configuring marker, and the new environment must still become ready with its own options.

use serde_json::json;

use crate::support::app::spawn_app;
use crate::support::engine;
use crate::support::provisioning::READY_WITHIN;

/// Removes the image on drop, pass or fail; made before the app, so dropped after its
/// containers are gone.
struct ImageGuard {
    settings: Option<sandboxd::config::Settings>,
    reference: String,
}

impl Drop for ImageGuard {
    fn drop(&mut self) {
        if let Some(settings) = &self.settings {
            engine::docker(settings, &["rmi", "-f", &self.reference]);
        }
    }
}

#[tokio::test]
async fn an_environment_made_from_anothers_image_applies_its_own_options() {
    let mut image = ImageGuard {
        settings: None,
        reference: format!("sandboxd-test/from-env:{}", uuid::Uuid::new_v4().simple()),
    };
    let app = spawn_app().await;
    image.settings = Some(app.settings.clone());
    let token = app.user_token("imager").await;
    let first = app.running_busybox(&token, json!({})).await;
    let commit = engine::docker(
        &app.settings,
        &["commit", &format!("sbx-{first}"), &image.reference],
    );
    assert!(commit.status.success(), "{commit:?}");

    let options = |id: &str| {
        let read = engine::exec(
            &app.settings,
            &format!("sbx-{id}"),
            "cat /etc/sandboxd/options.env",
        );
        String::from_utf8_lossy(&read.stdout).into_owned()
    };
    for shell in [
        json!({"enhanced": false, "use_tmux": true}),
        json!({"enhanced": false}),
    ] {
        let made = app
            .create_busybox(
                &token,
                json!({"custom_image": image.reference, "shell": shell}),
            )
            .await;
        let id = made["id"].as_str().unwrap();
        app.wait_running(&token, id, READY_WITHIN).await;
        let tmux = shell["use_tmux"] == true;
        let written = options(id);
        assert!(
            written.contains(&format!("SHELL_USE_TMUX={}", u8::from(tmux))),
            "{written}"
        );
    }
}
