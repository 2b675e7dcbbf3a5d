//! Commands started before they are known. An exec through the engine spends most of its
//! 50–70 ms starting the process (the engine's runtime entering the container); a shell
//! started ahead of time (see runtime/standby.rs), waiting on its stdin for one line that
//! names the command, runs it as soon as the line arrives. A warm pool's member gets one
//! when it is made, and every exec starts one for the next, so the first command on a taken
//! member and the ones after any command skip that start. Unused, one started after an
//! exec ends after a minute.
//!
//! The line carries what the engine would have been told: the variables and the command,
//! quoted for the shell. The command then runs as `run.sh` runs every exec's, in its own
//! process group with its pid recorded, so a timeout kills it the same way.

use std::time::Duration;

use uuid::Uuid;

use super::Exec;
use crate::runtime::{ExecOutput, ExecSpec, Runtime, RuntimeError};

/// Reads the line (a newline inside a value is written `"$nl"`), runs `run.sh`, then says
/// it is done with the line's marker on both streams (see runtime/marked.rs).
const READ_THEN_RUN: &str = concat!(
    "nl='\n'\nIFS= read -r line || exit 0\neval \"$line\"\n(\n",
    include_str!("run.sh"),
    ")\ncode=$?\n",
    "printf '\\n%s:%s\\n' \"$sandboxd_marker\" \"$code\"\n",
    "printf '\\n%s:%s\\n' \"$sandboxd_marker\" \"$code\" >&2\n",
    "exit \"$code\"\n"
);
/// How long a shell started after an exec waits for the next command.
const UNUSED_FOR: Duration = Duration::from_secs(60);

/// What a shell started ahead runs: it waits for its command's line.
pub fn waiting_command() -> Vec<String> {
    ["sh", "-c", READ_THEN_RUN, "sandboxd-exec"]
        .map(String::from)
        .to_vec()
}

impl Exec {
    /// Runs a job's command (`spec`, which wraps `command` in `run.sh`) on the shell started
    /// ahead for the environment when there is one that can say it, else through the
    /// engine; either way a shell is started for the next command.
    pub(super) async fn run_command(
        &self,
        runtime: &Runtime,
        job: Uuid,
        container: &str,
        spec: &ExecSpec,
        command: &[String],
    ) -> Result<ExecOutput, RuntimeError> {
        let standbys = &self.shared.standbys;
        let started = standbys.take(container).await;
        standbys.prepare(runtime.clone(), container.to_string(), UNUSED_FOR);
        let job = job.simple().to_string();
        let line = command_line(&spec.env, &job, command).filter(|_| spec.working_dir.is_none());
        if let (Some(process), Some(line)) = (started, line) {
            // Ended inside the container since it started: the engine starts the command.
            if runtime.process_running(&process.exec_id).await? {
                return runtime
                    .finish_marked(process, line.as_bytes(), &marker(&job), spec.output_cap)
                    .await;
            }
        }
        runtime.run(container, spec).await
    }
}

/// The line that makes a started shell run `command` as `run.sh` would under `job`, with
/// `env` exported; `None` when something in it cannot be said on one line of shell.
pub fn command_line(env: &[String], job: &str, command: &[String]) -> Option<String> {
    let mut line = format!("sandboxd_marker={}; ", marker(job));
    for pair in env {
        let (name, value) = pair.split_once('=')?;
        if !is_shell_name(name) {
            return None;
        }
        line.push_str(&format!("export {name}={}; ", quoted(value)?));
    }
    line.push_str("set --");
    for word in std::iter::once(job).chain(command.iter().map(String::as_str)) {
        line.push(' ');
        line.push_str(&quoted(word)?);
    }
    line.push('\n');
    Some(line)
}

/// What the shell prints when the job's command is done: the job's own id, which the
/// command could learn but nothing else prints by chance.
fn marker(job: &str) -> String {
    format!("sandboxd-done-{job}")
}

fn is_shell_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Single-quoted; a quote closes, escapes and reopens, a newline becomes the shell's `$nl`.
fn quoted(value: &str) -> Option<String> {
    if value.contains('\0') {
        return None;
    }
    let inner = value.replace('\'', "'\\''").replace('\n', "'\"$nl\"'");
    Some(format!("'{inner}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_survive_and_what_cannot_be_said_is_refused() {
        let line = command_line(
            &["A=it's".into(), "B=x\ny".into()],
            "job1",
            &["printf".into(), "%s".into(), "a b'c".into()],
        )
        .unwrap();
        assert_eq!(
            line,
            "sandboxd_marker=sandboxd-done-job1; export A='it'\\''s'; export B='x'\"$nl\"'y'; \
             set -- 'job1' 'printf' '%s' 'a b'\\''c'\n"
        );
        assert!(command_line(&["1A=x".into()], "j", &["true".into()]).is_none());
        assert!(command_line(&["NOEQUALS".into()], "j", &["true".into()]).is_none());
        assert!(command_line(&[], "j", &["a\0b".into()]).is_none());
    }

    #[test]
    fn a_shell_given_the_line_runs_the_command_with_its_words_and_variables() {
        use std::io::Write;
        let words = ["a b'c", "two\nlines", "$HOME `id`"].map(String::from);
        let mut command = vec![
            "sh".to_string(),
            "-c".into(),
            "printf '%s|' \"$@\" \"$V\"".into(),
            "-".into(),
        ];
        command.extend(words.iter().cloned());
        let line = command_line(&["V=it's".into()], "standby-unit", &command).unwrap();
        let mut shell = std::process::Command::new("sh")
            .args(["-c", READ_THEN_RUN, "sandboxd-exec"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        shell
            .stdin
            .take()
            .unwrap()
            .write_all(line.as_bytes())
            .unwrap();
        let output = shell.wait_with_output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "a b'c|two\nlines|$HOME `id`|it's|\nsandboxd-done-standby-unit:0\n"
        );
    }
}
