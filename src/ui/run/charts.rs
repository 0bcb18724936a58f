//! Live charts of a run, drawn with plotters on HTML canvases: latency
//! percentiles, throughput offered vs completed, availability against its
//! target (the design's objective, else its SLO; the p99 target once the
//! figures come near it, so that a far one does not flatten them), and
//! after a run the latency CDF. The previous run is drawn faintly behind the current one
//! for comparison under the same seed. A run of many seeds is drawn as
//! each figure's mean over the seeds with its 95 % confidence band; a
//! capacity curve as the same figures against the swept parameter,
//! with the closed form's p99 where the design is an M/M/c queue, the
//! knee and, for a rate, the saturation point.

use std::ops::Range;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use yew::prelude::*;

use super::seeds::{Batch, Seeds};
use super::Readouts;
use crate::metrics::SeriesPoint;
use crate::model::{Target, Targets};
use crate::sim::sweep::{self, Sweepable};
use crate::sim::{replications, TimelineEvent};
use crate::theory::Station;
use crate::ui::download::download_data_url;
use crate::ui::store::Shared;

/// Which chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// p50, p95 and p99 response time over time, with the p99 target (the
    /// design's objective, else its SLO).
    Latency,
    /// Requests offered, completed and ended in error per second.
    Throughput,
    /// Completed / ended per interval, with the availability target.
    Availability,
    /// Cumulative distribution of the response times after the warm-up.
    Cdf,
}

impl ChartKind {
    fn slug(self) -> &'static str {
        match self {
            ChartKind::Latency => "latency",
            ChartKind::Throughput => "throughput",
            ChartKind::Availability => "availability",
            ChartKind::Cdf => "cdf",
        }
    }

    fn title(self) -> &'static str {
        match self {
            ChartKind::Latency => "Latency, ms",
            ChartKind::Throughput => "Throughput, req/s",
            ChartKind::Availability => "Availability, %",
            ChartKind::Cdf => "Latency CDF after warm-up, % ≤ ms",
        }
    }
}

/// Props of [`Chart`].
#[derive(Properties, PartialEq)]
pub struct ChartProps {
    /// Which chart.
    pub kind: ChartKind,
    /// The current run.
    pub run: Shared<Readouts>,
    /// The previous run, drawn faintly behind.
    pub previous: Option<Shared<Readouts>>,
    /// Runs of many seeds: Run ×N seeds is drawn instead of the current
    /// run, as the mean with its band; a capacity curve on `capacity`
    /// charts.
    pub batch: Option<Shared<Batch>>,
    /// Draw the capacity curve of `batch` (figures against the swept
    /// rate) instead of figures over time.
    #[prop_or_default]
    pub capacity: bool,
    /// The targets drawn (an objective, else the SLO).
    pub targets: Targets,
    /// The scenario's duration and warm-up, s (the axis before a run).
    pub duration_s: f64,
    /// Warm-up, s: shaded.
    pub warmup_s: f64,
    /// Larger labels (presentation mode).
    pub large: bool,
}

const BLUE: RGBColor = RGBColor(0x1f, 0x6f, 0xeb);
const AMBER: RGBColor = RGBColor(0xc9, 0x8a, 0x12);
const RED_: RGBColor = RGBColor(0xc2, 0x3b, 0x3b);
const GREEN_: RGBColor = RGBColor(0x3d, 0x9a, 0x57);
const GREY: RGBColor = RGBColor(0x8a, 0x96, 0xa8);
const INK: RGBColor = RGBColor(0x1c, 0x24, 0x30);

/// One drawn line: its pieces (broken where a figure is undefined), colour
/// and whether it is a target (dashed).
struct Line {
    label: &'static str,
    pieces: Vec<Vec<(f64, f64)>>,
    color: RGBColor,
    dashed: bool,
    faint: bool,
}

/// Everything a chart draws, in chart units.
struct Plot {
    x: Range<f64>,
    y: Range<f64>,
    /// Unit of the x tick labels (the y unit is in the title).
    x_unit: String,
    /// Shaded x interval (the warm-up).
    shade: Option<Range<f64>>,
    lines: Vec<Line>,
    /// Confidence bands: the outline of each (upper edge, then lower
    /// edge back) and its colour.
    bands: Vec<Band>,
    /// Vertical markers.
    markers: Markers,
    /// Size of the labels, CSS px.
    font_px: f64,
}

/// A live chart (`data-testid="chart-<kind>"`) with its legend and a PNG
/// export button.
#[component]
pub fn Chart(props: &ChartProps) -> Html {
    let canvas = use_node_ref();
    let redraw = use_force_update();
    // Canvas pixels follow the element's size: redraw after a resize.
    use_effect_with((), move |()| {
        let listener =
            web_sys::window().map(|w| gloo_events::EventListener::new(&w, "resize", move |_| redraw.force_update()));
        move || drop(listener)
    });
    let plot = plot(props);
    let slug = if props.capacity { format!("capacity-{}", props.kind.slug()) } else { props.kind.slug().to_owned() };
    let legend: Html = plot
        .lines
        .iter()
        .filter(|l| !l.faint && !l.label.is_empty())
        .map(|l| {
            let style = format!("--swatch: rgb({},{},{})", l.color.0, l.color.1, l.color.2);
            html! { <span class={classes!("swatch", l.dashed.then_some("dashed"))} {style}>{ l.label }</span> }
        })
        .collect();
    {
        // After every render (new figures, a resize), once the canvas is in
        // the page. A drawing error (a detached canvas) keeps the old picture.
        let canvas = canvas.clone();
        use_effect(move || {
            if let Some(el) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                let _ = draw(&el, &plot);
            }
        });
    }
    let on_png = {
        let (canvas, slug) = (canvas.clone(), slug.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(url) = canvas.cast::<web_sys::HtmlCanvasElement>().and_then(|c| c.to_data_url().ok()) {
                download_data_url(&url, &format!("archsim-{slug}.png"));
            }
        })
    };
    html! {
        <figure class="chart">
            <figcaption>
                <span class="chart-title">{ props.kind.title() }</span>
                <button class="chart-export" title="Save this chart as a PNG image"
                        data-testid={format!("export-png-{slug}")} onclick={on_png}>{ "PNG" }</button>
            </figcaption>
            <div class="legend">
                { legend }
                if props.previous.is_some() {
                    <span class="swatch faint">{ "previous" }</span>
                }
                if seeds(props).is_some() || props.capacity {
                    <span class="swatch band">{ "mean, 95 % band" }</span>
                }
            </div>
            <canvas ref={canvas} data-testid={format!("chart-{slug}")} role="img"
                    aria-label={format!("{} chart", props.kind.title())}></canvas>
        </figure>
    }
}

/// A figure of an interval, when defined.
type Figure = fn(&SeriesPoint) -> Option<f64>;

/// The lines a time chart draws for each run: label, colour, figure.
fn figures(kind: ChartKind) -> &'static [(&'static str, RGBColor, Figure)] {
    match kind {
        ChartKind::Latency => &[
            ("p50", BLUE, |p| p.latency_ms.map(|l| l.p50)),
            ("p95", AMBER, |p| p.latency_ms.map(|l| l.p95)),
            ("p99", RED_, |p| p.latency_ms.map(|l| l.p99)),
        ],
        ChartKind::Throughput => &[
            ("offered", GREY, |p| Some(p.offered_rps)),
            ("completed", GREEN_, |p| Some(p.completed_rps)),
            ("errors", RED_, |p| Some(p.errors_rps)),
        ],
        ChartKind::Availability => &[("availability", BLUE, |p| p.availability.map(|a| a * 100.0))],
        ChartKind::Cdf => &[],
    }
}

/// What `props` asks the chart to draw.
fn plot(props: &ChartProps) -> Plot {
    // The previous run first, so the current one is drawn over it.
    let runs: Vec<(&Readouts, bool)> =
        props.previous.iter().map(|p| (&**p, true)).chain(std::iter::once((&*props.run, false))).collect();
    if props.kind == ChartKind::Cdf {
        let lines = runs
            .iter()
            .map(|(r, faint)| {
                let points = r.cdf.iter().map(|&(ms, q)| (ms, q * 100.0)).collect();
                Line { label: "", pieces: vec![points], color: BLUE, dashed: false, faint: *faint }
            })
            .collect();
        // Up to the largest p99.9 of the runs: the far tail flattens the rest.
        let right = runs
            .iter()
            .filter_map(|(r, _)| r.cdf.iter().find(|(_, q)| *q >= 0.999).map(|(ms, _)| *ms))
            .fold(1.0, f64::max);
        return Plot {
            x: 0.0..right * 1.05,
            y: 0.0..100.0,
            x_unit: "ms".to_owned(),
            shade: None,
            lines,
            bands: Vec::new(),
            markers: Vec::new(),
            font_px: font_px(props),
        };
    }
    let mut plot = if props.capacity {
        capacity(props)
    } else {
        let (lines, bands) = over_time(props, &runs);
        Plot {
            x: 0.0..props.run.duration_s.max(props.duration_s).max(1.0),
            y: 0.0..1.0,
            x_unit: "s".to_owned(),
            shade: (props.warmup_s > 0.0).then_some(0.0..props.warmup_s),
            lines,
            bands,
            // Run ×N seeds: the events every seed has (a fault script's).
            markers: event_markers(&seeds(props).map_or_else(|| props.run.events.to_vec(), |s| s.common_events())),
            font_px: font_px(props),
        }
    };
    let target = match props.kind {
        ChartKind::Latency => Some(props.targets.p99_ms),
        ChartKind::Availability => {
            let a = props.targets.availability;
            Some(Target { value: a.value * 100.0, ..a })
        }
        _ => None,
    };
    // Headroom over every line, and at least 1.
    let top = values(&plot).fold(0.0, f64::max).max(1.0) * 1.15;
    // A latency target far above the figures (a 200 ms SLO over a p99 of
    // a few ms) would flatten them on the floor: it is drawn once they
    // come within a factor of [`TARGET_REACH`] of it (the readouts mark a
    // breach all the same).
    let shown = target.filter(|t| props.kind == ChartKind::Availability || t.value <= top * TARGET_REACH);
    if let Some(t) = shown {
        let pieces = vec![vec![(plot.x.start, t.value), (plot.x.end, t.value)]];
        plot.lines.push(Line { label: t.name(), pieces, color: INK, dashed: true, faint: false });
    }
    plot.y = if props.kind == ChartKind::Availability {
        // From a little below the lowest value (or the target) to 100%.
        let low = values(&plot).fold(100.0, f64::min);
        let margin = ((100.0 - low) * 0.15).max(0.01);
        (low - margin).max(0.0)..100.0 + margin / 3.0
    } else {
        0.0..shown.map_or(top, |t| top.max(t.value * 1.15))
    };
    plot
}

/// Every y value `plot` draws: its lines' and its bands'.
fn values(plot: &Plot) -> impl Iterator<Item = f64> + '_ {
    let lines = plot.lines.iter().flat_map(|l| l.pieces.iter().flatten());
    lines.chain(plot.bands.iter().flat_map(|b| &b.0)).map(|p| p.1)
}

/// How far above the highest figure (with its headroom) a latency target
/// may lie and still be drawn.
const TARGET_REACH: f64 = 2.5;

/// Run ×N seeds of the design, if that is what `props` draws.
fn seeds(props: &ChartProps) -> Option<&Seeds> {
    props.batch.as_ref().filter(|b| b.swept.is_none()).and_then(|b| b.sets.first())
}

/// The figures over time: each run's lines (the previous one faint), or
/// Run ×N seeds' means with their bands.
fn over_time(props: &ChartProps, runs: &[(&Readouts, bool)]) -> (Vec<Line>, Vec<Band>) {
    let seeds = seeds(props);
    let mut lines: Vec<Line> = runs
        .iter()
        .filter(|(_, faint)| *faint || seeds.is_none())
        .flat_map(|&(r, faint)| {
            figures(props.kind).iter().map(move |&(label, color, figure)| Line {
                label,
                pieces: pieces(r.series.points(), figure),
                color,
                dashed: false,
                faint,
            })
        })
        .collect();
    let mut bands = Vec::new();
    if let Some(seeds) = seeds {
        let runs = seeds.series();
        for &(label, color, figure) in figures(props.kind) {
            let band: Vec<_> =
                replications::band(&runs, figure).iter().map(|(t, i)| (*t, i.mean, i.low, i.high)).collect();
            let pieces = match &runs[..] {
                // One run back: its own line, no band yet.
                [one] => pieces(one, figure),
                _ => vec![band.iter().map(|p| (p.0, p.1)).collect()],
            };
            bands.push((outline(&band), color));
            lines.push(Line { label, pieces, color, dashed: false, faint: false });
        }
    }
    (lines, bands)
}

/// A band's outline: its upper edge forward, then its lower edge back
/// (points as x, mean, low, high).
fn outline(band: &[(f64, f64, f64, f64)]) -> Vec<(f64, f64)> {
    band.iter().map(|p| (p.0, p.3)).chain(band.iter().rev().map(|p| (p.0, p.2))).collect()
}

/// A band's outline and colour.
type Band = (Vec<(f64, f64)>, RGBColor);

/// The capacity curve's figures against the swept parameter: means with
/// their bands, the closed forms' p99 (M/M/c) and availability (M/M/c/K),
/// the knee and, for a rate, the offered rate and the saturation point.
fn capacity(props: &ChartProps) -> Plot {
    let points = props.batch.as_ref().map(|b| b.points()).unwrap_or_default();
    let swept = props.batch.as_ref().and_then(|b| b.swept.as_ref()).map(|s| &s.parameter);
    let rate = swept.is_some_and(Sweepable::is_rate);
    // The planned range, before every point is in.
    let sets = props.batch.as_ref().map_or(&[][..], |b| &b.sets[..]);
    let (first, last) = (sets.first().map_or(0.0, |s| s.value), sets.last().map_or(1.0, |s| s.value));
    let x = first..last.max(first + 1.0);
    let (mut lines, mut bands) = (Vec::new(), Vec::new());
    let curve_figures: &[(&str, RGBColor, &[&str], f64)] = match props.kind {
        ChartKind::Latency => &[("p50", BLUE, &["latency_ms", "p50"], 1.0), ("p99", RED_, &["latency_ms", "p99"], 1.0)],
        ChartKind::Throughput => &[("completed", GREEN_, &["throughput_rps"], 1.0)],
        _ => &[("availability", BLUE, &["availability"], 100.0)],
    };
    for &(label, color, path, scale) in curve_figures {
        let band: Vec<_> = points
            .iter()
            .filter_map(|p| p.figure(path, "").map(|(m, l, h)| (p.value, m * scale, l * scale, h * scale)))
            .collect();
        lines.push(Line {
            label,
            pieces: vec![band.iter().map(|p| (p.0, p.1)).collect()],
            color,
            dashed: false,
            faint: false,
        });
        bands.push((outline(&band), color));
    }
    let dashed = |label, pieces, color| Line { label, pieces: vec![pieces], color, dashed: true, faint: false };
    // A closed form's line where some point has one: M/M/c's p99, or the
    // share M/M/c/K does not refuse (π_K of the requests fail).
    let theory = |figure: &dyn Fn(&Station) -> Option<f64>| -> Vec<(f64, f64)> {
        points.iter().filter_map(|p| Some((p.value, figure(p.theory.as_ref().ok()?)?))).collect()
    };
    let (label, line, color) = match props.kind {
        ChartKind::Latency => ("p99, M/M/c theory", theory(&|m| m.response_quantile_ms(0.99)), INK),
        ChartKind::Throughput if rate => ("offered", vec![(x.start, x.start), (x.end, x.end)], GREY),
        ChartKind::Availability => {
            ("availability, M/M/c/K theory", theory(&|m| m.room.map(|_| (1.0 - m.loss()) * 100.0)), INK)
        }
        _ => ("", Vec::new(), INK),
    };
    if !line.is_empty() {
        lines.push(dashed(label, line, color));
    }
    let mut markers = Vec::new();
    if let Some(v) = sweep::knee(&points) {
        markers.push((v, "knee: p99 ×2".to_owned(), true));
    }
    if let Some(v) = sweep::saturation(&points).filter(|_| rate) {
        markers.push((v, "saturation".to_owned(), true));
    }
    let x_unit = swept.map_or("req/s", |s| s.unit.as_str()).to_owned();
    Plot { x, y: 0.0..1.0, x_unit, shade: None, lines, bands, markers, font_px: font_px(props) }
}

/// Vertical markers: x, label, and whether it is a failure (red) or a
/// recovery (green).
type Markers = Vec<(f64, String, bool)>;

/// Events as markers: one per (time, node, what), so that three replicas
/// crashing at once read "web crash ×3".
fn event_markers(events: &[TimelineEvent]) -> Markers {
    let mut markers = Vec::new();
    let mut repeats = 1;
    for (k, e) in events.iter().enumerate() {
        let next = events.get(k + 1);
        if next.is_some_and(|n| (n.t_s, &n.node, &n.what) == (e.t_s, &e.node, &e.what)) {
            repeats += 1;
            continue;
        }
        let times = if repeats > 1 { format!(" ×{repeats}") } else { String::new() };
        markers.push((
            e.t_s,
            format!("{} {}{times}", e.node, e.what),
            matches!(e.what.as_str(), "crash" | "unhealthy"),
        ));
        repeats = 1;
    }
    markers
}

/// The labels' size, CSS px: larger for a projector.
fn font_px(props: &ChartProps) -> f64 {
    if props.large {
        15.0
    } else {
        11.0
    }
}

/// The values `f` gives for `points`, at each interval's midpoint, broken
/// where it gives none.
fn pieces(points: &[SeriesPoint], f: Figure) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for p in points {
        match f(p) {
            Some(v) => out.last_mut().map_or((), |piece| piece.push(((p.start_s + p.end_s) / 2.0, v))),
            None => out.push(Vec::new()),
        }
    }
    out.retain(|piece| !piece.is_empty());
    out
}

/// Draws `plot` on `canvas` at the device's pixel ratio.
fn draw(canvas: &web_sys::HtmlCanvasElement, plot: &Plot) -> Result<(), String> {
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    let (w, h) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
    if w <= 0.0 || h <= 0.0 {
        return Ok(());
    }
    canvas.set_width((w * dpr) as u32);
    canvas.set_height((h * dpr) as u32);
    let px = |v: f64| (v * dpr).round() as u32;
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let em = plot.font_px;
    // Room on the right for half the last x label ("20 requests"), which
    // is centred on the axis' end: about 0.55 em a character.
    let last = format!("{} {}", trim(plot.x.end), plot.x_unit).chars().count() as f64;
    let mut chart = ChartBuilder::on(&root)
        .margin(px(6.0))
        .margin_right(px((0.28 * last * em).max(16.0)))
        .x_label_area_size(px(2.0 * em))
        .y_label_area_size(px(3.6 * em))
        .build_cartesian_2d(plot.x.clone(), plot.y.clone())
        .map_err(|e| e.to_string())?;
    let font = (FontFamily::SansSerif, px(em)).into_font().color(&RGBColor(0x66, 0x70, 0x85));
    let x_unit = &plot.x_unit;
    // As many x labels as fit without touching ("100 s" is about 5 em),
    // as many y labels as fit at twice the line height.
    let fit = |length: f64, per: f64| ((length / (per * em)) as usize).clamp(2, 10);
    chart
        .configure_mesh()
        .x_labels(fit(w, 6.5))
        .y_labels(fit(h, 2.5))
        .label_style(font)
        .x_label_formatter(&|v| format!("{} {x_unit}", trim(*v)))
        .y_label_formatter(&|v| trim(*v))
        .light_line_style(RGBColor(0xf0, 0xf2, 0xf6))
        .bold_line_style(RGBColor(0xe4, 0xe8, 0xef))
        .axis_style(RGBColor(0xd9, 0xde, 0xe7))
        .draw()
        .map_err(|e| e.to_string())?;
    if let Some(shade) = &plot.shade {
        let area = Rectangle::new(
            [(shade.start, plot.y.start), (shade.end, plot.y.end)],
            RGBAColor(0x66, 0x70, 0x85, 0.08).filled(),
        );
        chart.draw_series(std::iter::once(area)).map_err(|e| e.to_string())?;
    }
    for (outline, color) in &plot.bands {
        let inside = outline.iter().map(|&(x, y)| (x, y.clamp(plot.y.start, plot.y.end)));
        let band = Polygon::new(inside.collect::<Vec<_>>(), color.mix(0.18).filled());
        chart.draw_series(std::iter::once(band)).map_err(|e| e.to_string())?;
    }
    for line in &plot.lines {
        let color = if line.faint { line.color.mix(0.3) } else { line.color.to_rgba() };
        let style = ShapeStyle { color, filled: false, stroke_width: px(if line.faint { 1.0 } else { 1.6 }) };
        for piece in &line.pieces {
            let points = piece.iter().copied();
            let drawn = if line.dashed {
                chart.draw_series(DashedLineSeries::new(points, px(5.0), px(4.0), style)).map(drop)
            } else {
                chart.draw_series(LineSeries::new(points, style)).map(drop)
            };
            drawn.map_err(|e| e.to_string())?;
        }
    }
    for (k, (x, label, failure)) in plot.markers.iter().enumerate() {
        let color = if *failure { RED_ } else { GREEN_ };
        let line = DashedLineSeries::new(
            [(*x, plot.y.start), (*x, plot.y.end)],
            px(3.0),
            px(3.0),
            ShapeStyle { color: color.to_rgba(), filled: false, stroke_width: px(1.0) },
        );
        chart.draw_series(line).map_err(|e| e.to_string())?;
        // Staggered over four rows so close events stay readable; in the
        // right half, left of the marker so the label is not cut.
        let right = *x > (plot.x.start + plot.x.end) / 2.0;
        let anchor = Pos::new(if right { HPos::Right } else { HPos::Left }, VPos::Top);
        let font = (FontFamily::SansSerif, px(em - 1.0)).into_font().color(&color).pos(anchor);
        let dx = if right { -(px(3.0) as i32) } else { px(3.0) as i32 };
        let offset = (dx, px(2.0 + em * (k % 4) as f64) as i32);
        let text = EmptyElement::at((*x, plot.y.end)) + Text::new(label.clone(), offset, font);
        chart.draw_series(std::iter::once(text)).map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}

/// An axis figure without needless digits: 1200, 0.5, 99.95.
fn trim(v: f64) -> String {
    let s = if v.abs() >= 100.0 { format!("{v:.0}") } else { format!("{v:.2}") };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}
