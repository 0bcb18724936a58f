//! The Capacity tab: the first client's arrival rate swept over a range,
//! each of [`STEPS`] values run with the run bar's number of seeds on
//! background workers, drawn as p50
//! and p99, throughput and availability against the rate with their 95 %
//! bands, the M/M/c theory line, the knee and the saturation point. The
//! curve exports as CSV (the columns of `archsim sweep`), each chart as
//! PNG.

use yew::prelude::*;

use super::{RunControl, RunState};
use crate::sim::sweep;
use crate::ui::download::download_text;
use crate::workshop::class;

/// Rates a curve runs, evenly spaced over its range.
pub const STEPS: u32 = 8;

/// Props of [`Capacity`].
#[derive(Properties, PartialEq)]
pub struct CapacityProps {
    /// The run controls: the curve, the rate swept and starting a curve.
    pub run: RunControl,
    /// Seeds per rate (the run bar's choice).
    pub seeds: u32,
}

/// The curve's controls (the rate from–to) and its CSV export; the panel
/// draws its charts below.
#[component]
pub fn Capacity(props: &CapacityProps) -> Html {
    let run = &props.run;
    let range = use_state(|| None::<(f64, f64)>);
    let Some(rate) = run.rate_rps else {
        return html! {
            <p class="muted capacity-bar" data-testid="capacity-none">
                { "A capacity curve sweeps a client's constant arrival rate: this design has no such client." }</p>
        };
    };
    // By default from half the design's rate to three times it: most
    // designs saturate in that range.
    let (from, to) = range.unwrap_or(((rate * 0.5).round(), (rate * 3.0).round()));
    let bound = |upper: bool| {
        let range = range.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => range.set(Some(if upper { (from, v) } else { (v, to) })),
                // Not a rate: put the current one back.
                _ => input.set_value(&(if upper { to } else { from }).to_string()),
            }
        })
    };
    let seeds = props.seeds;
    let on_sweep = run.on_curve.reform(move |_: MouseEvent| ((from, to), STEPS, seeds));
    let curve = run.batch.as_ref().filter(|b| b.swept.is_some());
    let on_csv = {
        let curve = curve.cloned();
        Callback::from(move |_: MouseEvent| {
            let Some(b) = &curve else { return };
            let node = b.swept.as_ref().map_or("", |s| s.node.as_str());
            download_text(&class::to_csv(&sweep::table(&b.points(), node)), "archsim-capacity.csv", "text/csv");
        })
    };
    html! {
        <div class="capacity-bar">
            <label>{ "Arrival rate λ from " }
                <input type="number" min="0" step="any" data-testid="capacity-from" aria-label="Lowest arrival rate, req/s"
                       value={from.to_string()} onchange={bound(false)} /></label>
            <label>{ " to " }
                <input type="number" min="0" step="any" data-testid="capacity-to" aria-label="Highest arrival rate, req/s"
                       value={to.to_string()} onchange={bound(true)} />{ " req/s" }</label>
            <button data-testid="capacity-run" onclick={on_sweep} disabled={run.state == RunState::Running}
                    title="Run the design at each of 8 rates with the run bar's seeds, on background workers (as archsim sweep)">
                { format!("Sweep {STEPS} rates × {seeds} seeds") }</button>
            <button class="export" data-testid="capacity-csv" onclick={on_csv}
                    disabled={!curve.is_some_and(|b| b.finished())}
                    title="Save the curve as CSV (archsim sweep's columns)">
                { "CSV" }</button>
        </div>
    }
}
