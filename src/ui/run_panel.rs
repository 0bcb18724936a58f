//! The bottom panel: run controls and the headline readouts.

use yew::prelude::*;

use super::run::{RunControl, RunState, MAX_SPEED};

/// Props of [`RunPanel`].
#[derive(Properties, PartialEq)]
pub struct RunPanelProps {
    /// The run to control.
    pub run: RunControl,
    /// The last refused edit, if any.
    pub edit_error: Option<AttrValue>,
}

const SPEEDS: [(u32, &str); 4] = [(1, "1×"), (10, "10×"), (100, "100×"), (MAX_SPEED, "max")];

/// Run controls and readouts.
#[component]
pub fn RunPanel(props: &RunPanelProps) -> Html {
    let run = &props.run;
    let r = &run.readouts;
    let running = run.state == RunState::Running;
    let idle = run.state == RunState::Idle;
    let time_unit = if idle { "s".to_owned() } else { format!("s of {:.0} s", r.duration_s) };
    let on_run = run.on_run.reform(|_: MouseEvent| ());
    let on_pause = run.on_pause.reform(|_: MouseEvent| ());
    let on_reset = run.on_reset.reform(|_: MouseEvent| ());
    let on_step = run.on_step.reform(|_: MouseEvent| ());
    let on_speed = run.on_speed.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        select.value().parse().unwrap_or(1)
    });
    let on_seed = {
        let (on_seed, current) = (run.on_seed.clone(), run.seed);
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<u64>() {
                Ok(seed) => on_seed.emit(seed),
                // Not a whole number ≥ 0: put the current seed back.
                Err(_) => input.set_value(&current.to_string()),
            }
        })
    };
    let status = match run.state {
        RunState::Idle => "ready",
        RunState::Running => "running",
        RunState::Paused => "paused",
        RunState::Finished => "finished",
    };
    html! {
        <section class="run-panel" aria-label="Run">
            <div class="run-bar">
                <h2>{ "Run" }</h2>
                <button data-testid="run" class="primary" onclick={on_run}
                        disabled={running || run.state == RunState::Finished}>{ "Run" }</button>
                <button data-testid="pause" onclick={on_pause} disabled={!running}>{ "Pause" }</button>
                <button data-testid="step" title="Advance 100 ms of simulated time" onclick={on_step}
                        disabled={running || run.state == RunState::Finished}>{ "Step" }</button>
                <button data-testid="reset" onclick={on_reset} disabled={run.state == RunState::Idle}>{ "Reset" }</button>
                <label class="speed">{ "Speed " }
                    <select data-testid="speed" aria-label="Speed" title="Simulated seconds per second; max: as fast as the page allows"
                            onchange={on_speed}>
                        { for SPEEDS.iter().map(|(s, label)| html! {
                            <option value={s.to_string()} selected={*s == run.speed}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <label class="speed">{ "Seed " }
                    <input class="seed" data-testid="seed" type="number" min="0" step="1" aria-label="Seed"
                           value={run.seed.to_string()} onchange={on_seed} disabled={!idle} />
                </label>
                <span class="status">{ status }</span>
                if let Some(digest) = &r.digest {
                    <span class="digest" title="Digest of the run's report: equal digests, equal runs">
                        { "digest " }<code data-testid="digest">{ digest.clone() }</code>
                    </span>
                }
            </div>
            if let Some(e) = run.error.clone().map(AttrValue::from).or(props.edit_error.clone()) {
                <div class="error-banner" data-testid="error-banner" role="alert">{ e }</div>
            }
            if let Some(n) = &run.notice {
                <div class="notice" role="status">{ n.clone() }</div>
            }
            <div class="readouts">
                { readout("sim-time", "Simulated time", format!("{:.1}", r.time_s), &time_unit) }
                { readout("metric-availability", "Availability (last 10 s)", shown(idle, format!("{:.3}", r.availability * 100.0)), "%") }
                { readout("metric-p99", "p99 latency (last 10 s)", shown(idle, format!("{:.1}", r.p99_ms)), "ms") }
                { readout("metric-throughput", "Throughput (last 10 s)", shown(idle, format!("{:.0}", r.throughput_rps)), "req/s") }
            </div>
        </section>
    }
}

/// The figure, or a dash before any run.
fn shown(idle: bool, figure: String) -> String {
    if idle {
        "–".to_owned()
    } else {
        figure
    }
}

/// One figure: a label, a plain number (`data-testid`) and its unit apart.
fn readout(testid: &'static str, label: &'static str, value: String, unit: &str) -> Html {
    html! {
        <div class="readout">
            <span class="readout-label">{ label }</span>
            <span class="readout-value"><span data-testid={testid}>{ value }</span>
                <span class="unit">{ unit.to_owned() }</span></span>
        </div>
    }
}
