//! The right-hand panel: every parameter of the selected node with its unit
//! and a short help text. Invalid values are shown in red with the reason
//! and never reach the model.

mod faults;
mod fields;
mod theory;

use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use crate::editor::{self, Action, EditError};
use crate::model::{
    params, Edge, LbMode, LoadBalancerParams, NodeId, NodeKind, Onward, Optional, RequestClass, Scenario, Settings,
};
use crate::sim::{NodeSnapshot, TimelineEvent};

use super::run::FaultCommand;
use super::store::{Msg, Shared};
use super::workshop::{design_form, exercise, objectives_form};
use faults::{event_log, fault_buttons, live_line, zone_fault_buttons};
use fields::{edited, edited_json, fields_form, Commit, Rejected, Show};
use theory::TheoryLine;

/// Props of [`Inspector`].
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The scenario.
    pub scenario: Shared,
    /// Selected nodes.
    pub selection: Vec<NodeId>,
    /// The selected edge, by index.
    pub edge: Option<usize>,
    /// The selected zone, by id.
    pub zone: Option<String>,
    /// Per-node run state, in scenario order (empty before a run).
    pub load: Vec<NodeSnapshot>,
    /// Where edits go.
    pub on_msg: Callback<Msg>,
    /// Crash or recover a node in the run.
    pub on_fault: Callback<FaultCommand>,
    /// What happened in the run so far.
    pub events: Rc<Vec<TimelineEvent>>,
    /// What the design changed of its exercise's rules
    /// (`canonical::changes_of`).
    pub rule_changes: Rc<Vec<String>>,
}

/// Parameters of the selection (`data-testid="inspector"`).
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    // Per field path: the rejected text and why.
    let rejected = use_state(Rejected::new);
    // The text of the node's parameter search (lowercase).
    let filter = use_state(String::new);
    {
        let (rejected, filter) = (rejected.clone(), filter.clone());
        use_effect_with((props.selection.clone(), props.edge), move |_| {
            rejected.set(Rejected::new());
            filter.set(String::new());
        });
    }
    let s = &props.scenario;
    let body = match (props.selection.as_slice(), props.edge) {
        ([id], _) => match s.nodes.iter().position(|n| &n.id == id) {
            Some(index) => node_form(props, index, &rejected, &filter),
            None => html! {},
        },
        ([], Some(index)) if index < s.edges.len() => edge_form(props, index, &rejected),
        ([], None) if props.zone.is_some() => zone_form(props),
        ([], _) => settings_form(props, &rejected),
        (many, _) => html! { <p class="muted">{ format!("{} nodes selected.", many.len()) }</p> },
    };
    // On a phone the inspector of a selection is a bottom sheet over the
    // canvas; Done (or Escape) closes it.
    let selected = !props.selection.is_empty() || props.edge.is_some() || props.zone.is_some();
    let on_done = props.on_msg.reform(|_: MouseEvent| Msg::Select(Vec::new()));
    html! {
        <aside class={classes!("inspector", selected.then_some("sheet"))} data-testid="inspector" aria-label="Inspector">
            <div class="inspector-head">
                <h2>{ "Inspector" }</h2>
                if selected {
                    <button class="small sheet-done" data-testid="sheet-done" onclick={on_done}>{ "Done" }</button>
                }
            </div>
            { body }
            { event_log(&props.events) }
        </aside>
    }
}

/// A node's form: its label, the parameters people change most, its
/// faults, then the rest folded; or, while searching, the parameters that
/// match.
fn node_form(
    props: &InspectorProps,
    index: usize,
    rejected: &UseStateHandle<Rejected>,
    filter: &UseStateHandle<String>,
) -> Html {
    let node = &props.scenario.nodes[index];
    let kind_json = serde_json::to_value(&node.kind).unwrap_or(Value::Null);
    // L7 routes get their own checkboxes below.
    let mut params = kind_json["params"].clone();
    if let Some(mode) = params.get_mut("mode").and_then(Value::as_object_mut) {
        mode.shift_remove("routes");
    }
    let on_label = {
        let (on_msg, id) = (props.on_msg.clone(), node.id.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            on_msg.emit(Msg::Apply(Action::SetLabel { id: id.clone(), label: input.value() }));
        })
    };
    let scenario = props.scenario.clone();
    let commit: Commit = Rc::new(move |edit| {
        let kind: NodeKind = edited(&scenario.nodes[index].kind, "params", edit)?;
        checked(&scenario, Action::SetParams { id: scenario.nodes[index].id.clone(), kind })
    });
    let spec = params::kind_params(node.kind.info().name);
    let form = |show| fields_form(spec, &params, show, rejected, commit.clone(), &props.on_msg);
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            filter.set(input.value().trim().to_ascii_lowercase());
        })
    };
    let body = if filter.is_empty() {
        let more = form(Show::More).map(|fields| {
            html! {
                <details class="more" data-testid="more-params">
                    <summary>{ "More parameters" }</summary>
                    { fields }
                </details>
            }
        });
        html! {
            <>
                { form(Show::Main) }
                { fault_buttons(props, index) }
                { optional_parts(props, index) }
                { more }
                { routes_form(props, index) }
            </>
        }
    } else {
        form(Show::Matching(filter)).unwrap_or_else(|| html! { <p class="muted">{ "No parameter matches." }</p> })
    };
    html! {
        <>
            <p class="inspector-kind">{ node.kind.info().title }<span class="muted">{ format!(" · {}", node.id) }</span></p>
            { live_line(props, index) }
            <TheoryLine scenario={props.scenario.clone()} node={AttrValue::from(node.id.to_string())}
                        load={props.load.get(index).cloned()} />
            <input class="param-search" type="search" data-testid="param-search" placeholder="Find a parameter…"
                   aria-label="Find a parameter" value={(**filter).clone()} oninput={on_filter} />
            <label class="field">
                <span class="field-name">{ "Label" }</span>
                <input data-testid="param-label" type="text" value={node.label.clone()} onchange={on_label} />
            </label>
            { body }
        </>
    }
}

/// An optional part: test id suffix, label, whether it is on.
type Part = (&'static str, &'static str, bool);

/// What ticking an optional part on or off does.
type Toggle = Rc<dyn Fn(&str, bool) -> Action>;

/// Switches for optional parts (their fields appear in the form when on);
/// ticking one applies `toggle(part, on)`.
fn switches(on_msg: &Callback<Msg>, parts: &[Part], toggle: Toggle, help: &str) -> Html {
    if parts.is_empty() {
        return html! {};
    }
    let boxes = parts.iter().map(|&(part, label, on)| {
        let (on_msg, toggle) = (on_msg.clone(), toggle.clone());
        let on_toggle = Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            on_msg.emit(Msg::Apply(toggle(part, input.checked())));
        });
        html! {
            <label class="check">
                <input type="checkbox" data-testid={format!("param-enable-{part}")} checked={on} onchange={on_toggle} />
                { label }
            </label>
        }
    });
    html! {
        <div class="field">
            <span class="field-name">{ "Optional" }</span>
            <span class="checks">{ for boxes }</span>
            <span class="field-help">{ help.to_owned() }</span>
        </div>
    }
}

/// Switches for the optional parts of a node's kind (a pool's exclusive
/// cache, USL slowdown, rate limiter, load shedding, autoscaling; a
/// balancer's rate limiter, outlier detection, pair: `Kind::OPTIONAL`).
fn optional_parts(props: &InspectorProps, index: usize) -> Html {
    let node = &props.scenario.nodes[index];
    let (parts, help) = node.kind.optional_parts();
    let (id, kind) = (node.id.clone(), node.kind.clone());
    let toggle = Rc::new(move |part: &str, on| Action::SetParams { id: id.clone(), kind: kind.with_part(part, on) });
    switches(&props.on_msg, &parts, toggle, help)
}

/// Switches for the caller's defences on a call (`Edge::OPTIONAL`):
/// timeout, retries, retry budget, circuit breaker, bulkhead.
fn resilience_parts(props: &InspectorProps, index: usize) -> Html {
    let edge = props.scenario.edges[index].clone();
    let parts = Optional::shown_in(Edge::OPTIONAL, &edge);
    let toggle = Rc::new(move |part: &str, on| {
        let mut next = edge.clone();
        Optional::switch(Edge::OPTIONAL, &mut next, part, on);
        Action::SetEdge { index, edge: Box::new(next) }
    });
    switches(&props.on_msg, &parts, toggle, Edge::OPTIONAL_HELP)
}

/// For an L7 balancer: which backend pools serve each request class
/// (application-gateway path routing). A class with every pool ticked (or
/// none) has no route and goes to every pool.
fn routes_form(props: &InspectorProps, index: usize) -> Html {
    let node = &props.scenario.nodes[index];
    let NodeKind::LoadBalancer(lb) = &node.kind else { return html! {} };
    let LbMode::L7 { .. } = &lb.mode else { return html! {} };
    let pools: Vec<NodeId> = props.scenario.edges.iter().filter(|e| e.from == node.id).map(|e| e.to.clone()).collect();
    if pools.is_empty() {
        return html! {};
    }
    let rows = RequestClass::ALL.map(|class| {
        let name = class.name();
        let targets = lb.mode.routed_to(class, &pools);
        let boxes = pools.iter().map(|pool| {
            let on_toggle = {
                let (on_msg, lb, id, pool, pools) = (props.on_msg.clone(), lb.clone(), node.id.clone(), pool.clone(), pools.clone());
                Callback::from(move |e: Event| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    let params = LoadBalancerParams { mode: lb.mode.with_route(class, &pool, input.checked(), &pools), ..lb.clone() };
                    on_msg.emit(Msg::Apply(Action::SetParams { id: id.clone(), kind: NodeKind::LoadBalancer(params) }));
                })
            };
            let checked = targets.contains(pool);
            html! {
                <label class="check">
                    <input type="checkbox" data-testid={format!("param-route-{name}-{pool}")} {checked} onchange={on_toggle} />
                    { pool.to_string() }
                </label>
            }
        });
        html! {
            <div class="field">
                <span class="field-name">{ format!("Route {name} requests to") }</span>
                <span class="checks">{ for boxes }</span>
            </div>
        }
    });
    html! {
        <>
            { for rows }
            <span class="field-help">{ "L7 path routing: each request class goes only to the ticked pools" }</span>
        </>
    }
}

fn edge_form(props: &InspectorProps, index: usize, rejected: &UseStateHandle<Rejected>) -> Html {
    let edge = &props.scenario.edges[index];
    let mut json = edge_json(&props.scenario, index);
    if let Value::Object(map) = &mut json {
        // The ends are fixed; classes get their own checkboxes.
        for fixed in ["from", "to", "classes"] {
            map.shift_remove(fixed);
        }
    }
    let scenario = props.scenario.clone();
    let commit: Commit = Rc::new(move |edit| {
        let edge: Edge = edited_json(edge_json(&scenario, index), "", edit)?;
        checked(&scenario, Action::SetEdge { index, edge: Box::new(edge) })
    });
    let classes = RequestClass::ALL.map(|class| {
        let name = class.name();
        let on_toggle = {
            let (on_msg, edge) = (props.on_msg.clone(), edge.clone());
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut next = edge.clone();
                // An empty list means every class; start from the full set.
                if next.classes.is_empty() {
                    next.classes = RequestClass::ALL.to_vec();
                }
                next.classes.retain(|c| *c != class);
                if input.checked() {
                    next.classes.push(class);
                }
                if next.classes.len() == 3 {
                    next.classes.clear();
                }
                on_msg.emit(Msg::Apply(Action::SetEdge { index, edge: Box::new(next) }));
            })
        };
        let checked = edge.classes.is_empty() || edge.classes.contains(&class);
        html! {
            <label class="check">
                <input type="checkbox" data-testid={format!("param-classes-{name}")} {checked} onchange={on_toggle} />
                { name }
            </label>
        }
    });
    html! {
        <>
            <p class="inspector-kind">{ "Call" }<span class="muted">{ format!(" · {} → {}", edge.from, edge.to) }</span></p>
            { resilience_parts(props, index) }
            { fields_form(params::def("Edge"), &json, Show::All, rejected, commit, &props.on_msg) }
            <div class="field">
                <span class="field-name">{ "Request classes" }</span>
                <span class="checks">{ for classes }</span>
                <span class="field-help">{ "Only requests of the ticked classes make this call" }</span>
            </div>
        </>
    }
}

/// Edge `index` of `s` as JSON with its split's name even when it is in
/// none (empty, which the file leaves out), beside its probability: a field
/// to type a name into; not for a caller that sends each request to one
/// target anyway (a balancer's backends), unless a file put one there.
fn edge_json(s: &Scenario, index: usize) -> Value {
    let Some(edge) = s.edges.get(index) else { return Value::Null };
    let mut json = serde_json::to_value(edge).unwrap_or(Value::Null);
    let one_of = s.node(&edge.from).is_some_and(|n| n.kind.info().onward == Onward::OneOf);
    if let Value::Object(map) = &mut json {
        if !one_of && !map.contains_key("split") {
            let mut shown = serde_json::Map::new();
            for (key, value) in std::mem::take(map) {
                let after = key == "probability";
                shown.insert(key, value);
                if after {
                    shown.insert("split".to_owned(), Value::String(String::new()));
                }
            }
            *map = shown;
        }
    }
    json
}

fn zone_form(props: &InspectorProps) -> Html {
    let Some(zone) = props.scenario.zones.iter().find(|z| Some(&z.id) == props.zone.as_ref()) else {
        return html! {};
    };
    let change = |field: &'static str| {
        let (on_msg, zone) = (props.on_msg.clone(), zone.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let (mut label, mut region) = (zone.label.clone(), zone.region.clone());
            *if field == "label" { &mut label } else { &mut region } = input.value();
            on_msg.emit(Msg::Apply(Action::SetZone { id: zone.id.clone(), label, region }));
        })
    };
    html! {
        <>
            <p class="inspector-kind">{ "Availability zone" }<span class="muted">{ format!(" · {}", zone.id) }</span></p>
            <label class="field">
                <span class="field-name">{ "Label" }</span>
                <input data-testid="param-zone-label" type="text" value={zone.label.clone()} onchange={change("label")} />
            </label>
            <label class="field">
                <span class="field-name">{ "Region" }</span>
                <input data-testid="param-zone-region" type="text" value={zone.region.clone()} onchange={change("region")} />
                <span class="field-help">{ "Calls between zones of one region add the cross-zone latency; between regions, the cross-region latency" }</span>
            </label>
            { zone_fault_buttons(props, &zone.id) }
        </>
    }
}

/// With nothing selected: the run settings (duration, warm-up, network
/// defaults, SLO, run guards); the seed is set in the run panel.
fn settings_form(props: &InspectorProps, rejected: &UseStateHandle<Rejected>) -> Html {
    // The run guards are shown even at their defaults (which the file
    // leaves out); the seed is not.
    let shown = |s: &Settings| {
        let mut json = serde_json::to_value(s).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut json {
            map.insert("limits".into(), serde_json::to_value(s.limits).unwrap_or(Value::Null));
        }
        json
    };
    let mut json = shown(&props.scenario.settings);
    if let Value::Object(map) = &mut json {
        map.shift_remove("seed");
    }
    let scenario = props.scenario.clone();
    let commit: Commit = Rc::new(move |edit| {
        let settings = edited_json(shown(&scenario.settings), "", edit)?;
        checked(&scenario, Action::SetSettings(settings))
    });
    html! {
        <>
            <p class="muted">{ "Select a node, a call or a zone to see its parameters." }</p>
            { design_form(&props.scenario, &props.on_msg) }
            { exercise(&props.scenario, &props.rule_changes) }
            { objectives_form(&props.scenario, &props.on_msg) }
            <p class="inspector-kind">{ "Run settings" }</p>
            { fields_form(params::def("Settings"), &json, Show::All, rejected, commit, &props.on_msg) }
        </>
    }
}

/// The store message for `action` if the editor would accept it; otherwise
/// the reason, for the field.
fn checked(scenario: &Scenario, action: Action) -> Result<Msg, String> {
    match editor::check(scenario, action.clone()) {
        Ok(()) => Ok(Msg::Apply(action)),
        Err(EditError::Invalid(problems)) => Err(problems.into_iter().next().map(|p| p.message).unwrap_or_default()),
        Err(other) => Err(other.to_string()),
    }
}
