//! Queueing theory beside the simulation: for a service pool that is an
//! M/M/c queue in its design (`theory::Mmc`), the closed forms beside what
//! the run measures; for any other pool, why it has none.

use yew::prelude::*;

use crate::model::NodeKind;
use crate::theory::Mmc;

use super::InspectorProps;

/// The theory line of the node at `index` (`data-testid="node-theory"`):
/// ρ, the mean wait W_q (Erlang C) and the p99 response time of its M/M/c
/// queue, with the mean wait the run measured since the warm-up; or why
/// the pool has no closed form. Nothing for other kinds.
pub fn theory_line(props: &InspectorProps, index: usize) -> Html {
    let node = &props.scenario.nodes[index];
    if !matches!(node.kind, NodeKind::Service(_)) {
        return html! {};
    }
    let measured = props.load.get(index).and_then(|v| v.mean_wait_ms);
    let (text, title) = match Mmc::of(&props.scenario, node.id.as_str()) {
        Ok(m) => (
            format!(
                "Theory, M/M/{} (Erlang C): ρ {:.1}%, mean wait W_q {:.3} ms, p99 response {:.1} ms",
                m.c,
                m.utilization() * 100.0,
                m.mean_wait_ms(),
                m.response_quantile_ms(0.99)
            ),
            format!(
                "λ = {} req/s of Poisson arrivals, c = {} workers, μ = {} req/s each (exponential service): \
                 Kleinrock, Queueing Systems, Vol. 1, §3.5",
                m.lambda_rps, m.c, m.mu_rps
            ),
        ),
        Err(why) => (format!("Theory: {why}"), "The M/M/c formulas hold only for the design they describe".to_owned()),
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
