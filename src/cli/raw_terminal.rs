//! The local terminal in raw mode for as long as a shell is attached, restored however the
//! command ends: a normal return, an error, a panic's unwinding, or a signal (the shell's loop
//! turns SIGTERM, SIGHUP and SIGINT into an ordinary return).

use std::io::IsTerminal;

pub struct RawTerminal {
    active: bool,
}

impl RawTerminal {
    /// Raw mode on stdin when it is a terminal; nothing otherwise (input from a pipe).
    pub fn enter() -> std::io::Result<Self> {
        let active = std::io::stdin().is_terminal();
        if active {
            crossterm::terminal::enable_raw_mode()?;
        }
        Ok(Self { active })
    }

    /// Writes `text` on a line of its own, as raw mode needs (no translation of `\n`).
    pub fn note(&self, text: &str) {
        let end = if self.active { "\r\n" } else { "\n" };
        eprint!("{end}[sandboxd] {text}{end}");
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        if self.active {
            let _ = crossterm::terminal::disable_raw_mode();
        }
    }
}

/// The local terminal's size, or the customary one when there is none.
pub fn size() -> (u16, u16) {
    crossterm::terminal::size()
        .ok()
        .filter(|&(cols, rows)| cols > 0 && rows > 0)
        .unwrap_or(FALLBACK_SIZE)
}

/// A terminal's customary size, for input from a pipe.
const FALLBACK_SIZE: (u16, u16) = (80, 24);
