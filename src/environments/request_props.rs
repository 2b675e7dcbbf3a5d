//! Property tests of create-request validation: whatever a client sends, `plan` answers
//! without a panic, and what it accepts keeps to the tier and the naming rules.

use proptest::prelude::*;

use super::request::{plan, CreateContainerRequest};
use crate::model::Tier;
use crate::provisioning::catalogue::Catalogue;

fn tier() -> Tier {
    Tier {
        name: "free".into(),
        max_containers: 5,
        memory_mb_min: 256,
        memory_mb_default: 2048,
        memory_mb_max: 4096,
        cpu_millicores_min: 250,
        cpu_millicores_default: 2000,
        cpu_millicores_max: 4000,
        disk_mb_min: 1024,
        disk_mb_default: 10240,
        disk_mb_max: 16384,
        session_limit_seconds: None,
        idle_timeout_seconds: None,
        allowed_images: None,
        egress: Default::default(),
        node_targets: vec!["_any".into()],
        idle_action: Default::default(),
        snapshots_max: 5,
        snapshot_storage_mb_max: 5120,
    }
}

fn resource() -> impl Strategy<Value = Option<i64>> {
    proptest::option::of(prop_oneof![any::<i64>(), 0i64..20_000])
}

prop_compose! {
    fn request()(
        image in prop_oneof![Just("debian:bookworm".to_string()), Just("custom".to_string()), ".{0,20}"],
        name in proptest::option::of(prop_oneof!["[a-z0-9-]{1,64}", ".{0,70}"]),
        custom_image in proptest::option::of(prop_oneof!["[a-z0-9./:-]{1,40}", ".{0,40}"]),
        role in proptest::option::of(prop_oneof![Just("python".to_string()), Just("barebone".to_string()), ".{0,10}"]),
        memory_mb in resource(),
        cpu_shares in resource(),
        disk_mb in resource(),
        env in proptest::collection::vec(prop_oneof!["[A-Z_][A-Z0-9_]{0,8}=.{0,16}", ".{0,24}"], 0..4),
        environment in proptest::collection::btree_map("[A-Z_1][A-Z0-9_]{0,8}", ".{0,16}", 0..3),
        labels in proptest::collection::btree_map("[a-z./ ]{0,10}", ".{0,16}", 0..3),
        node in proptest::option::of(prop_oneof![Just("_any".to_string()), "[a-z]{1,5}:[a-z]{1,5}", ".{0,12}"]),
    ) -> CreateContainerRequest {
        CreateContainerRequest {
            snapshot: None,
            resolved_image: None,
            image, name, custom_image, role, shell: None, memory_mb, cpu_shares, disk_mb, env,
            environment, labels, node, stop_when_ready: false, workload: Default::default(),
        }
    }
}

const REFUSALS: &[&str] = &[
    "INVALID_NAME",
    "INVALID_NODE",
    "UNSUPPORTED_IMAGE",
    "INVALID_CUSTOM_IMAGE",
    "IMAGE_ID_NOT_ALLOWED",
    "REGISTRY_NOT_ALLOWED",
    "INVALID_ROLE",
    "INVALID_ENV",
    "INVALID_LABELS",
    "INVALID_THEME",
    "RESOURCE_BELOW_MINIMUM",
];

proptest! {
    #[test]
    fn any_request_is_planned_within_the_tier_or_refused_with_a_known_code(request in request()) {
        let catalogue = Catalogue::parse("debian:bookworm={registry}/sandboxd/debian:bookworm", "registry.test")
            .expect("a valid catalogue");
        let tier = tier();
        let asked = (request.memory_mb, request.cpu_shares, request.disk_mb);
        match plan(request, &tier, &catalogue) {
            Ok(planned) => {
                let resources = planned.resources;
                prop_assert!((tier.memory_mb_min..=tier.memory_mb_max).contains(&resources.memory_mb));
                prop_assert!((tier.cpu_millicores_min..=tier.cpu_millicores_max).contains(&resources.cpu_shares));
                prop_assert!((tier.disk_mb_min..=tier.disk_mb_max).contains(&resources.disk_mb));
                if asked.0.is_none() {
                    prop_assert_eq!(resources.memory_mb, tier.memory_mb_default);
                }
                if let Some(name) = &planned.name {
                    prop_assert!((1..=64).contains(&name.len()));
                    prop_assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
                }
                for entry in &planned.env {
                    let (key, _) = entry.split_once('=').expect("KEY=VALUE");
                    prop_assert!(!key.is_empty() && !entry.contains('\0'));
                }
            }
            Err(err) => prop_assert!(REFUSALS.contains(&err.code()), "unexpected code {}", err.code()),
        }
    }
}
