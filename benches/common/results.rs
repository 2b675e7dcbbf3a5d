//! Each benchmark writes its figures to `target/bench/<name>.json`; the report reads them all.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One figure, with the baseline it was measured against in the same run, if it has one.
#[derive(Serialize, Deserialize, Clone)]
pub struct Figure {
    pub name: String,
    pub unit: String,
    pub value: f64,
    pub baseline: Option<Baseline>,
    /// The target as written, e.g. "< 20 ms" or "ratio <= 1.3".
    pub target: Option<String>,
    pub met: Option<bool>,
}

#[derive(Serialize, Deserialize, Clone)]
pub struct Baseline {
    pub name: String,
    pub value: f64,
}

#[derive(Serialize, Deserialize, Default)]
pub struct Results {
    pub bench: String,
    pub title: String,
    pub figures: Vec<Figure>,
    /// How it was measured, and anything a reader needs to judge the figures.
    pub notes: Vec<String>,
}

impl Figure {
    pub fn new(name: &str, unit: &str, value: f64) -> Figure {
        Figure {
            name: name.to_string(),
            unit: unit.to_string(),
            value,
            baseline: None,
            target: None,
            met: None,
        }
    }

    pub fn against(mut self, name: &str, value: f64) -> Figure {
        self.baseline = Some(Baseline {
            name: name.to_string(),
            value,
        });
        self
    }

    pub fn target(mut self, target: &str, met: bool) -> Figure {
        self.target = Some(target.to_string());
        self.met = Some(met);
        self
    }

    /// Ours over the baseline's.
    pub fn ratio(&self) -> Option<f64> {
        let baseline = self.baseline.as_ref()?;
        (baseline.value != 0.0).then(|| self.value / baseline.value)
    }
}

impl Results {
    pub fn new(bench: &str, title: &str) -> Results {
        Results {
            bench: bench.to_string(),
            title: title.to_string(),
            ..Results::default()
        }
    }

    pub fn push(&mut self, figure: Figure) {
        self.figures.push(figure);
    }

    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// Prints the table and writes the file.
    pub fn finish(&self) -> anyhow::Result<()> {
        println!();
        println!("{}", self.title);
        println!(
            "{:<44} {:>14} {:>12} {:>8}  {:<18} result",
            "figure", "ours", "baseline", "ratio", "target"
        );
        for figure in &self.figures {
            let baseline = figure
                .baseline
                .as_ref()
                .map_or("-".to_string(), |b| format!("{:.1}", b.value));
            let ratio = figure
                .ratio()
                .map_or("-".to_string(), |r| format!("{r:.2}"));
            let verdict = match figure.met {
                Some(true) => "PASS",
                Some(false) => "MISS",
                None => "",
            };
            println!(
                "{:<44} {:>14} {:>12} {:>8}  {:<18} {verdict}",
                figure.name,
                format!("{:.1} {}", figure.value, figure.unit),
                baseline,
                ratio,
                figure.target.as_deref().unwrap_or("-"),
            );
        }
        for note in &self.notes {
            println!("  note: {note}");
        }
        let dir = dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{}.json", self.bench));
        std::fs::write(&path, serde_json::to_string_pretty(self)?)?;
        eprintln!("==> results written to {}", path.display());
        Ok(())
    }
}

/// Where results go: under cargo's target directory, which may be moved by CARGO_TARGET_DIR.
pub fn dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("bench")
}
