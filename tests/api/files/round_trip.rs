//! Upload, stat, list, download, move, mkdir and delete round trips.

use reqwest::Method;
use serde_json::{json, Value};

use super::{assert_absent, binary, call, files_url, put_raw, run};
use crate::support::app::spawn_app;
use crate::support::provisioning::user_with_environment;

#[tokio::test]
async fn a_binary_file_with_spaces_and_unicode_in_its_name_goes_in_and_comes_out_unchanged() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "filer").await;
    let content = binary(70_000);
    let path = "/root/new dir/ünïcødé file.bin";

    let response = put_raw(&app, &token, &id, path, content.clone()).await;
    assert_eq!(response.status(), 200);
    let uploaded: Value = response.json().await.unwrap();
    assert_eq!(uploaded["path"], path);
    assert_eq!(uploaded["size"], 70_000);
    assert!(uploaded["message"].is_string());

    let stat: Value = call(&app, Method::GET, &token, &id, "/stat", &[("path", path)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stat["name"], "ünïcødé file.bin");
    assert_eq!(stat["size"], 70_000);
    assert_eq!(stat["is_dir"], false);
    assert_eq!(stat["mode"], "0644");

    let listing: Value = call(
        &app,
        Method::GET,
        &token,
        &id,
        "/list",
        &[("path", "/root/new dir")],
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(listing["path"], "/root/new dir");
    assert_eq!(listing["count"], 1);
    assert_eq!(listing["files"][0]["path"], path);
    assert!(listing["files"][0]["mod_time"].is_string());

    let response = call(&app, Method::GET, &token, &id, "", &[("path", path)]).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-length"], "70000");
    assert_eq!(headers["x-file-size"], "70000");
    assert_eq!(headers["x-file-mode"], "0644");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains("filename*=UTF-8''%C3%BCn%C3%AFc%C3%B8d%C3%A9%20file.bin"),
        "{disposition}"
    );
    assert_eq!(response.bytes().await.unwrap().to_vec(), content);

    // The root itself lists and stats like any directory.
    let root: Value = call(&app, Method::GET, &token, &id, "/list", &[("path", "/")])
        .await
        .json()
        .await
        .unwrap();
    let etc = root["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "etc");
    assert_eq!(
        etc.map(|f| (f["path"].clone(), f["is_dir"].clone())),
        Some((json!("/etc"), json!(true))),
        "{root}"
    );
    let stat: Value = call(&app, Method::GET, &token, &id, "/stat", &[("path", "/")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (stat["name"].as_str(), stat["is_dir"].as_bool()),
        (Some("/"), Some(true))
    );

    // The environment's user (root inside, remapped outside) owns it, parents included.
    let owner = run(
        &app,
        &token,
        &id,
        &["stat", "-c", "%u:%g %a", path, "/root/new dir"],
    )
    .await;
    assert_eq!(owner, "0:0 644\n0:0 755\n");
}

#[tokio::test]
async fn multipart_files_land_in_a_directory_and_can_be_moved_listed_tarred_and_deleted() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "organiser").await;
    let response = app
        .post(
            &files_url(&id, "/mkdir"),
            Some(&token),
            &json!({"path": "/srv/a/b"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let again = app
        .post(
            &files_url(&id, "/mkdir"),
            Some(&token),
            &json!({"path": "/srv/a/b"}),
        )
        .await;
    assert_eq!(again.status(), 200, "an existing directory is fine");

    let boundary = "sandboxd-test-boundary";
    let mut body = Vec::new();
    for (name, content) in [("one.txt", b"first".to_vec()), ("twö.bin", binary(3000))] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(&content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let response = app
        .request(Method::POST, &files_url(&id, ""), Some(&token))
        .query(&[("path", "/srv/a/b/")])
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let uploaded: Value = response.json().await.unwrap();
    assert_eq!(uploaded["count"], 2, "{uploaded}");
    assert_eq!(uploaded["files"][1]["path"], "/srv/a/b/twö.bin");
    assert_eq!(uploaded["files"][1]["size"], 3000);

    let moved = app
        .post(
            &files_url(&id, "/move"),
            Some(&token),
            &json!({"from": "/srv/a/b/one.txt", "to": "/srv/a/renamed.txt"}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let listing: Value = call(
        &app,
        Method::GET,
        &token,
        &id,
        "/list",
        &[("path", "/srv/a")],
    )
    .await
    .json()
    .await
    .unwrap();
    let names: Vec<_> = listing["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["b", "renamed.txt"]);
    assert_eq!(listing["files"][0]["is_dir"], true);

    let directory = call(&app, Method::GET, &token, &id, "", &[("path", "/srv/a")]).await;
    crate::support::app::assert_error(directory, 400, "IS_A_DIRECTORY").await;
    let tarred = call(
        &app,
        Method::GET,
        &token,
        &id,
        "",
        &[("path", "/srv/a"), ("format", "tar")],
    )
    .await;
    assert_eq!(tarred.status(), 200);
    assert_eq!(tarred.headers()["content-type"], "application/x-tar");
    let tar = tarred.bytes().await.unwrap();
    let mut archive = tar::Archive::new(&tar[..]);
    let mut names: Vec<String> = archive
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().display().to_string())
        .map(|n| n.trim_end_matches('/').to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["a", "a/b", "a/b/twö.bin", "a/renamed.txt"]);

    let deleted = call(&app, Method::DELETE, &token, &id, "", &[("path", "/srv/a")]).await;
    assert_eq!(deleted.status(), 200);
    assert_absent(&app, &token, &id, "/srv/a").await;
}

#[tokio::test]
async fn a_tar_is_unpacked_with_extract_and_symlinks_are_reported_and_followed() {
    let app = spawn_app().await;
    let (token, id) = user_with_environment(&app, "unpacker").await;
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(5);
    header.set_mode(0o600);
    header.set_uid(4242);
    builder
        .append_data(&mut header, "inner/data.txt", &b"hello"[..])
        .unwrap();
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    builder
        .append_link(&mut link, "link", "inner/data.txt")
        .unwrap();
    let archive = builder.into_inner().unwrap();
    let response = app
        .request(Method::POST, &files_url(&id, ""), Some(&token))
        .query(&[("path", "/opt/unpacked"), ("extract", "true")])
        .header("Content-Type", "application/x-tar")
        .body(archive)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let stat: Value = call(
        &app,
        Method::GET,
        &token,
        &id,
        "/stat",
        &[("path", "/opt/unpacked/link")],
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(stat["is_symlink"], true);
    assert_eq!(stat["link_target"], "inner/data.txt");
    let followed = call(
        &app,
        Method::GET,
        &token,
        &id,
        "",
        &[("path", "/opt/unpacked/link")],
    )
    .await;
    assert_eq!(followed.bytes().await.unwrap().as_ref(), b"hello");
    // The tar's own uid is not kept: the environment's user owns what comes in.
    let owner = run(
        &app,
        &token,
        &id,
        &["stat", "-c", "%u", "/opt/unpacked/inner/data.txt"],
    )
    .await;
    assert_eq!(owner, "0\n");
}
