//! The abuse phase of `make load` (issue 15, item 2): ordinary users create environments and
//! time POST → ready, first on a quiet server, then while guests hold environments from an
//! image whose /bin/sh never returns (sandboxd/silent), more of them than there are workers.
//! Before, each such guest held a worker for 15 minutes; the target is the ordinary users'
//! times within 1.5× of quiet. The guest tier is opened to custom images for the run, as an
//! admin might: what is measured is the workers, not the tier's refusal.

use std::time::{Duration, Instant};

use anyhow::ensure;
use reqwest::Client;
use serde_json::{json, Value};

use crate::common::database::Database;
use crate::common::stats::{ms, percentile};

/// Users timing their creates, each one create at a time.
const ORDINARY: usize = 8;
const GUESTS: usize = 24;
const PHASE: Duration = Duration::from_secs(30);
const READY_WITHIN: Duration = Duration::from_secs(90);

pub struct Figures {
    pub quiet: Vec<Duration>,
    pub abused: Vec<Duration>,
    pub silent_held: usize,
}

pub async fn run(
    client: &Client,
    base: &str,
    database: &Database,
    tokens: &[String],
    busybox: &str,
    silent: &str,
) -> anyhow::Result<Figures> {
    let tokens = &tokens[..ORDINARY];
    let quiet = phase(client, base, tokens, busybox).await?;

    database
        .execute("UPDATE tiers SET allowed_images = NULL WHERE name = 'guest'")
        .await?;
    let mut guests = Vec::new();
    for _ in 0..GUESTS {
        let session: Value = client
            .post(format!("{base}/api/auth/guest"))
            .json(&json!({}))
            .send()
            .await?
            .json()
            .await?;
        let token = session["token"].as_str().unwrap_or_default().to_string();
        let body = json!({"image": "custom", "custom_image": silent, "shell": {"enhanced": false}});
        let created: Value = call(
            client,
            base,
            &token,
            reqwest::Method::POST,
            "/api/containers",
            Some(body),
        )
        .await?;
        let id = created["id"].as_str().unwrap_or_default().to_string();
        ensure!(!id.is_empty(), "a guest's create failed: {created}");
        guests.push((token, id));
    }
    // Let every silent environment reach the stage that used to hold a worker.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut silent_held = 0;
    while Instant::now() < deadline {
        silent_held = 0;
        for (token, id) in &guests {
            let env = call(
                client,
                base,
                token,
                reqwest::Method::GET,
                &format!("/api/containers/{id}"),
                None,
            )
            .await?;
            silent_held += usize::from(env["stage"] == "configuring");
        }
        if silent_held == GUESTS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let abused = phase(client, base, tokens, busybox).await;
    for (token, id) in &guests {
        call(
            client,
            base,
            token,
            reqwest::Method::DELETE,
            &format!("/api/containers/{id}"),
            None,
        )
        .await?;
    }
    Ok(Figures {
        quiet,
        abused: abused?,
        silent_held,
    })
}

/// Every user creates, waits for ready, deletes, again, for PHASE; the sorted times.
async fn phase(
    client: &Client,
    base: &str,
    tokens: &[String],
    image: &str,
) -> anyhow::Result<Vec<Duration>> {
    let until = Instant::now() + PHASE;
    let users = tokens.iter().map(|token| {
        let (client, base, token, image) = (
            client.clone(),
            base.to_string(),
            token.clone(),
            image.to_string(),
        );
        tokio::spawn(async move {
            let mut times = Vec::new();
            while Instant::now() < until {
                let body = json!({"image": "custom", "custom_image": image, "role": "barebone"});
                let started = Instant::now();
                let created = call(
                    &client,
                    &base,
                    &token,
                    reqwest::Method::POST,
                    "/api/containers",
                    Some(body),
                )
                .await?;
                let id = created["id"].as_str().unwrap_or_default().to_string();
                ensure!(!id.is_empty(), "create failed: {created}");
                let path = format!("/api/containers/{id}");
                loop {
                    let env =
                        call(&client, &base, &token, reqwest::Method::GET, &path, None).await?;
                    match env["status"].as_str() {
                        Some("running") => break,
                        Some("creating") if started.elapsed() < READY_WITHIN => {
                            tokio::time::sleep(Duration::from_millis(25)).await
                        }
                        _ => anyhow::bail!("{id} not ready after {:?}: {env}", started.elapsed()),
                    }
                }
                times.push(started.elapsed());
                call(&client, &base, &token, reqwest::Method::DELETE, &path, None).await?;
            }
            Ok::<_, anyhow::Error>(times)
        })
    });
    let mut all = Vec::new();
    for user in users.collect::<Vec<_>>() {
        all.extend(user.await??);
    }
    all.sort_unstable();
    ensure!(!all.is_empty(), "no create finished in the phase");
    Ok(all)
}

async fn call(
    client: &Client,
    base: &str,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> anyhow::Result<Value> {
    let mut request = client
        .request(method, format!("{base}{path}"))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    Ok(request.send().await?.json().await.unwrap_or(Value::Null))
}

impl Figures {
    pub fn print(&self) {
        let row = |name: &str, times: &[Duration]| {
            println!(
                "    {name:<34} {:>4} creates, p50 {:>7.1} ms, p99 {:>7.1} ms",
                times.len(),
                ms(percentile(times, 50)),
                ms(percentile(times, 99))
            )
        };
        println!(
            "  abuse phase: {ORDINARY} users' POST -> ready, {} s each",
            PHASE.as_secs()
        );
        row("quiet", &self.quiet);
        row(
            &format!("beside {GUESTS} silent guests ({} held)", self.silent_held),
            &self.abused,
        );
        let ratio = |p| ms(percentile(&self.abused, p)) / ms(percentile(&self.quiet, p));
        let (p50, p99) = (ratio(50), ratio(99));
        let met = if p50 <= 1.5 && p99 <= 1.5 {
            "met"
        } else {
            "missed"
        };
        println!(
            "    ratio abused / quiet           p50 {p50:.2}, p99 {p99:.2} (target <= 1.5: {met})"
        );
    }
}
