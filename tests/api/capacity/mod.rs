//! Capacity that cannot be exhausted cheaply: user networks sized to the tier from a
//! configured address pool, `CAPACITY_EXHAUSTED` when it is full, and images that would
//! escape the disk quota or outlive their use.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::app::TestApp;
use crate::support::engine;

mod addresses;
mod images;

/// The network of the owner of `environment`, as the engine describes it; `Null` when the
/// engine says it has none (not when the engine could not be asked).
fn network(app: &TestApp, environment: &Value) -> Value {
    let name = engine::user_network(environment);
    let output = engine::docker(&app.settings, &["network", "inspect", &name]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success()
        && (stderr.contains("No such network") || stderr.contains("not found"))
    {
        return Value::Null;
    }
    let all: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("inspecting {name}: {err}: {stderr}"));
    all.get(0)
        .cloned()
        .unwrap_or_else(|| panic!("inspecting {name}: {stderr}"))
}

/// The subnet of the network of `environment`'s owner.
fn subnet(app: &TestApp, environment: &Value) -> String {
    let network = network(app, environment);
    network["IPAM"]["Config"][0]["Subnet"]
        .as_str()
        .unwrap_or_else(|| panic!("no subnet in {network}"))
        .to_string()
}

async fn until(within: Duration, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
