//! The shell options a create may ask for: what configure.sh applies inside the environment.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Shell customisation. Keys may also be given as `shell.<key>`, as Rexec's schema shows them.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(default)]
pub struct ShellOptions {
    #[serde(alias = "shell.enhanced")]
    pub enhanced: bool,
    /// rexec, minimal or classic.
    #[serde(alias = "shell.theme")]
    pub theme: String,
    #[serde(alias = "shell.autosuggestions")]
    pub autosuggestions: bool,
    #[serde(alias = "shell.syntax_highlight")]
    pub syntax_highlight: bool,
    #[serde(alias = "shell.history_search")]
    pub history_search: bool,
    #[serde(alias = "shell.git_aliases")]
    pub git_aliases: bool,
    #[serde(alias = "shell.system_stats")]
    pub system_stats: bool,
    #[serde(alias = "shell.use_tmux")]
    pub use_tmux: bool,
}

impl Default for ShellOptions {
    fn default() -> Self {
        Self {
            enhanced: true,
            theme: "rexec".into(),
            autosuggestions: true,
            syntax_highlight: true,
            history_search: true,
            git_aliases: true,
            system_stats: true,
            use_tmux: false,
        }
    }
}

pub const THEMES: [&str; 3] = ["rexec", "minimal", "classic"];
