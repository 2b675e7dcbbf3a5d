//! From inside an environment: only the capabilities a dev shell needs, and none to be had by
//! asking; no mounts, no kernel modules, no raw devices or sockets, no host processes.

use super::sandbox::Sandbox;

/// What a dev shell keeps: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID,
/// SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, AUDIT_WRITE.
const KEPT: u64 =
    1 | 1 << 1 | 1 << 3 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7 | 1 << 8 | 1 << 10 | 1 << 18 | 1 << 29;

/// The capabilities an escape would want most, by bit.
const DANGEROUS: [(u32, &str); 9] = [
    (2, "DAC_READ_SEARCH"),
    (12, "NET_ADMIN"),
    (13, "NET_RAW"),
    (16, "SYS_MODULE"),
    (17, "SYS_RAWIO"),
    (19, "SYS_PTRACE"),
    (21, "SYS_ADMIN"),
    (27, "MKNOD"),
    (39, "BPF"),
];

fn field<'a>(status: &'a str, name: &str) -> &'a str {
    status
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{name}:")))
        .unwrap_or_else(|| panic!("no {name} in {status}"))
        .trim()
}

#[tokio::test]
async fn an_environment_holds_only_the_kept_capabilities_and_cannot_gain_more() {
    let sandbox = Sandbox::start("cap-hunter").await;
    let status = sandbox.run("cat /proc/self/status").await.stdout;
    for name in ["CapPrm", "CapEff", "CapBnd", "CapInh", "CapAmb"] {
        let set = u64::from_str_radix(field(&status, name), 16).unwrap();
        assert_eq!(set & !KEPT, 0, "{name} {set:x} holds more than {KEPT:x}");
        for (bit, capability) in DANGEROUS {
            assert_eq!(set & (1 << bit), 0, "{name} holds {capability}");
        }
    }
    assert_eq!(field(&status, "NoNewPrivs"), "1", "no-new-privileges");
    assert_eq!(field(&status, "Seccomp"), "2", "a seccomp filter");

    // Each must fail: a new user namespace (full capabilities inside it), raising a
    // capability, a raw socket, a device node.
    for attempt in [
        "unshare --user --map-root-user --mount true",
        "unshare --net true",
        "capsh --caps='cap_sys_admin+eip' -- -c true",
        "setpriv --inh-caps +sys_admin --ambient-caps +sys_admin true",
        "perl -MSocket -e 'socket(my $s, PF_INET, SOCK_RAW, 1) or exit 1'",
        "mknod /tmp/disk b 8 0",
    ] {
        let run = sandbox.run(attempt).await;
        assert_ne!(run.exit_code, 0, "{attempt} worked: {}", run.stdout);
    }
}

#[tokio::test]
async fn an_environment_cannot_mount_or_load_kernel_modules() {
    let sandbox = Sandbox::start("mounter").await;
    for attempt in [
        "mkdir -p /mnt/t && mount -t tmpfs none /mnt/t",
        "mkdir -p /mnt/p && mount -t proc proc /mnt/p",
        "mkdir -p /mnt/b && mount --bind / /mnt/b",
        "mount -o remount,rw /proc/sys",
        "mount -o remount,rw /sys/fs/cgroup",
        "echo 1 > /proc/sys/kernel/sysrq",
        "echo c > /proc/sysrq-trigger",
    ] {
        let run = sandbox.run(attempt).await;
        assert_ne!(run.exit_code, 0, "{attempt} worked");
    }
    let mounts = sandbox.run("cat /proc/self/mounts").await.stdout;
    assert!(!mounts.contains("/mnt/"), "{mounts}");

    // init_module (175) and finit_module (313) on x86_64: EPERM, whatever the module.
    let load = sandbox
        .run(
            "perl -e 'my ($image, $none) = (\"\\0\" x 64, \"\"); \
             syscall(175, $image, 64, $none); print $!+0, \"\\n\"; \
             syscall(313, 0, $none, 0); print $!+0, \"\\n\"'",
        )
        .await;
    assert_eq!(load.stdout, "1\n1\n", "EPERM for both: {}", load.stderr);
    let modules = sandbox.run("ls /lib/modules 2>&1").await.stdout;
    assert!(modules.contains("No such file"), "{modules}");
}

#[tokio::test]
async fn an_environment_sees_only_its_own_processes() {
    let sandbox = Sandbox::start("peeker").await;
    let seen = sandbox.run("ps -eo pid,comm --no-headers").await.stdout;
    let names: Vec<&str> = seen
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .collect();
    assert!(names.len() < 10, "{seen}");
    for host_only in [
        "dockerd",
        "containerd",
        "postgres",
        "redis-server",
        "sandboxd",
    ] {
        assert!(!names.contains(&host_only), "{host_only} visible: {seen}");
    }
    let test_process = std::process::id();
    let theirs = sandbox
        .run(&format!(
            "cat /proc/{test_process}/cmdline 2>/dev/null | tr '\\0' ' '"
        ))
        .await;
    assert!(
        !theirs.stdout.contains("api"),
        "host process visible: {}",
        theirs.stdout
    );
    // PID 1 is the environment's own init.
    let init = sandbox.run("tr '\\0' ' ' < /proc/1/cmdline").await.stdout;
    assert!(
        init.starts_with("/bin/sh /usr/lib/sandboxd/boot.sh"),
        "{init}"
    );
}
