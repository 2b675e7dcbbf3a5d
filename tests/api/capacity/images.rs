//! Images and the disk: an image whose `VOLUME`s would be stored outside the disk quota is
//! refused with `IMAGE_HAS_VOLUMES`; an image pulled for a custom environment is removed by
//! housekeeping once nothing uses it, and kept while a container does.

use std::time::Duration;

use serde_json::json;

use super::until;
use crate::support::app::{spawn_app_with, TestApp};
use crate::support::engine;
use crate::support::provisioning::{busybox, READY_WITHIN};

/// Removes the images a test made from the engine, pass or fail.
struct Images<'a> {
    app: &'a TestApp,
    references: Vec<String>,
}

impl Images<'_> {
    /// Builds `reference` on the test engine from busybox with `lines` added.
    fn build(&mut self, reference: &str, lines: &str) {
        let dockerfile = format!("FROM {}\n{lines}\n", busybox(self.app));
        let mut build = std::process::Command::new("docker")
            .args([
                "-H",
                &self.app.settings.docker_host,
                "build",
                "-q",
                "-t",
                reference,
                "-",
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("docker build runs");
        use std::io::Write;
        build
            .stdin
            .take()
            .unwrap()
            .write_all(dockerfile.as_bytes())
            .unwrap();
        assert!(build.wait().unwrap().success(), "building {reference}");
        self.references.push(reference.to_string());
    }
}

impl Drop for Images<'_> {
    fn drop(&mut self) {
        for reference in &self.references {
            engine::docker(&self.app.settings, &["rmi", reference]);
        }
    }
}

fn present(app: &TestApp, reference: &str) -> bool {
    engine::docker(&app.settings, &["image", "inspect", reference])
        .status
        .success()
}

#[tokio::test]
async fn an_image_with_volumes_is_refused_with_a_code_and_what_to_do() {
    let app = spawn_app_with(|_| {}).await;
    let mut images = Images {
        app: &app,
        references: Vec::new(),
    };
    let reference = format!(
        "{}/sandboxd-tests/with-volumes:latest",
        app.settings.registry
    );
    images.build(&reference, "VOLUME /data /var/cache/big");
    let token = app.user_token("volume-owner").await;
    let created = app
        .create_busybox(&token, json!({ "custom_image": reference }))
        .await;
    let id = created["id"].as_str().unwrap();
    let failed = app.wait_settled(&token, id, READY_WITHIN).await;
    assert_eq!(failed["status"], "error", "{failed}");
    assert_eq!(failed["code"], "IMAGE_HAS_VOLUMES", "{failed}");
    let message = failed["message"].as_str().unwrap();
    for words in [
        "/data",
        "/var/cache/big",
        "disk quota",
        "without its VOLUME lines",
    ] {
        assert!(message.contains(words), "{words:?} not in {message}");
    }
    let label = format!("sandboxd.environment={id}");
    assert!(engine::containers_with(&app.settings, &label).is_empty());
    assert_eq!(app.usage(&token).await, 0);
}

#[tokio::test]
async fn a_pulled_image_goes_once_nothing_uses_it_and_base_images_stay() {
    let app = spawn_app_with(|s| {
        s.housekeeping_every = Duration::from_millis(300);
        s.capacity.unused_images = Some(Duration::from_secs(1));
    })
    .await;
    let mut images = Images {
        app: &app,
        references: Vec::new(),
    };
    // In the registry, not on the engine: the environment's create pulls it.
    let reference = format!(
        "{}/sandboxd-tests/pulled-once:latest",
        app.settings.registry
    );
    images.build(&reference, "LABEL sandboxd-tests=pulled-once");
    let pushed = engine::docker(&app.settings, &["push", &reference]);
    assert!(pushed.status.success(), "{pushed:?}");
    engine::docker(&app.settings, &["rmi", &reference]);
    assert!(!present(&app, &reference));

    let token = app.user_token("image-owner").await;
    let id = app
        .running_busybox(&token, json!({ "custom_image": reference }))
        .await;
    // Many rounds past its second of retention: a container uses it, so it stays.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(present(&app, &reference), "removed while in use");

    let deleted = app
        .delete(&format!("/api/containers/{id}"), Some(&token))
        .await;
    assert_eq!(deleted.status(), 200);
    until(READY_WITHIN, "the unused image stayed", || {
        !present(&app, &reference)
    })
    .await;
    assert!(present(&app, &busybox(&app)), "the base image went too");
}
