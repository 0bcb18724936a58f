//! The workshop panel: the exercise's story, difficulty, hints and fault
//! script (in the inspector when nothing is selected), and the objective
//! checklist measured live by the run (`objective-<n>`, `data-status`
//! `pass`, `fail` or `pending`).

use std::rc::Rc;

use yew::prelude::*;

use crate::editor::Action;
use crate::model::{Metric, Objective, Scenario};
use crate::workshop::grade::{Status, Verdict};

use super::store::Msg;

/// The design's title (`design-title`) and story (`design-story`), to
/// rename it (one undoable edit each).
pub fn design_form(s: &Scenario, on_msg: &Callback<Msg>) -> Html {
    let set = |title: bool| {
        let (on_msg, s) = (on_msg.clone(), s.clone());
        Callback::from(move |e: Event| {
            let value = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .or_else(|| e.target_dyn_into::<web_sys::HtmlTextAreaElement>().map(|t| t.value()))
                .unwrap_or_default();
            let (title, description) =
                if title { (value.trim().to_owned(), s.description.clone()) } else { (s.title.clone(), value) };
            on_msg.emit(Msg::Apply(Action::SetStory { title, description }));
        })
    };
    html! {
        <section class="design-form" aria-label="Design">
            <label class="field"><span class="field-name">{ "Title" }</span>
                <input data-testid="design-title" value={s.title.clone()} onchange={set(true)}
                       placeholder="Untitled design" /></label>
            <label class="field"><span class="field-name">{ "Story" }</span>
                <textarea data-testid="design-story" rows="3" value={s.description.clone()} onchange={set(false)}
                          placeholder="What this design is for" /></label>
        </section>
    }
}

/// The exercise: story, difficulty, hints (revealed on demand) and the
/// fault script, with `changes`, what the copy changed of the exercise's
/// rules (`canonical::changes_of`, computed once per edit by the app).
/// Nothing for a design without a story.
pub fn exercise(s: &Scenario, changes: &[String]) -> Html {
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
            if !changes.is_empty() {
                <div class="rule-changes" data-testid="rule-changes" role="note">
                    <p>{ "Practice: you changed the exercise's rules. Grading for the exercise uses its own:" }</p>
                    <ul>{ for changes.iter().map(|c| html! { <li>{ c.clone() }</li> }) }</ul>
                </div>
            }
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

/// The objectives as a form: each with its target (`objective-target-<n>`)
/// and a remove button (`objective-remove-<n>`), and a choice to add one
/// (`objective-add`). Edits go through the editor (checked, undoable);
/// windows and nodes are set in the scenario file.
pub fn objectives_form(s: &Scenario, on_msg: &Callback<Msg>) -> Html {
    let set = |objectives: Vec<Objective>| Msg::Apply(Action::SetObjectives(objectives));
    let on_add = {
        let (on_msg, objectives) = (on_msg.clone(), s.objectives.clone());
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            let picked = select.selected_index() - 1;
            select.set_selected_index(0);
            if let Some(&metric) = usize::try_from(picked).ok().and_then(|i| Metric::ALL.get(i)) {
                let mut next = objectives.clone();
                next.push(Objective { metric, target: metric.default_target(), from_s: None, to_s: None, node: None });
                on_msg.emit(set(next));
            }
        })
    };
    let row = |n: usize, o: &Objective| {
        let on_target = {
            let (on_msg, objectives) = (on_msg.clone(), s.objectives.clone());
            Callback::from(move |e: Event| {
                let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
                match input.value().trim().parse::<f64>() {
                    Ok(target) => {
                        let mut next = objectives.clone();
                        next[n].target = target;
                        on_msg.emit(set(next));
                    }
                    Err(_) => on_msg.emit(Msg::Error(format!("objective {n}: the target must be a number"))),
                }
            })
        };
        let on_remove = {
            let (on_msg, objectives) = (on_msg.clone(), s.objectives.clone());
            Callback::from(move |_: MouseEvent| {
                let mut next = objectives.clone();
                next.remove(n);
                on_msg.emit(set(next));
            })
        };
        html! {
            <div class="objective-edit">
                <span class="field-name">{ o.describe() }</span>
                <input data-testid={format!("objective-target-{n}")} type="number" step="any"
                       aria-label={format!("Target of objective {n}")} value={o.target.to_string()} onchange={on_target} />
                <button class="small danger" data-testid={format!("objective-remove-{n}")} onclick={on_remove}>{ "Remove" }</button>
            </div>
        }
    };
    html! {
        <section class="objectives-form" aria-label="Objectives">
            <p class="inspector-kind">{ "Objectives" }</p>
            { for s.objectives.iter().enumerate().map(|(n, o)| row(n, o)) }
            <select data-testid="objective-add" aria-label="Add an objective" onchange={on_add}>
                <option selected=true>{ "Add an objective…" }</option>
                { for Metric::ALL.iter().map(|m| html! { <option>{ m.label() }</option> }) }
            </select>
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
    /// Whether they are the design's edited copy of its exercise's
    /// objectives or fault script (practice only).
    pub practice: bool,
    /// The verdicts are over this many seeds' runs (Run ×N seeds); 0: over
    /// the one run.
    #[prop_or_default]
    pub seeds: usize,
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
            if props.practice {
                <h3 data-testid="practice">{ "Practice" }
                    <span class="muted">{ ": your copy's objectives and fault script, not the exercise's verdict" }</span></h3>
            } else {
                <h3>{ "Objectives" }<span class="muted">{
                    if props.seeds == 0 { ": this run".to_owned() } else { format!(": over {} seeds", props.seeds) }
                }</span></h3>
            }
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
