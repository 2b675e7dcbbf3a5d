//! What the configuring stage puts into an environment: the scripts of `docker/shell/` and
//! the environment's options, as a tar archive for the engine to unpack at `/etc/sandboxd`.

use super::request::ShellOptions;

pub const DIRECTORY: &str = "/etc/sandboxd";
pub const CONFIGURE: &str = "/etc/sandboxd/configure.sh";

const FILES: [(&str, &str); 6] = [
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

/// The options as shell variables, for the scripts to read.
pub fn options_env(role: Option<&str>, shell: &ShellOptions) -> String {
    let flag = |on: bool| if on { "1" } else { "0" };
    // The theme is one of a fixed list, so it needs no quoting beyond this.
    format!(
        "SANDBOXD_ROLE='{}'\nSHELL_ENHANCED={}\nSHELL_THEME='{}'\nSHELL_AUTOSUGGESTIONS={}\n\
         SHELL_SYNTAX_HIGHLIGHT={}\nSHELL_HISTORY_SEARCH={}\nSHELL_GIT_ALIASES={}\n\
         SHELL_SYSTEM_STATS={}\nSHELL_USE_TMUX={}\n",
        role.unwrap_or(""),
        flag(shell.enhanced),
        shell.theme,
        flag(shell.autosuggestions),
        flag(shell.syntax_highlight),
        flag(shell.history_search),
        flag(shell.git_aliases),
        flag(shell.system_stats),
        flag(shell.use_tmux),
    )
}

/// A tar archive holding `sandboxd/` with the scripts and `options.env`, to unpack at `/etc`.
pub fn archive(role: Option<&str>, shell: &ShellOptions) -> std::io::Result<Vec<u8>> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut directory = tar::Header::new_gnu();
    directory.set_entry_type(tar::EntryType::Directory);
    directory.set_mode(0o755);
    directory.set_size(0);
    builder.append_data(&mut directory, "sandboxd/", std::io::empty())?;
    let options = options_env(role, shell);
    let entries = FILES
        .iter()
        .map(|(name, body)| (*name, body.as_bytes()))
        .chain(std::iter::once(("options.env", options.as_bytes())));
    for (name, body) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(if name.ends_with(".sh") { 0o755 } else { 0o644 });
        header.set_mtime(0);
        builder.append_data(&mut header, format!("sandboxd/{name}"), body)?;
    }
    builder.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_holds_every_script_and_the_options() {
        let shell = ShellOptions {
            use_tmux: true,
            ..ShellOptions::default()
        };
        let bytes = archive(Some("python"), &shell).unwrap();
        let mut archive = tar::Archive::new(bytes.as_slice());
        let names: Vec<String> = archive
            .entries()
            .unwrap()
            .map(|entry| entry.unwrap().path().unwrap().display().to_string())
            .collect();
        assert!(names.contains(&"sandboxd/configure.sh".to_string()));
        assert!(names.contains(&"sandboxd/options.env".to_string()));
        let env = options_env(Some("python"), &shell);
        assert!(env.contains("SANDBOXD_ROLE='python'") && env.contains("SHELL_USE_TMUX=1"));
    }
}
