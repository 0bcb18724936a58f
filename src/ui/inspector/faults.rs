//! Failure injection buttons, the live state of a node and the run's event
//! log.

use yew::prelude::*;

use crate::model::{Fault, FaultKind};
use crate::sim::TimelineEvent;
use crate::words::count;

use super::super::run::FaultCommand;
use super::InspectorProps;

/// What a node is doing now in the run (nothing before a run): busy
/// workers or cores and ρ, the queue, the cache hit ratio, the replication
/// lag, crashed replicas.
pub fn live_line(props: &InspectorProps, index: usize) -> Html {
    let Some(v) = props.load.get(index) else { return html! {} };
    let info = props.scenario.nodes[index].kind.info();
    let (slots, waiting) = (info.slots, info.backlog.0);
    let mut parts = Vec::new();
    if v.slots > 0 {
        // ρ over the slots in service; those of crashed replicas apart.
        let rho = v.utilization().map_or("—".to_owned(), |u| format!("{:.0}%", u * 100.0));
        let down = v.slots - v.capacity;
        let down = if down > 0 { format!("; {down} more down") } else { String::new() };
        parts.push(format!("{} of {} {slots} busy (ρ {rho}{down}), {} {waiting}", v.busy, v.capacity, v.queued));
    }
    if let Some(h) = v.hit_ratio {
        parts.push(format!("hit ratio {:.1}% since the warm-up", h * 100.0));
    }
    if v.ejected > 0 {
        parts.push(format!("{} out of rotation (health checks)", count(v.ejected.into(), "backend")));
    }
    if v.degraded > 0 {
        parts.push(format!("{} slow or failing (grey failure)", count(v.degraded.into(), "replica")));
    }
    if let Some(lag) = v.replication_lag_ms {
        parts.push(format!("replication lag {lag:.1} ms on average"));
    }
    match (v.down, props.scenario.nodes[index].kind.crash_parts(), info.crash) {
        (0, _, _) => {}
        (_, Some(1), _) => parts.push("down (crashed)".to_owned()),
        (n, _, crash) => parts.push(format!("{} down", count(n.into(), crash.map_or("replica", |c| c.part)))),
    }
    if parts.is_empty() {
        return html! {};
    }
    html! { <p class="live" data-testid="node-live">{ format!("Now: {}", parts.join("; ")) }</p> }
}

/// The grey failures the buttons inject into a whole pool.
const SLOW: FaultKind = FaultKind::Slow { factor: 10.0 };
const ERRORS: FaultKind = FaultKind::ErrorRate { share: 0.5 };
const SPIKE: FaultKind = FaultKind::Spike { factor: 5.0 };

/// Crash a node (or one of its parts: replica, instance, consumer) or
/// recover what crashed, now; make a pool slow or fail, or heal it; stop a
/// queue's consumers; flush a cache; spike a client's traffic.
pub fn fault_buttons(props: &InspectorProps, index: usize) -> Html {
    let node = &props.scenario.nodes[index];
    let id = node.id.to_string();
    let send = |replica: Option<u32>, kind: FaultKind, on: bool| {
        let fault = Fault { replica, ..Fault::on_node(&id, 0.0, None, kind) };
        let on_fault = props.on_fault.clone();
        Callback::from(move |_: MouseEvent| on_fault.emit(FaultCommand { fault: fault.clone(), on }))
    };
    if node.kind.takes(SPIKE) {
        return html! {
            <div class="field faults">
                <span class="field-name">{ "Failure injection" }</span>
                <span class="checks">
                    <button class="small danger" data-testid={format!("spike-{id}")} title="Five times the traffic from now on"
                            onclick={send(None, SPIKE, true)}>{ "Traffic spike ×5" }</button>
                    <button class="small" data-testid={format!("calm-{id}")} title="Back to the normal rate"
                            onclick={send(None, SPIKE, false)}>{ "End spike" }</button>
                </span>
                <span class="field-help">{ "A flash crowd: the client sends five times its rate until the spike ends" }</span>
            </div>
        };
    }
    let (Some(c), Some(parts)) = (node.kind.info().crash, node.kind.crash_parts()) else { return html! {} };
    let (down, degraded) = props.load.get(index).map_or((0, 0), |v| (v.down, v.degraded));
    let heal = {
        let (slow, errors) = (send(None, SLOW, false), send(None, ERRORS, false));
        Callback::from(move |e: MouseEvent| {
            slow.emit(e.clone());
            errors.emit(e);
        })
    };
    let each = (parts > 1 || c.apart).then(|| {
        let buttons = (0..parts.min(8)).map(|r| {
            html! {
                <button class="small" data-testid={format!("fail-{id}-{r}")} title={format!("Crash {} {r} now", c.part)}
                        onclick={send(Some(r), FaultKind::Crash, true)}>{ format!("#{r}") }</button>
            }
        });
        html! { <span class="checks">{ format!("Crash {} ", c.part) }{ for buttons }</span> }
    });
    html! {
        <div class="field faults">
            <span class="field-name">{ "Failure injection" }</span>
            <span class="checks">
                <button class="small danger" data-testid={format!("fail-{id}")} title="Crash it now"
                        onclick={send(None, FaultKind::Crash, true)} disabled={down > 0 && down >= parts}>{ c.whole }</button>
                <button class="small" data-testid={format!("recover-{id}")} title="Recover what crashed, now"
                        onclick={send(None, FaultKind::Crash, false)} disabled={down == 0}>{ "Recover" }</button>
            </span>
            { for each }
            if node.kind.takes(FaultKind::Flush) {
                <span class="checks">
                    <button class="small" data-testid={format!("flush-{id}")} title="Drop every item now; it stays up"
                            onclick={send(None, FaultKind::Flush, true)}>{ "Flush" }</button>
                </span>
            }
            if node.kind.takes(FaultKind::Stop) {
                <span class="checks">
                    { "Consumers " }
                    <button class="small" data-testid={format!("stop-{id}")} title="The consumers stop taking messages (they stay in the group)"
                            onclick={send(None, FaultKind::Stop, true)}>{ "Stop" }</button>
                    <button class="small" data-testid={format!("start-{id}")} title="The consumers take messages again"
                            onclick={send(None, FaultKind::Stop, false)}>{ "Start" }</button>
                </span>
            }
            if node.kind.takes(SLOW) {
                <span class="checks">
                    { "Grey failure " }
                    <button class="small" data-testid={format!("slow-{id}")} title="Every replica serves 10× slower, still passing health checks"
                            onclick={send(None, SLOW, true)}>{ "Slow ×10" }</button>
                    <button class="small" data-testid={format!("errors-{id}")} title="Every replica fails half of its requests"
                            onclick={send(None, ERRORS, true)}>{ "Errors 50%" }</button>
                    <button class="small" data-testid={format!("heal-{id}")} title="End the slowness and the errors"
                            onclick={heal} disabled={degraded == 0}>{ "Heal" }</button>
                </span>
            }
            <span class="field-help">{ c.help }</span>
        </div>
    }
}

/// Take a whole zone down (everything placed in it that can crash) or
/// bring it back, now.
pub fn zone_fault_buttons(props: &InspectorProps, zone: &str) -> Html {
    let send = |on: bool| {
        let fault = Fault { zone: Some(zone.to_owned()), ..Fault::at(0.0, FaultKind::Crash) };
        let on_fault = props.on_fault.clone();
        Callback::from(move |_: MouseEvent| on_fault.emit(FaultCommand { fault: fault.clone(), on }))
    };
    html! {
        <div class="field faults">
            <span class="field-name">{ "Failure injection" }</span>
            <span class="checks">
                <button class="small danger" data-testid={format!("fail-zone-{zone}")} title="Crash everything placed in this zone now"
                        onclick={send(true)}>{ "Zone outage" }</button>
                <button class="small" data-testid={format!("recover-zone-{zone}")} title="Bring everything in this zone back"
                        onclick={send(false)}>{ "Recover zone" }</button>
            </span>
            <span class="field-help">{ "A zone outage crashes every pool, balancer, cache, database, store and queue placed in it; what runs in other zones keeps going if the design spreads over them" }</span>
        </div>
    }
}

/// Every crash, recovery and health-check verdict of the run, newest first.
pub fn event_log(events: &[TimelineEvent]) -> Html {
    html! {
        <section class="event-log" aria-label="Event log">
            <h3>{ "Events" }</h3>
            <ol data-testid="event-log" tabindex="0" aria-label="Events, newest first">
                if events.is_empty() {
                    <li class="muted">{ "Nothing has happened yet. Crash a pool, a cache, a database or a queue to see failures, detection and recovery here." }</li>
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
