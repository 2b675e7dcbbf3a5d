//! The limits cannot be lifted from inside. containers/limits.rs shows memory, disk and pids
//! biting; this shows that the engine holds the asked-for figures for a real distribution's
//! environment, and that its cgroup files are out of the user's reach.

use super::sandbox::Sandbox;

#[tokio::test]
async fn an_environment_cannot_raise_its_own_limits() {
    let sandbox = Sandbox::start_with("limit-lifter", |s| s.pids_limit = 128).await;
    let host = &sandbox.inspect()["HostConfig"];
    let (_, environment) = sandbox.app.container(&sandbox.token, &sandbox.id).await;
    let resources = &environment["resources"];
    let memory = resources["memory_mb"].as_i64().unwrap() * 1024 * 1024;
    assert_eq!(host["Memory"], memory);
    assert_eq!(
        host["MemorySwap"], memory,
        "no swap beyond the memory limit"
    );
    assert_eq!(host["PidsLimit"], 128);
    assert_eq!(
        host["StorageOpt"]["size"],
        format!("{}M", resources["disk_mb"].as_i64().unwrap())
    );
    let millicores = resources["cpu_shares"].as_i64().unwrap();
    assert_eq!(host["NanoCpus"], millicores * 1_000_000);
    assert_eq!(host["Privileged"], false);

    // cgroup v1 and v2 spellings: whichever exists must refuse a write.
    let raise = sandbox
        .run(
            "for f in /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max \
                      /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max \
                      /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu.max; do \
               [ -e $f ] || continue; echo seen $f; \
               if echo max > $f 2>/dev/null || echo -1 > $f 2>/dev/null; then echo raised $f; fi; \
             done",
        )
        .await;
    assert!(raise.stdout.contains("seen "), "{}", raise.stdout);
    assert!(!raise.stdout.contains("raised"), "{}", raise.stdout);
    let limit = sandbox
        .run(
            "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null",
        )
        .await;
    assert_eq!(limit.stdout.trim(), memory.to_string());
}
