//! The SVG charts of the report (plotters, SVG backend only): grouped bars, one group per
//! workload (or per module), one bar per runner.

use super::model::Report;
use super::workloads::INIT;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// The charts `write` produces, with their titles (for the Markdown report).
pub const CHARTS: [(&str, &str); 4] = [
    ("time_ratio.svg", "Workload time, ratio to native Lua of the same version (median; lower is better)"),
    ("memory_efficiency.svg", "Memory efficiency: peak live bytes / linear memory grown (higher is better)"),
    ("sizes.svg", "Module size, KiB (raw and gzip -9)"),
    ("lua55.svg", "Lua 5.5 / Lua 5.4 per workload: time per backend, and peak live bytes (lower is better)"),
];

const COLORS: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

/// One bar per series in every group; `None` leaves a gap.
struct Bars {
    title: String,
    y_label: String,
    groups: Vec<String>,
    series: Vec<(String, Vec<Option<f64>>)>,
    /// A dashed horizontal line, e.g. native = 1.
    reference: Option<(f64, String)>,
}

pub fn write(report: &Report, dir: &Path) -> Result<(), String> {
    let timed: Vec<String> = report.workloads.iter().filter(|w| *w != INIT).cloned().collect();
    let mut ratio_series: Vec<(String, Vec<Option<f64>>)> = report
        .backends
        .iter()
        .map(|b| {
            let native = report.native_of(b);
            let ratios = timed.iter().map(|w| Some(b.workload(w)?.time?.median_ms / native?.workload(w)?.time.median_ms)).collect();
            (b.name.clone(), ratios)
        })
        .collect();
    if report.wasmoon.skipped.is_none() {
        let ratios = timed
            .iter()
            .map(|w| Some(report.wasmoon.workload(w)?.time.median_ms / report.native.workload(w)?.time.median_ms))
            .collect();
        ratio_series.push(("wasmoon".into(), ratios));
    }
    draw(
        &dir.join(CHARTS[0].0),
        Bars { title: CHARTS[0].1.into(), y_label: "time / native time".into(), groups: timed.clone(), series: ratio_series, reference: Some((1.0, "native".into())) },
    )?;

    let efficiency = report
        .backends
        .iter()
        .map(|b| (b.name.clone(), report.workloads.iter().map(|w| Some(b.workload(w)?.efficiency)).collect()))
        .collect();
    draw(
        &dir.join(CHARTS[1].0),
        Bars { title: CHARTS[1].1.into(), y_label: "peak live / grown".into(), groups: report.workloads.clone(), series: efficiency, reference: None },
    )?;

    let mut modules: Vec<(String, u64, u64)> = report.backends.iter().map(|b| (b.name.clone(), b.wasm_bytes, b.wasm_gzip_bytes)).collect();
    if report.wasmoon.skipped.is_none() {
        modules.push(("wasmoon".into(), report.wasmoon.wasm_bytes, report.wasmoon.wasm_gzip_bytes));
    }
    let kib = |bytes: u64| Some(bytes as f64 / 1024.0);
    draw(
        &dir.join(CHARTS[2].0),
        Bars {
            title: CHARTS[2].1.into(),
            y_label: "KiB".into(),
            groups: modules.iter().map(|m| m.0.clone()).collect(),
            series: vec![("raw".into(), modules.iter().map(|m| kib(m.1)).collect()), ("gzip -9".into(), modules.iter().map(|m| kib(m.2)).collect())],
            reference: None,
        },
    )?;

    // Lua 5.5 against 5.4: time per backend and peak live bytes (the same on every backend).
    let pairs: Vec<_> = report.on("5.5").filter_map(|new| Some((report.lua54_of(new)?, new))).collect();
    if pairs.is_empty() {
        return Ok(());
    }
    let mut series: Vec<(String, Vec<Option<f64>>)> = pairs
        .iter()
        .map(|(old, new)| {
            let ratios = timed.iter().map(|w| Some(new.workload(w)?.time?.median_ms / old.workload(w)?.time?.median_ms)).collect();
            (format!("time, {}", new.allocator()), ratios)
        })
        .collect();
    let (old, new) = pairs[0];
    let peak = timed.iter().map(|w| Some(new.workload(w)?.peak_live_bytes as f64 / old.workload(w)?.peak_live_bytes as f64)).collect();
    series.push(("peak live bytes".into(), peak));
    draw(
        &dir.join(CHARTS[3].0),
        Bars { title: CHARTS[3].1.into(), y_label: "Lua 5.5 / Lua 5.4".into(), groups: timed, series, reference: Some((1.0, "Lua 5.4".into())) },
    )
}

/// Ratios to a reference backend as grouped bars, each cut at `clip` so one pathological bar
/// does not flatten the rest (the tables carry the exact figures).
pub(crate) fn draw_ratios(path: &Path, title: &str, reference: &str, groups: Vec<String>, series: Vec<(String, Vec<Option<f64>>)>, clip: f64) -> Result<(), String> {
    let series = series.into_iter().map(|(name, values)| (name, values.into_iter().map(|v| v.filter(|r| r.is_finite()).map(|r| r.min(clip))).collect())).collect();
    draw(
        path,
        Bars {
            title: format!("{title} (median, lower is faster; bars cut at {clip}x)"),
            y_label: format!("time / {reference} time"),
            groups,
            series,
            reference: Some((1.0, reference.into())),
        },
    )
}

/// Draws grouped bars into an SVG file.
fn draw(path: &Path, bars: Bars) -> Result<(), String> {
    // Wide enough for every group's label (about 110 px each).
    let width = (110 * bars.groups.len() as u32 + 120).max(960);
    let root = SVGBackend::new(path, (width, 480)).into_drawing_area();
    let result = draw_on(&root, &bars).and_then(|()| root.present().map_err(|e| e.to_string()));
    result.map_err(|e| format!("cannot draw {}: {e}", path.display()))
}

fn draw_on(root: &DrawingArea<SVGBackend, plotters::coord::Shift>, bars: &Bars) -> Result<(), String> {
    let err = |e: DrawingAreaErrorKind<_>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let max = bars.series.iter().flat_map(|(_, v)| v.iter().flatten()).chain(bars.reference.as_ref().map(|r| &r.0)).fold(0.0f64, |m, v| m.max(*v));
    let groups = bars.groups.len() as f64;
    let mut chart = ChartBuilder::on(root)
        .caption(&bars.title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(56)
        .build_cartesian_2d(0.0..groups, 0.0..max * 1.15)
        .map_err(err)?;
    chart.configure_mesh().disable_x_mesh().x_labels(0).y_desc(bars.y_label.as_str()).draw().map_err(err)?;

    let width = 0.8 / bars.series.len() as f64;
    for (s, (name, values)) in bars.series.iter().enumerate() {
        let color = COLORS[s % COLORS.len()];
        let rects = values.iter().enumerate().filter_map(|(g, v)| {
            let left = g as f64 + 0.1 + s as f64 * width;
            v.map(|v| Rectangle::new([(left, 0.0), (left + width * 0.9, v)], color.filled()))
        });
        chart
            .draw_series(rects)
            .map_err(err)?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled()));
    }
    if let Some((value, label)) = &bars.reference {
        let line = DashedLineSeries::new([(0.0, *value), (groups, *value)], 6, 4, BLACK.stroke_width(1));
        chart.draw_series(line).map_err(err)?.label(label.as_str()).legend(|(x, y)| PathElement::new([(x, y), (x + 10, y)], BLACK));
    }
    chart.configure_series_labels().position(SeriesLabelPosition::UpperLeft).background_style(WHITE.mix(0.8)).border_style(BLACK).draw().map_err(err)?;

    // Group names under the axis, centred under each group.
    let style = TextStyle::from(("sans-serif", 13).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    for (g, name) in bars.groups.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(g as f64 + 0.5, 0.0));
        root.draw(&Text::new(name.as_str(), (x, y + 6), style.clone())).map_err(err)?;
    }
    Ok(())
}
