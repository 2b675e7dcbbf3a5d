//! Stand-ins for the internet, a private machine and the cloud metadata service that live on
//! this machine only: each a network namespace behind a veth pair, with a route to it through
//! the host and a listener inside. Everything made is removed when the value is dropped, pass
//! or fail, and no probe is sent before every route points at its namespace.

use std::fs::File;
use std::process::{Child, Command, Stdio};

use uuid::Uuid;

/// One stand-in: the address it answers on, and the host's end of its veth pair.
pub struct Host {
    pub address: String,
    link: String,
}

pub struct Hosts {
    tag: String,
    namespaces: Vec<String>,
    links: Vec<String>,
    listeners: Vec<Child>,
    hosts: Vec<Host>,
    /// The addresses are fixed (169.254.169.254 has to be itself): one user at a time per
    /// machine, whichever checkout the test runs from.
    _lock: File,
}

fn ip(args: &[&str]) -> String {
    let output = Command::new("ip").args(args).output().expect("ip runs");
    assert!(
        output.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

impl Hosts {
    pub fn new() -> Self {
        let lock = File::create("/run/sandboxd-egress-test.lock").expect("lock file");
        lock.lock().expect("the egress test lock");
        Self {
            tag: Uuid::new_v4().simple().to_string()[..6].to_string(),
            namespaces: Vec::new(),
            links: Vec::new(),
            listeners: Vec::new(),
            hosts: Vec::new(),
            _lock: lock,
        }
    }

    /// Adds a namespace holding `address` on a /30 whose other end, `gateway`, is the host's.
    pub fn add(&mut self, role: char, gateway: &str, address: &str) -> usize {
        // Nothing of the machine's may already route these addresses anywhere but the
        // default route: what the test makes must be the only way there.
        for target in [gateway, address] {
            let route = ip(&["route", "show", "to", "match", target]);
            let specific: Vec<&str> = route
                .lines()
                .filter(|line| !line.starts_with("default"))
                .collect();
            assert!(
                specific.is_empty(),
                "{target} is routed already: {specific:?}"
            );
        }
        let namespace = format!("sbxe-{}-{role}", self.tag);
        let outside = format!("ve{}{role}h", self.tag);
        let inside = format!("ve{}{role}n", self.tag);
        self.namespaces.push(namespace.clone());
        ip(&["netns", "add", &namespace]);
        self.links.push(outside.clone());
        ip(&[
            "link", "add", &outside, "type", "veth", "peer", "name", &inside,
        ]);
        ip(&["link", "set", &inside, "netns", &namespace]);
        ip(&["addr", "add", &format!("{gateway}/30"), "dev", &outside]);
        ip(&["link", "set", &outside, "up"]);
        let net = ["-n", namespace.as_str()];
        ip(&[&net[..], &["link", "set", "lo", "up"]].concat());
        ip(&[
            &net[..],
            &["addr", "add", &format!("{address}/30"), "dev", &inside],
        ]
        .concat());
        ip(&[&net[..], &["link", "set", &inside, "up"]].concat());
        ip(&[&net[..], &["route", "add", "default", "via", gateway]].concat());
        self.hosts.push(Host {
            address: address.to_string(),
            link: outside,
        });
        self.assert_routed();
        self.hosts.len() - 1
    }

    pub fn address(&self, host: usize) -> &str {
        &self.hosts[host].address
    }

    /// Every stand-in's address leaves the host by its own veth, and nowhere else.
    pub fn assert_routed(&self) {
        for host in &self.hosts {
            let route = ip(&["route", "get", &host.address]);
            assert!(
                route.contains(&format!("dev {} ", host.link)),
                "{} is not routed to its namespace: {route}",
                host.address
            );
        }
    }

    /// Answers every connection to `port` of `host` with `reply`.
    pub fn listen(&mut self, host: usize, port: u16, reply: &str) {
        let namespace = &self.namespaces[host];
        let child = Command::new("ip")
            .args(["netns", "exec", namespace, "busybox", "nc", "-ll", "-p"])
            .arg(port.to_string())
            .args(["-e", "/bin/echo", reply])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("busybox nc listens");
        self.listeners.push(child);
    }
}

impl Drop for Hosts {
    fn drop(&mut self) {
        for listener in &mut self.listeners {
            let _ = listener.kill();
            let _ = listener.wait();
        }
        // Removing a namespace removes the veth inside it, its peer and the routes with them;
        // the links are removed by name too in case a namespace was never made.
        for namespace in &self.namespaces {
            let _ = Command::new("ip")
                .args(["netns", "del", namespace])
                .output();
        }
        for link in &self.links {
            let _ = Command::new("ip")
                .args(["link", "del", link])
                .stderr(Stdio::null())
                .output();
        }
    }
}

/// Every IPv4 address of the machine's own interfaces.
pub fn machine_addresses() -> Vec<String> {
    ip(&["-4", "-o", "addr", "show"])
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            words.find(|word| *word == "inet")?;
            Some(words.next()?.split('/').next()?.to_string())
        })
        .filter(|address| !address.starts_with("127."))
        .collect()
}
