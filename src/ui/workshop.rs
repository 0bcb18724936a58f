//! The workshop panel: the exercise's story, difficulty, hints and fault
//! script (in the inspector when nothing is selected), and the objective
//! checklist measured live by the run (`objective-<n>`, `data-status`
//! `pass`, `fail` or `pending`).

use std::rc::Rc;

use yew::prelude::*;

use crate::model::{Objective, Scenario};
use crate::sim::grade::{Status, Verdict};

/// The exercise: story, difficulty, hints (revealed on demand) and the
/// fault script. Nothing for a design without a story.
pub fn exercise(s: &Scenario) -> Html {
    if s.description.is_empty() && s.hints.is_empty() && s.faults.is_empty() {
        return html! {};
    }
    html! {
        <section class="exercise" data-testid="exercise" aria-label="Exercise">
            <p class="inspector-kind">
                { "Exercise" }
                if let Some(d) = s.difficulty {
                    <span class={classes!("difficulty", d.label())}>{ d.label() }</span>
                }
            </p>
            <p class="story">{ s.description.clone() }</p>
            if !s.faults.is_empty() {
                <p class="inspector-kind">{ "Fault script" }</p>
                <ul class="fault-script">
                    { for s.faults.iter().map(|f| html! { <li>{ f.describe() }</li> }) }
                </ul>
            }
            { for s.hints.iter().enumerate().map(|(n, h)| html! {
                <details class="hint" data-testid={format!("hint-{n}")}>
                    <summary>{ format!("Hint {}", n + 1) }</summary>
                    <p>{ h.clone() }</p>
                </details>
            }) }
        </section>
    }
}

/// Props of [`Objectives`].
#[derive(Properties, PartialEq)]
pub struct ObjectivesProps {
    /// The scenario's objectives.
    pub objectives: Vec<Objective>,
    /// The run's verdicts on them, in the same order (empty before a run).
    pub verdicts: Rc<Vec<Verdict>>,
}

/// The objective checklist: each objective with its status, its measured
/// value and, when it fails, why.
#[component]
pub fn Objectives(props: &ObjectivesProps) -> Html {
    if props.objectives.is_empty() {
        return html! {};
    }
    let graded = props.verdicts.len() == props.objectives.len();
    html! {
        <div class="objectives" aria-label="Objectives">
            <h3>{ "Objectives" }</h3>
            { for props.objectives.iter().enumerate().map(|(n, o)| {
                let verdict = graded.then(|| &props.verdicts[n]);
                let status = verdict.map_or(Status::Pending, |v| v.status);
                let mark = match status {
                    Status::Pass => "✓",
                    Status::Fail => "✗",
                    Status::Pending => "…",
                };
                let detail = match verdict {
                    Some(v) if v.status != Status::Pending && !v.settled => format!("{} (so far)", v.detail),
                    Some(v) => v.detail.clone(),
                    None => "measured when the run starts".to_owned(),
                };
                html! {
                    <div class={classes!("objective", status.name())} data-testid={format!("objective-{n}")}
                         data-status={status.name()}>
                        <span class="objective-mark" aria-hidden="true">{ mark }</span>
                        <span class="objective-text">{ o.describe() }</span>
                        <span class="objective-detail">{ detail }</span>
                    </div>
                }
            }) }
        </div>
    }
}
