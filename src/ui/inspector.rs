//! The right-hand panel: every parameter of the selected node with its unit
//! and a short help text. Invalid values are shown in red with the reason
//! and never reach the model.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use crate::editor::{self, Action, EditError};
use crate::model::{variants, Edge, LbMode, LoadBalancerParams, NodeId, NodeKind, RequestClass, Route, Scenario};
use crate::sim::NodeSnapshot;

use super::run::FaultCommand;
use super::store::{Msg, Shared};
use crate::sim::TimelineEvent;

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
}

/// Parameters of the selection (`data-testid="inspector"`).
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    // Per field path: the rejected text and why.
    let rejected = use_state(Rejected::new);
    {
        let rejected = rejected.clone();
        use_effect_with((props.selection.clone(), props.edge), move |_| rejected.set(Rejected::new()));
    }
    let s = &props.scenario;
    let body = match (props.selection.as_slice(), props.edge) {
        ([id], _) => match s.nodes.iter().position(|n| &n.id == id) {
            Some(index) => node_form(props, index, &rejected),
            None => html! {},
        },
        ([], Some(index)) if index < s.edges.len() => edge_form(props, index, &rejected),
        ([], None) if props.zone.is_some() => zone_form(props),
        ([], _) => settings_form(props, &rejected),
        (many, _) => html! { <p class="muted">{ format!("{} nodes selected.", many.len()) }</p> },
    };
    html! {
        <aside class="inspector" data-testid="inspector" aria-label="Inspector">
            <h2>{ "Inspector" }</h2>
            { body }
            { event_log(&props.events) }
        </aside>
    }
}

/// Rejected field texts and reasons, by field path.
type Rejected = BTreeMap<String, (String, String)>;

/// A change to one form field.
enum Edit<'a> {
    /// The leaf at a dotted path gets this text.
    Set(&'a str, &'a str),
    /// The variant object at a dotted path becomes this choice (see
    /// [`variants::variants`]).
    Switch(&'a str, &'a Value),
}

/// Turns a field edit into a store message, or says why it is invalid.
type Commit = Rc<dyn Fn(Edit) -> Result<Msg, String>>;

fn node_form(props: &InspectorProps, index: usize, rejected: &UseStateHandle<Rejected>) -> Html {
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
    let slots = if matches!(node.kind, NodeKind::LoadBalancer(_)) { "cores" } else { "workers" };
    let live = props.load.get(index).filter(|v| v.capacity > 0).map(|v| {
        let rho = f64::from(v.busy) / f64::from(v.capacity) * 100.0;
        let down = if v.down > 0 { format!(", {} replicas down", v.down) } else { String::new() };
        html! {
            <p class="live" data-testid="node-live">
                { format!("Now: {} of {} {slots} busy (ρ {rho:.0}%), {} queued{down}", v.busy, v.capacity, v.queued) }
            </p>
        }
    });
    html! {
        <>
            <p class="inspector-kind">{ node.kind.info().title }<span class="muted">{ format!(" · {}", node.id) }</span></p>
            { for live }
            <label class="field">
                <span class="field-name">{ "Label" }</span>
                <input data-testid="param-label" type="text" value={node.label.clone()} onchange={on_label} />
            </label>
            { fault_buttons(props, index) }
            { fields_form(&params, rejected, commit, &props.on_msg) }
            { routes_form(props, index) }
        </>
    }
}

/// For a service pool: crash it (or one replica) or recover it, now.
fn fault_buttons(props: &InspectorProps, index: usize) -> Html {
    let node = &props.scenario.nodes[index];
    let NodeKind::Service(p) = &node.kind else { return html! {} };
    let id = node.id.to_string();
    let down = props.load.get(index).map_or(0, |v| v.down);
    let send = |replica: Option<u32>, up: bool| {
        let (on_fault, node) = (props.on_fault.clone(), id.clone());
        Callback::from(move |_: MouseEvent| on_fault.emit(FaultCommand { node: node.clone(), replica, up }))
    };
    let replicas = (0..p.replicas.min(8)).map(|r| {
        html! {
            <button class="small" data-testid={format!("fail-{id}-{r}")} title={format!("Crash replica {r} now")}
                    onclick={send(Some(r), false)}>{ format!("#{r}") }</button>
        }
    });
    html! {
        <div class="field faults">
            <span class="field-name">{ "Failure injection" }</span>
            <span class="checks">
                <button class="small danger" data-testid={format!("fail-{id}")} title="Crash every replica now"
                        onclick={send(None, false)} disabled={down == p.replicas}>{ "Crash pool" }</button>
                <button class="small" data-testid={format!("recover-{id}")} title="Recover every crashed replica now"
                        onclick={send(None, true)} disabled={down == 0}>{ "Recover" }</button>
            </span>
            <span class="checks">{ "Crash replica " }{ for replicas }</span>
            <span class="field-help">{ "A crash fails the requests a replica holds and refuses new ones until it recovers; balancers stop sending to it once their health checks notice" }</span>
        </div>
    }
}

/// Every crash, recovery and health-check verdict of the run, newest first.
fn event_log(events: &[TimelineEvent]) -> Html {
    html! {
        <section class="event-log" aria-label="Event log">
            <h3>{ "Events" }</h3>
            <ol data-testid="event-log">
                if events.is_empty() {
                    <li class="muted">{ "Nothing has happened yet. Crash a service pool to see failures, detection and recovery here." }</li>
                }
                { for events.iter().rev().map(|e| html! {
                    <li class={classes!("event", e.what.clone())}>
                        <span class="event-time">{ format!("{:.1} s", e.t_s) }</span>
                        <span class="event-node">{ e.node.clone() }</span>
                        <span class="event-what">{ e.what.clone() }</span>
                        <span class="event-detail">{ e.detail.clone() }</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}

/// For an L7 balancer: which backend pools serve each request class
/// (application-gateway path routing). A class with every pool ticked (or
/// none) has no route and goes to every pool.
fn routes_form(props: &InspectorProps, index: usize) -> Html {
    let node = &props.scenario.nodes[index];
    let NodeKind::LoadBalancer(lb) = &node.kind else { return html! {} };
    let LbMode::L7 { routes } = &lb.mode else { return html! {} };
    let pools: Vec<NodeId> = props.scenario.edges.iter().filter(|e| e.from == node.id).map(|e| e.to.clone()).collect();
    if pools.is_empty() {
        return html! {};
    }
    let rows = [RequestClass::Read, RequestClass::Write, RequestClass::Other].map(|class| {
        let name = format!("{class:?}").to_lowercase();
        let targets = routes.iter().find(|r| r.class == class).map(|r| r.targets.clone());
        let boxes = pools.iter().map(|pool| {
            let on_toggle = {
                let (on_msg, lb, id, pool) = (props.on_msg.clone(), lb.clone(), node.id.clone(), pool.clone());
                let all = pools.clone();
                Callback::from(move |e: Event| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    let LbMode::L7 { routes } = &lb.mode else { return };
                    let mut routes = routes.clone();
                    let mut targets =
                        routes.iter().find(|r| r.class == class).map_or_else(|| all.clone(), |r| r.targets.clone());
                    targets.retain(|t| *t != pool);
                    if input.checked() {
                        targets.push(pool.clone());
                    }
                    routes.retain(|r| r.class != class);
                    if !targets.is_empty() && targets.len() < all.len() {
                        routes.push(Route { class, targets });
                    }
                    let params = LoadBalancerParams { mode: LbMode::L7 { routes }, ..lb.clone() };
                    on_msg.emit(Msg::Apply(Action::SetParams { id: id.clone(), kind: NodeKind::LoadBalancer(params) }));
                })
            };
            let checked = targets.as_ref().is_none_or(|t| t.contains(pool));
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
    let mut json = serde_json::to_value(edge).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut json {
        // The ends are fixed; classes get their own checkboxes.
        for fixed in ["from", "to", "classes"] {
            map.shift_remove(fixed);
        }
    }
    let scenario = props.scenario.clone();
    let commit: Commit = Rc::new(move |edit| {
        let edge: Edge = edited(&scenario.edges[index], "", edit)?;
        checked(&scenario, Action::SetEdge { index, edge })
    });
    let classes = [RequestClass::Read, RequestClass::Write, RequestClass::Other].map(|class| {
        let name = format!("{class:?}").to_lowercase();
        let on_toggle = {
            let (on_msg, edge) = (props.on_msg.clone(), edge.clone());
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let mut next = edge.clone();
                // An empty list means every class; start from the full set.
                if next.classes.is_empty() {
                    next.classes = vec![RequestClass::Read, RequestClass::Write, RequestClass::Other];
                }
                next.classes.retain(|c| *c != class);
                if input.checked() {
                    next.classes.push(class);
                }
                if next.classes.len() == 3 {
                    next.classes.clear();
                }
                on_msg.emit(Msg::Apply(Action::SetEdge { index, edge: next }));
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
            { fields_form(&json, rejected, commit, &props.on_msg) }
            <div class="field">
                <span class="field-name">{ "Request classes" }</span>
                <span class="checks">{ for classes }</span>
                <span class="field-help">{ "Only requests of the ticked classes make this call" }</span>
            </div>
        </>
    }
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
        </>
    }
}

/// With nothing selected: the run settings (duration, warm-up, network
/// defaults, SLO); the seed is set in the run panel.
fn settings_form(props: &InspectorProps, rejected: &UseStateHandle<Rejected>) -> Html {
    let mut json = serde_json::to_value(&props.scenario.settings).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut json {
        map.shift_remove("seed");
    }
    let scenario = props.scenario.clone();
    let commit: Commit = Rc::new(move |edit| {
        let settings = edited(&scenario.settings, "", edit)?;
        checked(&scenario, Action::SetSettings(settings))
    });
    html! {
        <>
            <p class="muted">{ "Select a node, a call or a zone to see its parameters." }</p>
            <p class="inspector-kind">{ "Run settings" }</p>
            { fields_form(&json, rejected, commit, &props.on_msg) }
        </>
    }
}

/// A deserialization error in words a user can act on.
fn friendly(e: serde_json::Error) -> String {
    let text = e.to_string();
    if text.contains("floating point") && (text.contains("expected u32") || text.contains("expected u64")) {
        "must be a whole number".to_owned()
    } else if text.contains("unknown variant") {
        format!("not one of the choices ({})", text.split("expected").nth(1).unwrap_or("").trim())
    } else {
        text
    }
}

/// `value` with one field edit applied under the field `under` ("" for
/// the value itself), read back through serde.
fn edited<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T, under: &str, edit: Edit) -> Result<T, String> {
    let mut json = serde_json::to_value(value).map_err(|e| e.to_string())?;
    let root = if under.is_empty() { &mut json } else { field_mut(&mut json, under)? };
    apply_edit(root, edit)?;
    serde_json::from_value(integerise(json)).map_err(friendly)
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

/// One input per leaf of `json`, committed through `commit` on change.
fn fields_form(json: &Value, rejected: &UseStateHandle<Rejected>, commit: Commit, on_msg: &Callback<Msg>) -> Html {
    let mut fields = Vec::new();
    flatten("", json, &mut fields);
    let rows = fields.into_iter().map(|(path, value)| {
        let name = path.rsplit('.').next().unwrap_or(&path).to_owned();
        let parent = path.rsplit_once('.').map_or("", |(p, _)| p).to_owned();
        let parent_field = parent.rsplit('.').next().unwrap_or(&parent);
        if let Some((tag, choices)) = variants::variants(parent_field).filter(|(tag, _)| *tag == name) {
            let current = value.as_str().unwrap_or_default().to_owned();
            let on_change = {
                let (on_msg, commit, rejected) = (on_msg.clone(), commit.clone(), rejected.clone());
                let (choices, parent) = (choices.clone(), parent.clone());
                Callback::from(move |e: Event| {
                    let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                    let Some(choice) = choices.iter().find(|c| c[tag] == select.value()) else { return };
                    match commit(Edit::Switch(&parent, choice)) {
                        Ok(msg) => on_msg.emit(msg),
                        Err(reason) => {
                            let mut next = (*rejected).clone();
                            next.insert(parent.clone(), (String::new(), reason));
                            rejected.set(next);
                        }
                    }
                })
            };
            return html! {
                <label class="field" key={path.clone()}>
                    <span class="field-name">{ humanize(&path) }</span>
                    <select data-testid={format!("param-{path}")} onchange={on_change}>
                        { for choices.iter().map(|c| {
                            let v = c[tag].as_str().unwrap_or_default().to_owned();
                            html! { <option value={v.clone()} selected={v == current}>{ v.replace('_', " ") }</option> }
                        }) }
                    </select>
                </label>
            };
        }
        let on_change = {
            let (on_msg, commit, rejected, path) = (on_msg.clone(), commit.clone(), rejected.clone(), path.clone());
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                let text = input.value();
                let mut next = (*rejected).clone();
                match commit(Edit::Set(&path, &text)) {
                    Ok(msg) => {
                        next.remove(&path);
                        on_msg.emit(msg);
                    }
                    Err(reason) => {
                        next.insert(path.clone(), (text, reason));
                    }
                }
                rejected.set(next);
            })
        };
        let error = rejected.get(&path);
        let shown = error.map_or_else(|| display(&value), |(text, _)| text.clone());
        html! {
            <label class={classes!("field", error.map(|_| "invalid"))} key={path.clone()} title={help(&name)}>
                <span class="field-name">{ humanize(&path) }</span>
                <span class="field-input">
                    <input data-testid={format!("param-{path}")} type={if value.is_number() { "number" } else { "text" }}
                           step="any" value={shown} onchange={on_change}
                           aria-invalid={error.is_some().to_string()} />
                    <span class="unit">{ unit(&name) }</span>
                </span>
                if let Some((_, reason)) = error {
                    <span class="field-error" role="alert">{ reason.clone() }</span>
                } else {
                    <span class="field-help">{ help(&name) }</span>
                }
            </label>
        }
    });
    html! { <>{ for rows }</> }
}

/// The value at dotted `path` under `root`.
fn field_mut<'v>(root: &'v mut Value, path: &str) -> Result<&'v mut Value, String> {
    path.split('.')
        .try_fold(root, |v, key| match v {
            Value::Object(map) => map.get_mut(key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        })
        .ok_or_else(|| "no such parameter".to_owned())
}

/// Applies a field edit to the JSON of the edited item.
fn apply_edit(root: &mut Value, edit: Edit) -> Result<(), String> {
    match edit {
        Edit::Set(path, text) => set_field(field_mut(root, path)?, text),
        Edit::Switch(path, choice) => {
            let slot = field_mut(root, path)?;
            *slot = variants::switch_to(slot, choice);
            Ok(())
        }
    }
}

/// Sets a leaf to `text`, keeping its JSON type.
fn set_field(slot: &mut Value, text: &str) -> Result<(), String> {
    *slot = match slot {
        Value::Number(_) => {
            let v: f64 = text.trim().parse().map_err(|_| "must be a number".to_owned())?;
            serde_json::Number::from_f64(v).map(Value::Number).ok_or("must be a finite number")?
        }
        Value::Bool(_) => Value::Bool(text == "true"),
        _ => Value::String(text.to_owned()),
    };
    Ok(())
}

/// Numbers like `4.0` become `4`, so integer fields deserialize.
fn integerise(v: Value) -> Value {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && (0.0..9.0e15).contains(&f) => Value::from(f as u64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(integerise).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, integerise(v))).collect()),
        other => other,
    }
}

/// Leaf fields of a params object as (dotted path, value), in order.
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&path, child, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                flatten(&format!("{prefix}.{i}"), child, out);
            }
        }
        leaf => out.push((prefix.to_owned(), leaf.clone())),
    }
}

fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `service_time.mean_ms` → `Service time · mean`.
fn humanize(path: &str) -> String {
    path.split('.')
        .map(|part| {
            let part = ["_ms", "_s", "_rps"].iter().fold(part, |p, suffix| p.strip_suffix(suffix).unwrap_or(p));
            if ["slo", "mtbf", "mttr"].contains(&part) {
                return part.to_uppercase();
            }
            let words = part.replace('_', " ");
            let mut chars = words.chars();
            chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The unit of a field, from its name's suffix.
fn unit(name: &str) -> &'static str {
    if name.ends_with("_ms") {
        "ms"
    } else if name.ends_with("_rps") {
        "req/s"
    } else if name.ends_with("_s") {
        "s"
    } else {
        ""
    }
}

/// A one-line explanation of a parameter.
fn help(name: &str) -> &'static str {
    match name {
        "replicas" => "Identical instances of the service",
        "workers" => "Threads per replica: requests served at once",
        "queue_capacity" => "Requests waiting per replica before new ones are rejected",
        "mean_ms" => "Average time of one request's own work",
        "p99_ms" => "99th percentile of that time (heavier tail, larger value)",
        "ms" => "Fixed time of one request's own work",
        "rps" | "before_rps" | "after_rps" | "from_rps" | "to_rps" | "base_rps" | "peak_rps" | "mean_rps" => {
            "Arrival rate λ of new requests"
        }
        "timeout_ms" => "Clients give up on a request after this long",
        "sessions" => "Distinct user sessions (sticky routing hashes these)",
        "keys" => "Distinct keys requests touch",
        "s" => "Zipf exponent: 0 uniform, about 1 for web popularity",
        "read" | "write" | "other" => "Share of requests of this class",
        "users" => "Closed-loop users N, each waiting for its reply",
        "think_time_ms" => "Mean pause of a user between requests (Z)",
        "max_connections" => "Requests in progress before the balancer rejects",
        "processing_time_ms" => "Balancer time per request",
        "cores" => "Requests the balancer processes at once",
        "alpha" => "USL contention α: serialised share of the work",
        "base_ms" => "Fixed one-way network latency of this call",
        "max_ms" => "Upper bound of the uniform jitter",
        "probability" => "Share of requests that make this call",
        "mode" => "sync (wait, holding the worker) or async (fire and forget)",
        "weight" => "Weighted round robin weight at a balancer",
        "beta" => "USL coherence β: crosstalk between concurrent requests",
        "mtbf_s" => "Mean time between failures of each replica (exponential); 0: never fails at random",
        "mttr_s" => "Mean time to repair a randomly failed replica (exponential)",
        "interval_ms" => "Health checks: time between probes of each backend",
        "unhealthy_threshold" => "Health checks: failed probes in a row that take a backend out of rotation",
        "healthy_threshold" => "Health checks: good probes in a row that bring it back",
        "duration_s" => "Simulated time of a run",
        "warmup_s" => "Initial period left out of latency, throughput and availability",
        "cross_zone_ms" => "Extra one-way latency of a call between zones of a region",
        "cross_region_ms" => "Extra one-way latency of a call between regions",
        "availability" => "SLO: target share of requests answered successfully, 0–1",
        "latency_p99_ms" => "SLO: target p99 response time",
        _ => "",
    }
}
