//! The chart BENCHMARKS.md shows: each benchmark's figure beside its baseline.

use std::path::Path;

use anyhow::anyhow;
use plotters::prelude::*;

use crate::common::results::{Figure, Results};
use crate::{ratio_text, FONTS};

/// A bar per figure that has a baseline: ours over the baseline's, on a log scale around 1,
/// green where its target is met, red where it is not, grey where it has none.
pub fn draw(path: &Path, found: &[Results]) -> anyhow::Result<()> {
    load_font()?;
    let bars: Vec<(String, f64, Option<bool>)> = found
        .iter()
        .flat_map(|results| results.figures.iter())
        .filter_map(|figure: &Figure| {
            let ratio = figure.ratio().filter(|r| *r > 0.0)?;
            let label = format!("{} (vs {})", figure.name, figure.baseline.as_ref()?.name);
            Some((label, ratio, figure.met))
        })
        .collect();
    let count = bars.len().max(1);
    let low = bars.iter().map(|b| b.1).fold(1.0, f64::min) / 1.6;
    // Room on the right for the last label.
    let high = bars.iter().map(|b| b.1).fold(1.0, f64::max) * 4.0;

    let height = 110 + 34 * count as u32;
    let root = BitMapBackend::new(path, (1400, height)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "sandboxd / baseline, measured in the same run (log scale)",
            ("sans-serif", 22),
        )
        .margin(16)
        .x_label_area_size(36)
        .y_label_area_size(560)
        .build_cartesian_2d((low..high).log_scale(), (0..count).into_segmented())
        .map_err(draw_error)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(count)
        .y_label_style(("sans-serif", 14))
        .x_label_style(("sans-serif", 14))
        .x_label_formatter(&|x| format!("{x:.2}x"))
        .y_label_formatter(&|y| match y {
            // The first figure on top.
            SegmentValue::CenterOf(row) if *row < count => bars
                .get(count - 1 - *row)
                .map_or(String::new(), |bar| bar.0.clone()),
            _ => String::new(),
        })
        .draw()
        .map_err(draw_error)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(index, (_, ratio, met))| {
            let row = count - 1 - index;
            let color = match met {
                Some(true) => RGBColor(46, 160, 67),
                Some(false) => RGBColor(207, 34, 46),
                None => RGBColor(130, 130, 130),
            };
            let mut bar = Rectangle::new(
                [
                    (1.0, SegmentValue::Exact(row)),
                    (*ratio, SegmentValue::Exact(row + 1)),
                ],
                color.filled(),
            );
            bar.set_margin(6, 6, 0, 0);
            bar
        }))
        .map_err(draw_error)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(index, (_, ratio, _))| {
            Text::new(
                format!(" {}x", ratio_text(*ratio)),
                (ratio.max(1.0), SegmentValue::CenterOf(count - 1 - index)),
                ("sans-serif", 14),
            )
        }))
        .map_err(draw_error)?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![
                (1.0, SegmentValue::Exact(0)),
                (1.0, SegmentValue::Exact(count)),
            ],
            BLACK.stroke_width(1),
        )))
        .map_err(draw_error)?;
    root.present().map_err(draw_error)?;
    Ok(())
}

/// Text is drawn with a TrueType font read at run time: no fontconfig, no system library.
fn load_font() -> anyhow::Result<()> {
    let candidates = std::env::var("BENCH_FONT")
        .into_iter()
        .chain(FONTS.iter().map(|path| path.to_string()));
    for path in candidates {
        if let Ok(bytes) = std::fs::read(&path) {
            // plotters keeps fonts for the life of the process.
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            return plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
                .map_err(|_| anyhow!("{path} is not a TrueType font"));
        }
    }
    Err(anyhow!(
        "no font for the chart: install Debian's fonts-dejavu-core, or set BENCH_FONT to a .ttf"
    ))
}

fn draw_error<E: std::fmt::Debug>(err: E) -> anyhow::Error {
    anyhow!("drawing the chart: {err:?}")
}
