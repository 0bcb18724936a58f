//! The bottom panel: run controls, readouts and charts.

use yew::prelude::*;

const CHARTS: [(&str, &str); 3] = [
    ("chart-latency", "Latency p50 / p95 / p99 (ms)"),
    ("chart-throughput", "Throughput offered vs completed (req/s)"),
    ("chart-availability", "Availability (%) vs SLO"),
];

/// Run controls and charts of the current run.
#[component]
pub fn RunPanel() -> Html {
    html! {
        <section class="run-panel" aria-label="Run">
            <div class="run-bar">
                <h2>{ "Run" }</h2>
                <span class="muted">{ "Add clients and services, then run the simulation." }</span>
            </div>
            <div class="charts">
                { for CHARTS.iter().map(|(id, title)| html! {
                    <figure class="chart" key={*id}>
                        <figcaption>{ *title }</figcaption>
                        <div class="chart-empty">{ "No run yet" }</div>
                    </figure>
                }) }
            </div>
        </section>
    }
}
