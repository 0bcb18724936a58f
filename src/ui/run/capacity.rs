//! The Capacity tab: a numeric parameter of the design (the first client's
//! arrival rate by default, or a node's main parameter: workers, replicas,
//! a queue's room, a service time…) swept over a range, each of [`STEPS`]
//! values run with the run bar's number of seeds on background workers,
//! drawn as p50 and p99, throughput and availability against it with
//! their 95 % bands, the M/M/c theory line, the knee and, for a rate, the
//! saturation point. The curve exports as CSV (the columns of `archsim
//! sweep`), each chart as PNG.

use yew::prelude::*;

use super::{RunControl, RunState};
use crate::sim::sweep;
use crate::ui::download::download_text;
use crate::workshop::class;

/// Values a curve runs, evenly spaced over its range (fewer for a count
/// over a short range: each whole value once).
pub const STEPS: u32 = 8;

/// Props of [`Capacity`].
#[derive(Properties, PartialEq)]
pub struct CapacityProps {
    /// The run controls: the curve, what it can sweep and starting one.
    pub run: RunControl,
    /// Seeds per value (the run bar's choice).
    pub seeds: u32,
}

/// The curve's controls (the parameter, its range from–to) and its CSV
/// export; the panel draws its charts below.
#[component]
pub fn Capacity(props: &CapacityProps) -> Html {
    let run = &props.run;
    // The parameter chosen (by name) and its range, if set by hand.
    let chosen = use_state(|| None::<String>);
    let range = use_state(|| None::<(f64, f64)>);
    let choices = &run.sweepables;
    let Some(swept) = chosen.as_ref().and_then(|c| choices.iter().find(|s| &s.param == c)).or(choices.first()) else {
        return html! {
            <p class="muted capacity-bar" data-testid="capacity-none">
                { "A capacity curve sweeps a number of the design: this one has none to sweep." }</p>
        };
    };
    let (from, to) = range.unwrap_or_else(|| swept.default_range());
    let on_param = {
        let (chosen, range) = (chosen.clone(), range.clone());
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            chosen.set(Some(select.value()));
            range.set(None);
        })
    };
    let bound = |upper: bool| {
        let range = range.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => range.set(Some(if upper { (from, v) } else { (v, to) })),
                // Not a value: put the current one back.
                _ => input.set_value(&(if upper { to } else { from }).to_string()),
            }
        })
    };
    let seeds = props.seeds;
    let on_sweep = {
        let swept = swept.clone();
        run.on_curve.reform(move |_: MouseEvent| (swept.clone(), (from, to), STEPS, seeds))
    };
    let curve = run.batch.as_ref().filter(|b| b.swept.is_some());
    let on_csv = {
        let curve = curve.cloned();
        Callback::from(move |_: MouseEvent| {
            let Some(b) = &curve else { return };
            let node = b.swept.as_ref().map_or("", |s| s.node.as_str());
            download_text(&class::to_csv(&sweep::table(&b.points(), node)), "archsim-capacity.csv", "text/csv");
        })
    };
    let unit = &swept.unit;
    html! {
        <div class="capacity-bar">
            <label>{ "Sweep " }
                <select data-testid="capacity-param" aria-label="Parameter to sweep" onchange={on_param}>
                    { for choices.iter().map(|s| html! {
                        <option value={s.param.clone()} selected={s.param == swept.param}>{ &s.param }</option>
                    }) }
                </select></label>
            <label>{ " from " }
                <input type="number" min="0" step="any" data-testid="capacity-from" aria-label={format!("Lowest value, {unit}")}
                       value={from.to_string()} onchange={bound(false)} /></label>
            <label>{ " to " }
                <input type="number" min="0" step="any" data-testid="capacity-to" aria-label={format!("Highest value, {unit}")}
                       value={to.to_string()} onchange={bound(true)} />{ format!(" {unit}") }</label>
            <button data-testid="capacity-run" onclick={on_sweep} disabled={run.state == RunState::Running}
                    title="Run the design at each value with the run bar's seeds, on background workers (as archsim sweep)">
                { format!("Sweep {} values × {seeds} seeds", swept.grid(from, to, STEPS).len()) }</button>
            <button class="export" data-testid="capacity-csv" onclick={on_csv}
                    disabled={!curve.is_some_and(|b| b.finished())}
                    title="Save the curve as CSV (archsim sweep's columns)">
                { "CSV" }</button>
        </div>
    }
}
