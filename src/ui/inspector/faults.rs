//! Failure injection buttons, the live state of a node and the run's event
//! log.

use yew::prelude::*;

use crate::model::NodeKind;
use crate::sim::TimelineEvent;

use super::super::run::FaultCommand;
use super::InspectorProps;

/// What a node is doing now in the run (nothing before a run): busy
/// workers or cores and ρ, the queue, the cache hit ratio, crashed replicas.
pub fn live_line(props: &InspectorProps, index: usize) -> Html {
    let Some(v) = props.load.get(index) else { return html! {} };
    let slots = match props.scenario.nodes[index].kind {
        NodeKind::LoadBalancer(_) => "cores",
        NodeKind::Database(_) => "connections",
        _ => "workers",
    };
    let mut parts = Vec::new();
    if v.capacity > 0 {
        let rho = f64::from(v.busy) / f64::from(v.capacity) * 100.0;
        parts.push(format!("{} of {} {slots} busy (ρ {rho:.0}%), {} queued", v.busy, v.capacity, v.queued));
    }
    if let Some(h) = v.hit_ratio {
        parts.push(format!("hit ratio {:.1}% since the warm-up", h * 100.0));
    }
    match (v.down, &props.scenario.nodes[index].kind) {
        (0, _) => {}
        (_, NodeKind::Cache(_)) => parts.push("down (crashed)".to_owned()),
        (n, NodeKind::Database(_)) => parts.push(format!("{} down", plural(n, "instance"))),
        (n, _) => parts.push(format!("{} down", plural(n, "replica"))),
    }
    if parts.is_empty() {
        return html! {};
    }
    html! { <p class="live" data-testid="node-live">{ format!("Now: {}", parts.join("; ")) }</p> }
}

/// "1 replica", "3 replicas".
fn plural(n: u32, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// For a service pool, crash it (or one replica) or recover it, now; for a
/// cache, crash (losing its items) or recover it.
pub fn fault_buttons(props: &InspectorProps, index: usize) -> Html {
    let node = &props.scenario.nodes[index];
    let (replicas, whole, help) = match &node.kind {
        NodeKind::Service(p) => (
            p.replicas,
            "Crash pool",
            "A crash fails the requests a replica holds and refuses new ones until it recovers; balancers stop sending to it once their health checks notice",
        ),
        NodeKind::Cache(_) => (
            1,
            "Crash cache",
            "A crash loses every item: reads fall back to the store behind, and the cache comes back empty (cold)",
        ),
        NodeKind::Database(p) => (
            p.replicas + 1,
            "Crash all",
            "Instance 0 is the first primary: crash it and writes fail until a replica is promoted (failover); with async replication the writes still in flight are lost",
        ),
        _ => return html! {},
    };
    let id = node.id.to_string();
    let down = props.load.get(index).map_or(0, |v| v.down);
    let send = |replica: Option<u32>, up: bool| {
        let (on_fault, node) = (props.on_fault.clone(), id.clone());
        Callback::from(move |_: MouseEvent| on_fault.emit(FaultCommand { node: node.clone(), replica, up }))
    };
    let per_replica = (replicas > 1).then(|| {
        let buttons = (0..replicas.min(8)).map(|r| {
            html! {
                <button class="small" data-testid={format!("fail-{id}-{r}")} title={format!("Crash replica {r} now")}
                        onclick={send(Some(r), false)}>{ format!("#{r}") }</button>
            }
        });
        let what = if matches!(node.kind, NodeKind::Database(_)) { "Crash instance " } else { "Crash replica " };
        html! { <span class="checks">{ what }{ for buttons }</span> }
    });
    html! {
        <div class="field faults">
            <span class="field-name">{ "Failure injection" }</span>
            <span class="checks">
                <button class="small danger" data-testid={format!("fail-{id}")} title="Crash it now"
                        onclick={send(None, false)} disabled={down == replicas}>{ whole }</button>
                <button class="small" data-testid={format!("recover-{id}")} title="Recover what crashed, now"
                        onclick={send(None, true)} disabled={down == 0}>{ "Recover" }</button>
            </span>
            { for per_replica }
            <span class="field-help">{ help }</span>
        </div>
    }
}

/// Every crash, recovery and health-check verdict of the run, newest first.
pub fn event_log(events: &[TimelineEvent]) -> Html {
    html! {
        <section class="event-log" aria-label="Event log">
            <h3>{ "Events" }</h3>
            <ol data-testid="event-log">
                if events.is_empty() {
                    <li class="muted">{ "Nothing has happened yet. Crash a service pool or a cache to see failures, detection and recovery here." }</li>
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
