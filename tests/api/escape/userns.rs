//! Root inside an environment is an unprivileged user on the host: the engine remaps user
//! namespaces, so even a full escape from the container lands as a nobody.

use super::sandbox::Sandbox;

/// The ids of a `/proc/PID/status` line such as `Uid:` (real, effective, saved, filesystem).
fn ids(status: &str, name: &str) -> Vec<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name}: {status}"))
        .split_whitespace()
        .map(|id| id.parse().unwrap())
        .collect()
}

#[tokio::test]
async fn root_in_an_environment_is_an_unprivileged_user_on_the_host() {
    let sandbox = Sandbox::start("would-be-root").await;
    let inside = sandbox
        .run("id -u; cat /proc/self/uid_map /proc/self/gid_map")
        .await;
    let mut lines = inside.stdout.lines();
    assert_eq!(lines.next(), Some("0"), "the shell is root inside");
    for map in lines {
        let fields: Vec<u64> = map.split_whitespace().map(|n| n.parse().unwrap()).collect();
        let (inner, outer, count) = (fields[0], fields[1], fields[2]);
        assert_eq!(inner, 0, "{map}");
        assert!(outer >= 65536, "root maps to host id {outer}: {map}");
        assert!(count <= 65536, "a bounded range: {map}");
    }

    // From the host: the environment's init runs as the remapped id, not as root.
    let pid = sandbox.inspect()["State"]["Pid"].as_u64().unwrap();
    assert!(pid > 0);
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    for name in ["Uid", "Gid"] {
        for id in ids(&status, name) {
            assert!(id >= 65536, "the container's {name} on the host is {id}");
        }
    }
    // And so does a command a user starts in it.
    let started = sandbox
        .run("sleep 30 >/dev/null 2>&1 & echo $!")
        .await
        .stdout;
    let inner_pid: u64 = started.trim().parse().unwrap();
    let namespace = std::fs::read_link(format!("/proc/{pid}/ns/pid")).unwrap();
    let host_view = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u64>().ok())
        .filter(|host_pid| {
            std::fs::read_link(format!("/proc/{host_pid}/ns/pid")).ok() == Some(namespace.clone())
        })
        .filter_map(|host_pid| std::fs::read_to_string(format!("/proc/{host_pid}/status")).ok())
        .find(|status| ids(status, "NSpid").last() == Some(&inner_pid));
    let host_view = host_view.expect("the sleep is visible from the host");
    assert!(ids(&host_view, "Uid").iter().all(|id| *id >= 65536));
}
