//! An engine whose pidfiles outlived it starts again. Pids repeat: after a reboot, or in a
//! fresh pid namespace where the stack starts in the same order, a dead engine's pid may be a
//! thread of another daemon (dockerd then refuses to start, and would take the thread's
//! process for its containerd and kill it) or another engine's dockerd (which `down` would
//! then stop). node-c, one of the test stack's extra engines, stands in.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::thread;

use crate::support::daemons::engine_script;

/// The directory of a test node's socket, where its pidfile and exec root live too.
fn node_dir(node: &str) -> PathBuf {
    let var = format!(
        "SANDBOXD_TEST_{}_DOCKER_HOST",
        node.to_uppercase().replace('-', "_")
    );
    let host = std::env::var(&var).unwrap_or_else(|_| panic!("{var} (from the stack's env)"));
    let socket = host.strip_prefix("unix://").expect("a unix socket");
    Path::new(socket).parent().unwrap().to_path_buf()
}

fn pid_in(pidfile: &Path) -> u32 {
    let text = std::fs::read_to_string(pidfile).unwrap();
    text.trim().parse().unwrap()
}

fn engine_answers(node: &str) -> bool {
    let socket = node_dir(node).join("docker.sock");
    Command::new("docker")
        .args(["-H", &format!("unix://{}", socket.display()), "version"])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Threads of this process that wait until dropped, and their thread ids.
struct ParkedThreads {
    ids: Vec<u32>,
    release: Vec<mpsc::Sender<()>>,
}

impl ParkedThreads {
    fn spawn(count: usize) -> Self {
        let (mut ids, mut release) = (Vec::new(), Vec::new());
        for _ in 0..count {
            let (id_tx, id_rx) = mpsc::channel();
            let (release_tx, release_rx) = mpsc::channel::<()>();
            thread::spawn(move || {
                id_tx.send(unsafe { libc::gettid() } as u32).unwrap();
                let _ = release_rx.recv();
            });
            ids.push(id_rx.recv().unwrap());
            release.push(release_tx);
        }
        Self { ids, release }
    }

    fn all_alive(&self) -> bool {
        self.ids
            .iter()
            .all(|id| Path::new(&format!("/proc/self/task/{id}")).exists())
    }
}

impl Drop for ParkedThreads {
    fn drop(&mut self) {
        self.release.clear();
    }
}

/// Starts node-c again however the test ends.
struct NodeComesBack;

impl Drop for NodeComesBack {
    fn drop(&mut self) {
        engine_script(&["up", "node-c"]);
    }
}

#[test]
#[ignore = "restarts the node-c engine; `make test` runs it alone, after the main suite"]
fn an_engine_starts_again_past_pidfiles_naming_threads_or_another_engine() {
    let node_c = node_dir("node-c");
    let pidfile = node_c.join("docker.pid");
    let containerd_pidfile = node_c.join("docker-exec/containerd/containerd.pid");
    let node_b_pid = pid_in(&node_dir("node-b").join("docker.pid"));
    assert!(engine_answers("node-b") && engine_answers("node-c"));

    let _back = NodeComesBack;
    engine_script(&["down", "node-c"]);
    assert!(!engine_answers("node-c"), "node-c still answers after down");

    std::fs::write(&pidfile, format!("{node_b_pid}\n")).unwrap();
    engine_script(&["down", "node-c"]);
    assert!(
        engine_answers("node-b"),
        "stopping node-c stopped node-b, whose pid its pidfile named"
    );

    let threads = ParkedThreads::spawn(2);
    std::fs::create_dir_all(containerd_pidfile.parent().unwrap()).unwrap();
    std::fs::write(&pidfile, format!("{}\n", threads.ids[0])).unwrap();
    std::fs::write(&containerd_pidfile, format!("{}", threads.ids[1])).unwrap();
    engine_script(&["up", "node-c"]);
    assert!(engine_answers("node-c"), "node-c does not answer after up");
    let started = pid_in(&pidfile);
    assert!(
        !threads.ids.contains(&started) && started != node_b_pid,
        "node-c's pidfile names {started}"
    );
    assert!(
        threads.all_alive(),
        "a thread the stale pidfiles named died"
    );
    assert_eq!(pid_in(&node_dir("node-b").join("docker.pid")), node_b_pid);
    println!("FAULT pidfiles: node-c started past pidfiles naming threads {:?} and node-b's dockerd {node_b_pid}; now pid {started}", threads.ids);
}
