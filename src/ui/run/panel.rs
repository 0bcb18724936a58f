//! The bottom panel: run controls, the headline readouts and the charts.

use yew::prelude::*;

use super::capacity::Capacity;
use super::charts::{Chart, ChartKind};
use super::seeds::{Estimate, Seeds, SEED_COUNTS};
use super::{RunControl, RunState, MAX_SPEED};
use crate::model::{Objective, Settings, Targets};
use crate::ui::download::download_text;
use crate::ui::workers::Replica;
use crate::ui::workshop::Objectives;
use crate::workshop::grade::{Status, Verdict};

/// Props of [`RunPanel`].
#[derive(Properties, PartialEq)]
pub struct RunPanelProps {
    /// The run to control.
    pub run: RunControl,
    /// Presentation mode: the charts' labels larger.
    pub presentation: bool,
    /// Whether requests are drawn flowing along the edges while running.
    pub flow: bool,
    /// Switch the request-flow animation.
    pub on_flow: Callback<bool>,
    /// The scenario's run settings (seed, duration, warm-up, SLO).
    pub settings: Settings,
    /// Set the seed of the scenario (and so of the next run).
    pub on_seed: Callback<u64>,
    /// The last refused edit or failed open, if any.
    pub edit_error: Option<AttrValue>,
    /// The scenario's objectives, checked live.
    pub objectives: Vec<Objective>,
    /// Whether the design's copy of its exercise's rules was changed (its
    /// live verdicts are practice only).
    pub practice: bool,
    /// Shown before the objectives (the exercise verdict).
    #[prop_or_default]
    pub children: Html,
}

const SPEEDS: [(u32, &str); 4] = [(1, "1×"), (10, "10×"), (100, "100×"), (MAX_SPEED, "max")];

/// Run controls, readouts and charts.
#[component]
pub fn RunPanel(props: &RunPanelProps) -> Html {
    let run = &props.run;
    let r = &run.readouts;
    let tab = use_state(|| Tab::Time);
    let seed_count = use_state(|| 8u32);
    let batch = run.batch.as_ref();
    // Run ×N seeds: one design, no swept parameter.
    let seeds = batch.filter(|b| b.swept.is_none()).and_then(|b| b.sets.first());
    // The objective where the design has one, else the SLO: one target of
    // each figure in view.
    let targets = Targets::of(&props.objectives, props.settings.slo);
    let running = run.state == RunState::Running;
    let idle = run.state == RunState::Idle;
    let duration_s = if idle { props.settings.duration_s } else { r.duration_s };
    let on_run = run.on_run.reform(|_: MouseEvent| ());
    let on_pause = run.on_pause.reform(|_: MouseEvent| ());
    let on_reset = run.on_reset.reform(|_: MouseEvent| ());
    let on_step = run.on_step.reform(|_: MouseEvent| ());
    let on_speed = run.on_speed.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        select.value().parse().unwrap_or(1)
    });
    let on_seed = {
        let (on_seed, current) = (props.on_seed.clone(), props.settings.seed);
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<u64>() {
                Ok(seed) => on_seed.emit(seed),
                // Not a whole number ≥ 0: put the current seed back.
                Err(_) => input.set_value(&current.to_string()),
            }
        })
    };
    let on_csv = {
        let readouts = r.clone();
        Callback::from(move |_: MouseEvent| download_text(&readouts.series.to_csv(), "archsim-series.csv", "text/csv"))
    };
    let on_seed_count = {
        let seed_count = seed_count.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            seed_count.set(select.value().parse().unwrap_or(8));
        })
    };
    let on_seeds = run.on_seeds.reform({
        let n = *seed_count;
        move |_: MouseEvent| n
    });
    let status = match (run.state, batch) {
        (RunState::Idle, Some(b)) if b.finished() && b.failure.is_none() => {
            if seeds.is_some() { "seeds finished" } else { "curve finished" }.to_owned()
        }
        (RunState::Idle, Some(b)) if b.failure.is_none() => {
            let (done, all) = b.progress();
            format!("{done} of {all} {}", if seeds.is_some() { "seeds" } else { "runs" })
        }
        (RunState::Idle, _) => "ready".to_owned(),
        (RunState::Running, _) => "running".to_owned(),
        (RunState::Paused, _) => "paused".to_owned(),
        (RunState::Finished, _) => "finished".to_owned(),
    };
    let chart = |kind, capacity| {
        html! {
            <Chart {kind} {capacity} run={r.clone()} previous={run.previous.clone()} batch={run.batch.clone()} {targets}
                   {duration_s} warmup_s={props.settings.warmup_s} large={props.presentation} />
        }
    };
    // The CDF and the capacity curve have tabs of their own: the charts
    // over time keep their width.
    let shown_tab = if *tab == Tab::Cdf && r.cdf.is_empty() { Tab::Time } else { *tab };
    let tab_button = |which: Tab, testid: &'static str, label: &'static str| {
        let (tab, disabled) = (tab.clone(), which == Tab::Cdf && r.cdf.is_empty());
        let on = shown_tab == which;
        html! {
            <button role="tab" data-testid={testid} aria-selected={on.to_string()} {disabled}
                    class={classes!(on.then_some("selected"))} onclick={move |_| tab.set(which)}>{ label }</button>
        }
    };
    let progress = match batch.map(|b| b.progress()) {
        Some((done, all)) => done as f64 / all.max(1) as f64 * 100.0,
        None if duration_s > 0.0 => (r.time_s / duration_s * 100.0).min(100.0),
        None => 0.0,
    };
    let p99_over = !idle && r.p99_ms.is_some_and(|p| p > targets.p99_ms.value);
    let availability_under = !idle && r.availability.is_some_and(|a| a < targets.availability.value);
    let (availability, p99) = if idle { (None, None) } else { (r.availability, r.p99_ms) };
    let target = targets.availability;
    let budget = r.counts.error_budget_left(target.value);
    html! {
        <section class="run-panel" aria-label="Run">
            <div class="run-bar">
                <h2 class="sr-only">{ "Run" }</h2>
                <button data-testid="run" class="primary" onclick={on_run}
                        disabled={running || run.state == RunState::Finished}>{ "Run" }</button>
                <button data-testid="pause" onclick={on_pause} disabled={!running}>{ "Pause" }</button>
                <button data-testid="step" title="Advance 100 ms of simulated time" onclick={on_step}
                        disabled={running || run.state == RunState::Finished}>{ "Step" }</button>
                <button data-testid="reset" onclick={on_reset} disabled={idle}
                        title="Discard the run; its curves stay as a faint overlay to compare with the next">{ "Reset" }</button>
                <label class="speed">{ "Speed " }
                    <select data-testid="speed" aria-label="Speed" title="Simulated seconds per second; max: as fast as the page allows"
                            onchange={on_speed}>
                        { for SPEEDS.iter().map(|(s, label)| html! {
                            <option value={s.to_string()} selected={*s == run.speed}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <label class="speed" title="Requests drawn flowing along the calls while running: as dense as each call's rate, failures in red">
                    <input type="checkbox" data-testid="flow-toggle" checked={props.flow}
                           onchange={props.on_flow.reform(|e: Event| e.target_unchecked_into::<web_sys::HtmlInputElement>().checked())} />
                    { " Flow" }
                </label>
                <label class="speed">{ "Seed " }
                    <input class="seed" data-testid="seed" type="number" min="0" step="1" aria-label="Seed"
                           value={props.settings.seed.to_string()} onchange={on_seed} disabled={!idle} />
                </label>
                <label class="speed">{ "Seeds " }
                    <select data-testid="seeds-count" aria-label="Seeds to run at once" onchange={on_seed_count}>
                        { for SEED_COUNTS.iter().map(|n| html! {
                            <option value={n.to_string()} selected={*n == *seed_count}>{ n.to_string() }</option>
                        }) }
                    </select>
                </label>
                <button data-testid="run-seeds" onclick={on_seeds} disabled={running}
                        title="Run the design to its end with this seed and the next ones at once, on background workers: \
                               figures with 95 % intervals, charts with bands">
                    { format!("Run ×{} seeds", *seed_count) }</button>
                <span class="status">{ status }</span>
                <span class="sr-only" role="status" data-testid="run-announcement">
                    { announcement(run.state, &r.verdicts) }</span>
                <progress class="progress" max="100" value={format!("{progress:.1}")} aria-label="Run progress"></progress>
                if let Some(digest) = &r.digest {
                    <span class="digest" title="Digest of the run's report: equal digests, equal runs">
                        { "digest " }<code data-testid="digest">{ digest.clone() }</code>
                    </span>
                }
            </div>
            if let Some(e) = run.error.clone().or(r.stopped.clone()).or(batch.and_then(|b| b.failure.clone()))
                    .map(AttrValue::from).or(props.edit_error.clone()) {
                { error_banner(&e) }
            }
            if let Some(n) = &run.notice {
                <div class="notice" role="status">{ n.clone() }</div>
            }
            <div class={classes!("run-body", (!props.objectives.is_empty() || seeds.is_some()).then_some("graded"))}>
                <div class="readouts">
                  if shown_tab == Tab::Capacity {
                    // The curve's own figures are on its charts.
                  } else if let Some(seeds) = seeds {
                    { seeds_readouts(seeds) }
                  } else {
                    { readout("sim-time", "Simulated time", format!("{:.1}", r.time_s), &format!("s of {duration_s:.0} s"), false) }
                    { readout("metric-availability", "Availability (last 10 s)", shown(availability.map(|a| format!("{:.3}", a * 100.0)), idle, "no request ended in the last 10 s"), "%", availability_under) }
                    { readout("metric-p99", "p99 latency (last 10 s)", shown(p99.map(|p| format!("{p:.1}")), idle, "no request completed in the last 10 s"), "ms", p99_over) }
                    { readout("metric-throughput", "Throughput (last 10 s)", shown((!idle).then(|| format!("{:.0}", r.throughput_rps)), idle, ""), "req/s", false) }
                    { readout("metric-error-budget", &format!("Error budget left ({} {}%)", target.name(), target.value * 100.0),
                              shown(budget.map(|b| format!("{:.0}", b * 100.0)), idle, "no request ended yet"), "%",
                              budget.is_some_and(|b| b < 0.0)) }
                  }
                    <div class="chart-tabs" role="tablist" aria-label="Charts">
                        { tab_button(Tab::Time, "chart-tab-time", "Over time") }
                        { tab_button(Tab::Cdf, "chart-tab-cdf", "Latency CDF") }
                        { tab_button(Tab::Capacity, "chart-tab-capacity", "Capacity") }
                    </div>
                    if shown_tab != Tab::Capacity {
                        <button class="export" data-testid="export-csv" onclick={on_csv} disabled={r.series.points().is_empty()}
                                title="Save the per-interval figures (rates, availability, p50/p95/p99) as CSV">{ "Export CSV" }</button>
                    }
                </div>
                <div class="charts" role="tabpanel">
                    if shown_tab == Tab::Cdf {
                        { chart(ChartKind::Cdf, false) }
                    } else {
                        if shown_tab == Tab::Capacity {
                            <Capacity run={run.clone()} seeds={*seed_count} />
                        }
                        { chart(ChartKind::Latency, shown_tab == Tab::Capacity) }
                        { chart(ChartKind::Throughput, shown_tab == Tab::Capacity) }
                        { chart(ChartKind::Availability, shown_tab == Tab::Capacity) }
                    }
                </div>
                <div class="verdicts">
                    { props.children.clone() }
                    <Objectives objectives={props.objectives.clone()} practice={props.practice}
                                verdicts={seeds.map_or_else(|| r.verdicts.clone(), |s| s.verdicts().into())}
                                seeds={seeds.map_or(0, |s| s.seeds.len())} />
                    if let Some(seeds) = seeds {
                        { seeds_table(seeds) }
                    }
                </div>
            </div>
        </section>
    }
}

/// The error banner: the message's first line, and the rest (the details)
/// behind a toggle.
fn error_banner(message: &str) -> Html {
    let (headline, details) = message.split_once('\n').unwrap_or((message, ""));
    html! {
        <div class="error-banner" data-testid="error-banner" role="alert">
            { headline.to_owned() }
            if !details.is_empty() {
                <details><summary>{ "Details" }</summary>{ details.to_owned() }</details>
            }
        </div>
    }
}

/// The headline figures over the seeds: each the mean of the seeds' whole
/// runs after the warm-up, with its 95 % confidence interval under it.
fn seeds_readouts(seeds: &Seeds) -> Html {
    let figure = |testid, label, path: &[&str], scale: f64, unit, digits: usize| {
        let value = match seeds.estimate(path) {
            Some(Estimate { mean, half_width }) => Readout {
                text: format!("{:.digits$}", mean * scale),
                note: Some(match half_width {
                    Some(h) => format!("± {:.digits$} (95 % CI)", h * scale),
                    None => "no spread over the seeds".to_owned(),
                }),
            },
            None => shown(None, seeds.point.is_none(), "undefined in every seed"),
        };
        readout(testid, label, value, unit, false)
    };
    let n = seeds.seeds.len();
    let on_report = {
        let point = seeds.point.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(text) = point.as_ref().and_then(|p| serde_json::to_string_pretty(&p.summary).ok()) {
                download_text(&text, "archsim-seeds.json", "application/json");
            }
        })
    };
    html! {
        <>
            { readout("seeds-done", "Seeds run", seeds.done().to_string(), &format!("of {n}"), false) }
            { figure("metric-availability", "Availability (after warm-up, mean)", &["availability"], 100.0, "%", 3) }
            { figure("metric-p99", "p99 latency (after warm-up, mean)", &["latency_ms", "p99"], 1.0, "ms", 1) }
            { figure("metric-throughput", "Throughput (after warm-up, mean)", &["throughput_rps"], 1.0, "req/s", 0) }
            <button class="export" data-testid="export-seeds-report" onclick={on_report} disabled={seeds.point.is_none()}
                    title="Save the summary over the seeds as JSON (as archsim run --reps N prints it)">{ "Report" }</button>
        </>
    }
}

/// Each seed's run: its headline figures and digest (equal to `archsim run
/// --seed` of the design).
fn seeds_table(seeds: &Seeds) -> Html {
    let p99 =
        |run: &Replica| run.report["latency_ms"]["p99"].as_f64().map_or_else(|| "—".to_owned(), |p| format!("{p:.1}"));
    html! {
        <table class="seeds-table" data-testid="seeds-table">
            <caption>{ "Each seed's run" }</caption>
            <thead><tr><th>{ "seed" }</th><th>{ "p99, ms" }</th><th>{ "digest" }</th></tr></thead>
            <tbody>
                { for seeds.runs().map(|(seed, run)| html! {
                    <tr data-testid="seed-run">
                        <td>{ seed.to_string() }</td>
                        <td>{ p99(run) }</td>
                        <td><code data-testid="seed-digest">{ run.report["digest"].as_str().unwrap_or_default().to_owned() }</code></td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// What a screen reader is told when the run's state changes (a polite
/// live region): the state, and once finished how many objectives pass.
fn announcement(state: RunState, verdicts: &[Verdict]) -> String {
    match state {
        RunState::Idle => String::new(),
        RunState::Running => "Run started".to_owned(),
        RunState::Paused => "Run paused".to_owned(),
        RunState::Finished if verdicts.is_empty() => "Run finished".to_owned(),
        RunState::Finished => {
            let passed = verdicts.iter().filter(|v| v.status == Status::Pass).count();
            format!("Run finished: {passed} of {} objectives pass", verdicts.len())
        }
    }
}

/// The figure, or a dash before any run.
fn shown(figure: Option<String>, idle: bool, undefined: &str) -> Readout {
    match figure {
        Some(text) => Readout { text, note: None },
        None => Readout { text: "—".to_owned(), note: (!idle).then(|| undefined.to_owned()) },
    }
}

/// A figure as shown, with a line under it: a dash with the reason there is
/// none (a share or a percentile of no requests is undefined, not 100 % or
/// 0 ms), or a figure with its confidence interval.
struct Readout {
    text: String,
    note: Option<String>,
}

impl From<String> for Readout {
    fn from(text: String) -> Self {
        Readout { text, note: None }
    }
}

/// One figure: a label, a plain number (`data-testid`) and its unit apart;
/// `breach` marks it as missing the SLO.
fn readout(testid: &'static str, label: &str, value: impl Into<Readout>, unit: &str, breach: bool) -> Html {
    let Readout { text, note } = value.into();
    html! {
        <div class={classes!("readout", breach.then_some("breach"))} title={note.clone()}>
            <span class="readout-label">{ label.to_owned() }</span>
            <span class="readout-value"><span data-testid={testid}>{ text }</span>
                <span class="unit">{ unit.to_owned() }</span></span>
            if let Some(note) = note {
                <span class="readout-why" data-testid={format!("{testid}-note")}>{ note }</span>
            }
        </div>
    }
}

/// The charts' tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    /// Latency, throughput and availability over time.
    Time,
    /// The latency CDF after a run.
    Cdf,
    /// The capacity curve.
    Capacity,
}
