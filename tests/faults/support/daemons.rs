//! The daemons the fault tests stop and start again. Postgres and Redis are private
//! instances, made for one test on free ports, so stopping them disturbs nobody. There is only
//! one Docker engine, the stack's own: `make test` runs its test alone, after the main suite.
//! Whatever a test stops comes back when its guard is dropped, pass or fail.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A daemon that a test can stop and start again.
pub trait Daemon {
    fn name(&self) -> &'static str;
    fn stop(&mut self);
    fn start(&mut self);
}

/// A Redis of the test's own, saving its data on shutdown like the stack's, so a restart
/// keeps the queue.
pub struct PrivateRedis {
    pub url: String,
    port: u16,
    dir: TempDir,
    child: Option<std::process::Child>,
}

impl PrivateRedis {
    pub fn launch() -> Self {
        let port = free_port();
        let mut redis = Self {
            url: format!("redis://127.0.0.1:{port}/0"),
            port,
            dir: TempDir::new("redis"),
            child: None,
        };
        redis.start();
        redis
    }
}

impl Daemon for PrivateRedis {
    fn name(&self) -> &'static str {
        "redis"
    }

    fn stop(&mut self) {
        if let Some(child) = self.child.take() {
            let pid = child.id().to_string();
            run(Command::new("kill").args(["-TERM", &pid]), "stop redis");
            wait_exit(child);
        }
    }

    fn start(&mut self) {
        let log = File::create(self.dir.path.join("redis.log")).unwrap();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(["--save", "3600 1", "--appendonly", "no"])
            .arg("--dir")
            .arg(&self.dir.path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        wait_port(self.port);
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A Postgres cluster of the test's own, run by the postgres OS user as the stack's is.
pub struct PrivatePostgres {
    /// The maintenance database; tests make their own beside it.
    pub url: String,
    port: u16,
    dir: TempDir,
    running: bool,
}

impl PrivatePostgres {
    pub fn launch() -> Self {
        let dir = TempDir::new("postgres");
        run(
            Command::new("chown")
                .arg("postgres:postgres")
                .arg(&dir.path),
            "chown the cluster directory",
        );
        run(
            as_postgres("initdb")
                .arg("-D")
                .arg(dir.path.join("data"))
                .args(["-U", "postgres", "--auth=trust", "-E", "UTF8"]),
            "initdb",
        );
        let port = free_port();
        let mut postgres = Self {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            port,
            dir,
            running: false,
        };
        postgres.start();
        postgres
    }

    fn pg_ctl(&self, args: &[&str]) -> Command {
        let mut command = as_postgres("pg_ctl");
        command.arg("-D").arg(self.dir.path.join("data")).args(args);
        command
    }
}

impl Daemon for PrivatePostgres {
    fn name(&self) -> &'static str {
        "postgres"
    }

    /// A fast shutdown, as an operator's restart does: sessions are terminated, not waited for.
    fn stop(&mut self) {
        run(
            &mut self.pg_ctl(&["-m", "fast", "-w", "stop"]),
            "pg_ctl stop",
        );
        self.running = false;
    }

    fn start(&mut self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port,
            self.dir.path.display()
        );
        let log = self.dir.path.join("postgres.log");
        let log = log.to_str().unwrap();
        run(
            &mut self.pg_ctl(&["-w", "-t", "60", "-l", log, "-o", &options, "start"]),
            "pg_ctl start",
        );
        self.running = true;
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        if self.running {
            let _ = self.pg_ctl(&["-m", "immediate", "-w", "stop"]).output();
        }
    }
}

/// The stack's one Docker engine, through its script (`scripts/docker-engine.sh down|up`).
pub struct StackEngine;

impl Daemon for StackEngine {
    fn name(&self) -> &'static str {
        "docker"
    }

    fn stop(&mut self) {
        engine_script(&["down"]);
    }

    fn start(&mut self) {
        engine_script(&["up"]);
    }
}

/// A stopped daemon. Dropping it, as a failing test does, starts the daemon again.
pub struct Outage<'a, D: Daemon> {
    daemon: &'a mut D,
    down_since: Instant,
    restored: bool,
}

/// Stops `daemon`; it stays down until the outage is restored or dropped.
pub fn outage<D: Daemon>(daemon: &mut D) -> Outage<'_, D> {
    let started = Instant::now();
    daemon.stop();
    eprintln!(
        "{} stopped in {:.1} s",
        daemon.name(),
        started.elapsed().as_secs_f64()
    );
    Outage {
        daemon,
        down_since: Instant::now(),
        restored: false,
    }
}

impl<D: Daemon> Outage<'_, D> {
    /// Starts the daemon again; returns how long it was down, until it answered again.
    pub fn restore(mut self) -> Duration {
        self.daemon.start();
        self.restored = true;
        self.down_since.elapsed()
    }
}

impl<D: Daemon> Drop for Outage<'_, D> {
    fn drop(&mut self) {
        if !self.restored {
            eprintln!("restarting {} after a failure", self.daemon.name());
            self.daemon.start();
        }
    }
}

/// `scripts/docker-engine.sh ARGS` (`up`, `down node-c`...); panics with its output if it fails.
pub fn engine_script(args: &[&str]) {
    let script: PathBuf = [env!("CARGO_MANIFEST_DIR"), "scripts", "docker-engine.sh"]
        .iter()
        .collect();
    // Output to a file: the daemon it starts inherits it, and a pipe it held would never close.
    let log = std::env::temp_dir().join(format!("sandboxd-faults-docker-{}.log", args.join("-")));
    let out = File::create(&log).unwrap();
    let status = Command::new(script)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .status()
        .expect("the engine script runs");
    if !status.success() {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        panic!(
            "docker-engine.sh {} failed ({status}):\n{text}",
            args.join(" ")
        );
    }
}

fn as_postgres(program: &str) -> Command {
    let mut command = Command::new("runuser");
    command
        .args(["-u", "postgres", "--"])
        .arg(Path::new(PG_BIN).join(program));
    command
}

fn run(command: &mut Command, what: &str) {
    let output = command
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|err| panic!("{what}: {err}"));
    assert!(
        output.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn wait_exit(mut child: std::process::Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "a daemon did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new(what: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "sandboxd-faults-{what}-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Polls `check` every 100 ms until it holds; returns how long that took.
pub async fn time_until<F, Fut>(within: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return started.elapsed();
        }
        assert!(started.elapsed() < within, "{what}: not within {within:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
