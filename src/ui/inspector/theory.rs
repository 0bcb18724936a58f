//! Theory beside the simulation: what the model of a node says in its
//! design (`theory::closed_form`: a pool's queue, availability or retry
//! amplification, a cache's hit ratio, a consumer group's lag), beside what
//! the run measures; or why it has no closed form.

use yew::prelude::*;

use crate::sim::NodeSnapshot;
use crate::theory::{closed_form, Figure};

use super::super::store::Shared;

/// Props of [`TheoryLine`].
#[derive(Properties, PartialEq)]
pub struct TheoryProps {
    /// The design.
    pub scenario: Shared,
    /// The node's id.
    pub node: AttrValue,
    /// The node's state in the run (none before a run).
    pub load: Option<NodeSnapshot>,
}

/// The theory line of a node (`data-testid="node-theory"`): the model,
/// its formula and figures (ρ, loss, mean wait W_q, p99, hit ratio, lag
/// growth, availability, tries per call, calls failed), then what the run
/// measured of the same figures since the warm-up
/// (`data-testid="node-measured"`); or why the node has no closed form.
/// Nothing for kinds theory says nothing of. Computed once per design
/// (Che's approximation takes a pass over the keys per step).
#[component]
pub fn TheoryLine(props: &TheoryProps) -> Html {
    let closed =
        use_memo((props.scenario.clone(), props.node.clone()), |(scenario, node)| closed_form(&scenario.0, node));
    let Some(closed) = &*closed else { return html! {} };
    let (text, title, figures) = match closed {
        Ok(c) => {
            let shown: Vec<String> = c.figures.iter().map(|(f, v)| f.show(*v)).collect();
            (format!("Theory, {} ({}): {}", c.model, c.formula, shown.join(", ")), c.source.to_owned(), &c.figures[..])
        }
        Err(why) => {
            (format!("Theory: {why}"), "The formulas hold only for the design they describe".to_owned(), &[][..])
        }
    };
    let measured: Vec<String> = props
        .load
        .as_ref()
        .map(|load| figures.iter().filter_map(|(f, _)| measured(load, *f).map(|v| f.show(v))).collect())
        .unwrap_or_default();
    html! {
        <p class="theory" data-testid="node-theory" {title}>
            { text }
            if !measured.is_empty() {
                <span data-testid="node-measured">{ format!("; measured {} since the warm-up", measured.join(", ")) }</span>
            }
        </p>
    }
}

/// What the run measured of `figure` (None where the snapshot has no such
/// figure, as the p99 of one node).
fn measured(load: &NodeSnapshot, figure: Figure) -> Option<f64> {
    match figure {
        Figure::Utilization => load.mean_utilization,
        Figure::Loss => load.loss,
        Figure::MeanWait => load.mean_wait_ms,
        Figure::P99Response => None,
        Figure::HitRatio => load.hit_ratio,
        Figure::LagGrowth => load.lag_growth_rps,
        Figure::Availability => load.loss.map(|loss| 1.0 - loss),
        Figure::TriesPerCall => load.tries_per_call,
        Figure::CallsFailed => load.calls_failed,
    }
}
