//! Queueing theory beside the simulation: for a service pool that is an
//! M/M/c or M/G/1 queue in its design (`theory::Station`), the closed
//! forms beside what the run measures; for any other pool, why it has none.

use yew::prelude::*;

use crate::model::NodeKind;
use crate::theory::Station;

use super::InspectorProps;

/// The theory line of the node at `index` (`data-testid="node-theory"`):
/// ρ, the mean wait W_q (Erlang C, or Pollaczek–Khinchine for M/G/1) and
/// for M/M/c the p99 response time, with the mean wait the run measured since the warm-up; or why
/// the pool has no closed form. Nothing for other kinds.
pub fn theory_line(props: &InspectorProps, index: usize) -> Html {
    let node = &props.scenario.nodes[index];
    if !matches!(node.kind, NodeKind::Service(_)) {
        return html! {};
    }
    let measured = props.load.get(index).and_then(|v| v.mean_wait_ms);
    let (text, title) = match Station::of(&props.scenario, node.id.as_str()) {
        Ok(m) => {
            let p99 = m.response_quantile_ms(0.99).map_or_else(String::new, |p| format!(", p99 response {p:.1} ms"));
            (
                format!(
                    "Theory, {} ({}): ρ {:.1}%, mean wait W_q {:.3} ms{p99}",
                    m.model(),
                    m.formula(),
                    m.utilization() * 100.0,
                    m.mean_wait_ms()
                ),
                format!(
                    "λ = {} req/s (Poisson), c = {}, E[S] = {} ms; Kleinrock, Queueing Systems, Vol. 1",
                    m.lambda_rps,
                    m.c,
                    m.mean_s * 1e3
                ),
            )
        }
        Err(why) => {
            (format!("Theory: {why}"), "The queueing formulas hold only for the design they describe".to_owned())
        }
    };
    html! {
        <p class="theory" data-testid="node-theory" {title}>
            { text }
            if let Some(w) = measured {
                <span data-testid="node-measured-wait">{ format!("; measured W_q {w:.3} ms since the warm-up") }</span>
            }
        </p>
    }
}
