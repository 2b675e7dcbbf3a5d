//! A tier's `egress` as admins read and write it, and a worker that cannot install the
//! firewall.

use sandboxd::config::Settings;
use sandboxd::startup::Application;
use serde_json::{json, Value};

use crate::support::app::{assert_error, fresh_database, spawn_app};

#[tokio::test]
async fn tier_egress_is_shown_documented_and_validated_with_clear_errors() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let document = app.openapi().await;
    let schema = &document["components"]["schemas"]["Tier"]["properties"]["egress"];
    assert!(!schema.is_null(), "Tier documents egress: {document:#}");
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        let target = &document["components"]["schemas"][name];
        assert!(target["oneOf"].is_array(), "{name}: {target}");
    }
    let tiers: Value = app
        .get("/api/admin/tiers", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    for tier in tiers.as_array().unwrap() {
        assert_eq!(tier["egress"], "public", "the default: {tier}");
    }

    let free = app.tier(&admin, "free").await;
    let put = |egress: Value| {
        let mut tier = free.clone();
        tier["egress"] = egress;
        let app = &app;
        let admin = admin.clone();
        async move { app.put("/api/admin/tiers/free", Some(&admin), &tier).await }
    };
    let body = assert_error(put(json!("open")).await, 400, "INVALID_JSON").await;
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("\"public\", \"none\""),
        "{body}"
    );
    let body = assert_error(
        put(json!([{"cidr": "10.0.0.1/8"}])).await,
        400,
        "INVALID_TIER",
    )
    .await;
    assert!(
        body["error"].as_str().unwrap().contains("10.0.0.0/8"),
        "{body}"
    );
    let body = assert_error(put(json!([{"cidr": "nowhere"}])).await, 400, "INVALID_TIER").await;
    assert!(
        body["error"].as_str().unwrap().contains("nowhere"),
        "{body}"
    );
    let zero = json!([{"cidr": "203.0.113.0/24", "ports": [0]}]);
    assert_error(put(zero).await, 400, "INVALID_TIER").await;
    let big = json!([{"cidr": "203.0.113.0/24", "ports": [70000]}]);
    assert_error(put(big).await, 400, "INVALID_JSON").await;
    let many: Vec<Value> = (0..65)
        .map(|i| json!({"cidr": format!("203.0.113.{i}")}))
        .collect();
    assert_error(put(json!(many)).await, 400, "INVALID_TIER").await;

    let list = json!([{"cidr": "203.0.113.0/24", "ports": [443, 8080]}, {"cidr": "2001:db8::/32", "ports": []}]);
    let response = put(list.clone()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.tier(&admin, "free").await["egress"], list);
    let response = put(json!("none")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(app.tier(&admin, "free").await["egress"], "none");
    // A client that leaves the field out gets the default, as for a tier made before it.
    let mut tier = free.clone();
    tier.as_object_mut().unwrap().remove("egress");
    tier["name"] = json!("no-egress-field");
    let response = app.post("/api/admin/tiers", Some(&admin), &tier).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["egress"], "public");
}

#[tokio::test]
async fn a_worker_that_cannot_install_the_firewall_refuses_to_provision_and_says_why() {
    let mut settings = Settings::from_env().unwrap();
    settings.bind = "127.0.0.1:0".into();
    settings.database_url = fresh_database(&settings.database_url).await;
    settings.redis_prefix = format!("sandboxd-test:{}", uuid::Uuid::new_v4().simple());
    settings.iptables = "/nonexistent/iptables".into();
    // Each build that succeeds keeps its SSH listener: any free port, not the default's.
    settings.ssh.listen = Some("127.0.0.1:0".into());

    let refused = Application::build(settings.clone()).await;
    let message = format!("{:#}", refused.err().expect("the build is refused"));
    println!("{message}");
    for words in [
        "egress firewall",
        "CAP_NET_ADMIN",
        "SANDBOXD_EGRESS_FIREWALL=false",
    ] {
        assert!(message.contains(words), "{words:?} in {message}");
    }

    // Turned off explicitly, or with no workers here to protect, it starts.
    settings.egress_firewall = false;
    assert!(Application::build(settings.clone()).await.is_ok());
    settings.egress_firewall = true;
    settings.workers = 0;
    assert!(Application::build(settings).await.is_ok());
}
