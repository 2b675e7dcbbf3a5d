//! scp and sftp (both over the SFTP subsystem) moving a binary file of some megabytes in
//! and out unchanged, and sftp's directory operations.

use tokio::process::Command;

use super::{name_of, text, SshUser};
use crate::support::app::spawn_app;
use crate::support::provisioning::user_with_environment;

/// Every byte value, in a pattern no text path would keep.
fn binary(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[tokio::test]
async fn scp_copies_a_binary_file_in_and_out_unchanged() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "copier").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    let name = name_of(&app, &token, &id).await;
    let content = binary(5 * 1024 * 1024 + 17);
    let local = user.dir().join("up.bin");
    std::fs::write(&local, &content).unwrap();

    let up = Command::new("scp")
        .args(user.options("-P"))
        .arg(&local)
        .arg(format!("{name}@127.0.0.1:/tmp/copied.bin"))
        .output()
        .await
        .unwrap();
    assert!(up.status.success(), "{up:?}");
    let sum = user.run(&name, "wc -c < /tmp/copied.bin").await;
    assert_eq!(text(&sum.stdout).trim(), content.len().to_string());

    let back = user.dir().join("down.bin");
    let down = Command::new("scp")
        .args(user.options("-P"))
        .arg(format!("{name}@127.0.0.1:/tmp/copied.bin"))
        .arg(&back)
        .output()
        .await
        .unwrap();
    assert!(down.status.success(), "{down:?}");
    assert!(
        std::fs::read(&back).unwrap() == content,
        "the copy came back changed"
    );
}

#[tokio::test]
async fn sftp_puts_gets_lists_makes_renames_and_removes() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "sftper").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    let content = binary(2 * 1024 * 1024 + 5);
    std::fs::write(user.dir().join("put.bin"), &content).unwrap();
    let batch = user.dir().join("batch");
    let dir = user.dir().display().to_string();
    std::fs::write(
        &batch,
        format!(
            "mkdir /tmp/box\ncd /tmp/box\nput {dir}/put.bin first.bin\nrename first.bin second.bin\n\
             ls -l\nget second.bin {dir}/got.bin\nrm second.bin\ncd /tmp\nrmdir box\nls /tmp\n"
        ),
    )
    .unwrap();
    let ran = Command::new("sftp")
        .args(user.options("-P"))
        .arg("-b")
        .arg(&batch)
        .arg(format!("{id}@127.0.0.1"))
        .output()
        .await
        .unwrap();
    let listing = text(&ran.stdout);
    assert!(ran.status.success(), "{ran:?}");
    assert!(listing.contains("second.bin"), "{listing}");
    assert!(listing.contains(&content.len().to_string()), "{listing}");
    assert!(std::fs::read(user.dir().join("got.bin")).unwrap() == content);
    let gone = user.run(&id, "ls /tmp/box 2>&1; true").await;
    assert!(text(&gone.stdout).contains("No such file"), "{gone:?}");
}

#[tokio::test]
async fn a_smaller_file_copied_over_a_larger_one_replaces_it_and_large_directories_list_whole() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "overwriter").await;
    let user = SshUser::new(&app).await;
    user.register(&app, &token).await;
    let name = name_of(&app, &token, &id).await;
    // scp opens without truncating and sets the size once written: the old tail must go.
    for (file, len) in [("big.bin", 3 * 1024 * 1024), ("small.bin", 1000)] {
        let local = user.dir().join(file);
        std::fs::write(&local, binary(len)).unwrap();
        let up = Command::new("scp")
            .args(user.options("-P"))
            .arg(&local)
            .arg(format!("{name}@127.0.0.1:/tmp/over.bin"))
            .output()
            .await
            .unwrap();
        assert!(up.status.success(), "{up:?}");
    }
    let sum = user.run(&name, "wc -c < /tmp/over.bin").await;
    assert_eq!(text(&sum.stdout).trim(), "1000");

    let made = user
        .run(
            &name,
            "mkdir /tmp/many && cd /tmp/many && for i in $(seq 1 4000); do : > entry-$i; done",
        )
        .await;
    assert!(made.status.success(), "{made:?}");
    let batch = user.dir().join("batch");
    std::fs::write(&batch, "ls -1 /tmp/many\n").unwrap();
    let listed = Command::new("sftp")
        .args(user.options("-P"))
        .arg("-b")
        .arg(&batch)
        .arg(format!("{name}@127.0.0.1"))
        .output()
        .await
        .unwrap();
    assert!(listed.status.success(), "{listed:?}");
    let entries = text(&listed.stdout)
        .lines()
        .filter(|line| line.contains("entry-"))
        .count();
    assert_eq!(entries, 4000);
}
