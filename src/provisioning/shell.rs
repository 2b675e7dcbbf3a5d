//! What makes an environment's shell: the scripts of `docker/shell/`, shared read-only by every
//! environment at `/usr/lib/sandboxd`, and the environment's options, given to its first
//! process (`boot.sh`), which applies them on the first boot and reports how that went.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::shell_options::ShellOptions;
use crate::runtime::RuntimeError;

pub const DIRECTORY: &str = "/usr/lib/sandboxd";
const BOOT: &str = "/usr/lib/sandboxd/boot.sh";
/// The line boot.sh prints once configuring is over, followed by its exit status.
const CONFIGURED: &str = "sandboxd-configured ";

const FILES: [(&str, &str); 7] = [
    ("boot.sh", include_str!("../../docker/shell/boot.sh")),
    (
        "configure.sh",
        include_str!("../../docker/shell/configure.sh"),
    ),
    ("zshrc", include_str!("../../docker/shell/zshrc")),
    ("bashrc", include_str!("../../docker/shell/bashrc")),
    ("shrc", include_str!("../../docker/shell/shrc")),
    ("tmux.conf", include_str!("../../docker/shell/tmux.conf")),
    ("stats.sh", include_str!("../../docker/shell/stats.sh")),
];

/// The scripts' image repository. `.invalid` never resolves (RFC 2606), so no pull, such as a
/// user's custom image, can put an image of someone else's under this name.
pub const SCRIPTS_REPOSITORY: &str = "sandboxd.invalid/shell";

/// Where builds before [`SCRIPTS_REPOSITORY`] kept their scripts' images.
const EARLIER_SCRIPTS_REPOSITORY: &str = "sandboxd/shell";

/// The names a build with scripts of `version` may have given their image.
/// Whether `err` names the scripts' holder: the engine's wording and status for a missing one
/// vary with its version; the name does not.
pub fn names_scripts_holder(err: &RuntimeError) -> bool {
    err.to_string().contains(&scripts_holder().container)
}

pub fn scripts_images(version: &str) -> Vec<String> {
    [SCRIPTS_REPOSITORY, EARLIER_SCRIPTS_REPOSITORY]
        .map(|repository| format!("{repository}:{version}"))
        .to_vec()
}

/// Where the engine keeps one version of the scripts: named after the archive's digest, so
/// environments made by an older build keep theirs and replicas of one build share one.
pub struct ScriptsHolder {
    pub version: String,
    pub container: String,
    pub image: String,
    /// The image's whole filesystem.
    pub archive: Vec<u8>,
}

/// This build's scripts, packed once per process.
pub fn scripts_holder() -> &'static ScriptsHolder {
    static HOLDER: OnceLock<ScriptsHolder> = OnceLock::new();
    HOLDER.get_or_init(|| {
        let archive = scripts_archive();
        let version = hex::encode(Sha256::digest(&archive))[..12].to_string();
        ScriptsHolder {
            container: format!("sandboxd-shell-{version}"),
            image: format!("{SCRIPTS_REPOSITORY}:{version}"),
            version,
            archive,
        }
    })
}

/// The scripts as a root filesystem archive: `usr/lib/sandboxd/*`, the same bytes on every
/// build of the same scripts (no times, owners or order that vary).
fn scripts_archive() -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let relative = DIRECTORY.trim_start_matches('/');
    let mut parent = String::new();
    // Writing to memory cannot fail.
    let written = "appending to an in-memory archive";
    for part in relative.split('/') {
        parent.push_str(part);
        parent.push('/');
        let mut directory = tar::Header::new_gnu();
        directory.set_entry_type(tar::EntryType::Directory);
        directory.set_mode(0o755);
        directory.set_size(0);
        directory.set_mtime(0);
        builder
            .append_data(&mut directory, &parent, std::io::empty())
            .expect(written);
    }
    for (name, body) in FILES {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(if name.ends_with(".sh") { 0o755 } else { 0o644 });
        header.set_mtime(0);
        builder
            .append_data(&mut header, format!("{parent}{name}"), body.as_bytes())
            .expect(written);
    }
    if let Some(busybox) = super::helper::static_busybox() {
        let mut header = tar::Header::new_gnu();
        header.set_size(busybox.len() as u64);
        header.set_mode(0o755);
        header.set_mtime(0);
        builder
            .append_data(&mut header, format!("{parent}busybox"), busybox.as_slice())
            .expect(written);
    }
    builder.into_inner().expect(written)
}

/// The options as shell assignments, one per argument, for boot.sh to write down and the
/// scripts to read.
fn options(role: Option<&str>, shell: &ShellOptions) -> Vec<String> {
    let flag = |on: bool| if on { "1" } else { "0" };
    // Role and theme are each one of a fixed list, so they need no quoting beyond this.
    vec![
        format!("SANDBOXD_ROLE='{}'", role.unwrap_or("")),
        format!("SHELL_ENHANCED={}", flag(shell.enhanced)),
        format!("SHELL_THEME='{}'", shell.theme),
        format!("SHELL_AUTOSUGGESTIONS={}", flag(shell.autosuggestions)),
        format!("SHELL_SYNTAX_HIGHLIGHT={}", flag(shell.syntax_highlight)),
        format!("SHELL_HISTORY_SEARCH={}", flag(shell.history_search)),
        format!("SHELL_GIT_ALIASES={}", flag(shell.git_aliases)),
        format!("SHELL_SYSTEM_STATS={}", flag(shell.system_stats)),
        format!("SHELL_USE_TMUX={}", flag(shell.use_tmux)),
    ]
}

/// The first process's arguments: the options, then, after `--`, the command it runs on
/// every boot once the shell is configured, if there is one.
pub fn arguments(role: Option<&str>, shell: &ShellOptions, command: &[String]) -> Vec<String> {
    let mut arguments = options(role, shell);
    if !command.is_empty() {
        arguments.push("--".into());
        arguments.extend(command.iter().cloned());
    }
    arguments
}

/// The environment's first process.
pub fn entrypoint() -> Vec<String> {
    vec!["/bin/sh".into(), BOOT.into()]
}

/// A first process that needs nothing from sandboxd: sleeps, and exits at once when stopped.
/// For environments taken elsewhere (a Compose export), where the shared scripts are not.
pub fn portable_entrypoint() -> Vec<String> {
    vec![
        "/bin/sh".into(),
        "-c".into(),
        "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done".into(),
    ]
}

/// The exit status of configuring, when `line` is boot.sh's report of it.
pub fn configured_status(line: &str) -> Option<i64> {
    line.trim_end()
        .strip_prefix(CONFIGURED)
        .and_then(|status| status.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_holds_every_script_under_the_shared_directory() {
        let bytes = scripts_archive();
        let mut archive = tar::Archive::new(bytes.as_slice());
        let names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|entry| entry.unwrap().path().unwrap().display().to_string())
            .collect();
        assert!(names.contains(&"usr/lib/sandboxd/boot.sh".to_string()));
        assert!(names.contains(&"usr/lib/sandboxd/configure.sh".to_string()));
        // The static busybox rides along where the host has one.
        let busybox = super::super::helper::static_busybox().is_some();
        assert_eq!(
            names.contains(&"usr/lib/sandboxd/busybox".to_string()),
            busybox
        );
        assert_eq!(
            names.len(),
            FILES.len() + 3 + usize::from(busybox),
            "{names:?}"
        );
        assert_eq!(
            bytes,
            scripts_archive(),
            "the same scripts make the same bytes"
        );
        assert!(scripts_holder().image.starts_with(SCRIPTS_REPOSITORY));
    }

    #[test]
    fn the_options_name_the_role_and_every_choice() {
        let shell = ShellOptions {
            use_tmux: true,
            ..ShellOptions::default()
        };
        let options = options(Some("python"), &shell);
        assert!(options.contains(&"SANDBOXD_ROLE='python'".to_string()));
        assert!(options.contains(&"SHELL_USE_TMUX=1".to_string()));
    }

    #[test]
    fn only_boot_reports_are_read_as_statuses() {
        assert_eq!(configured_status("sandboxd-configured 0\n"), Some(0));
        assert_eq!(configured_status("sandboxd-configured 1"), Some(1));
        assert_eq!(
            configured_status("sandboxd: configured: shell /bin/zsh"),
            None
        );
        assert_eq!(configured_status("sandboxd-configured soon"), None);
    }

    #[test]
    fn the_holder_changes_with_the_scripts_only() {
        assert_eq!(scripts_holder().container, scripts_holder().container);
        assert!(scripts_holder().container.starts_with("sandboxd-shell-"));
    }
}
