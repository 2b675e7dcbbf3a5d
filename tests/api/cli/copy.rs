//! `cp` both ways: a large binary file, a name with spaces, into a directory, and errors.

use super::commands::created;
use super::{assert_refused, Client};
use crate::support::app::spawn_app;
use crate::support::provisioning::busybox;

#[tokio::test]
async fn a_large_binary_file_goes_in_and_comes_back_the_same() {
    let app = spawn_app().await;
    let client = Client::with_token(&app, &app.user_token("ada").await);
    created(&client, &busybox(&app), "dev").await;
    // 40 MB of bytes that are not text, made from a seed so a failure can be repeated.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let content: Vec<u8> = (0..40 * 1024 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let local = client.scratch.path("in put.bin");
    std::fs::write(&local, &content).unwrap();

    // Missing directories on the way are made, as the files API makes parents.
    let uploaded = client
        .json(&["cp", local.to_str().unwrap(), "dev:/root/dir with space/"])
        .await;
    assert_eq!(uploaded["size"], content.len(), "{uploaded}");
    let output = client
        .run(&[
            "exec",
            "dev",
            "--",
            "sh",
            "-c",
            "wc -c < '/root/dir with space/in put.bin'",
        ])
        .await;
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        content.len().to_string()
    );

    let back = client.scratch.path("back");
    std::fs::create_dir(&back).unwrap();
    let downloaded = client
        .json(&[
            "cp",
            "dev:/root/dir with space/in put.bin",
            back.to_str().unwrap(),
        ])
        .await;
    assert_eq!(downloaded["size"], content.len());
    assert!(
        std::fs::read(back.join("in put.bin")).unwrap() == content,
        "the bytes differ"
    );
    assert!(!back.join("in put.sandboxd-partial").exists());

    let output = client
        .run(&["cp", "dev:/root/nothing-here", back.to_str().unwrap()])
        .await;
    assert_refused(&output, "FILE_NOT_FOUND");
    let output = client.run(&["cp", "a", "b"]).await;
    assert_refused(&output, "one side must be local");
}
