//! Grading: each objective of a scenario measured on a run, live or at its
//! end, with the reason in the field's terms when it fails.
//!
//! Objectives are measured by the simulation only, never read off the
//! drawing: a design that saturates fails its latency objective however
//! well it is drawn.

use crate::metrics::{Counts, WindowLoad};
use crate::model::{cost, Metric, NodeKind, Objective, Scenario};

use crate::sim::{Report, SimTime, Simulation};

/// Where an objective stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Status {
    /// Nothing measured yet (its window has not begun, or no request ended
    /// in it).
    Pending,
    /// Met (so far, unless the verdict is final).
    Pass,
    /// Missed (so far, unless the verdict is final).
    Fail,
}

impl Status {
    /// `pending`, `pass` or `fail` (the page's `data-status`).
    pub fn name(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Pass => "pass",
            Status::Fail => "fail",
        }
    }
}

/// One objective measured.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Verdict {
    /// The objective, for people (`p99 ≤ 200 ms`).
    pub objective: String,
    /// Where it stands.
    pub status: Status,
    /// The measured value in the metric's unit; none while pending.
    #[serde(with = "crate::wire::option_f64")]
    pub measured: Option<f64>,
    /// Whether the value can no longer change (its window is over).
    pub settled: bool,
    /// The measurement and, when missed, why, in the field's terms (e.g.
    /// `p99 412 ms > 200 ms: api at ρ = 0.97, 35 waiting on average`).
    pub detail: String,
}

/// Every objective of the scenario `sim` runs, measured as the run stands
/// (call it live or after the run).
pub fn grade(sim: &Simulation) -> Vec<Verdict> {
    let scenario = sim.scenario();
    if scenario.objectives.is_empty() {
        return Vec::new();
    }
    let report = sim.figures();
    scenario.objectives.iter().map(|o| verdict(scenario, sim, &report, o)).collect()
}

fn verdict(scenario: &Scenario, sim: &Simulation, report: &Report, o: &Objective) -> Verdict {
    let now = sim.now();
    let finished = sim.is_finished();
    // A windowed objective's window, clipped to now, and its counts.
    let window = o.metric.has_window().then(|| {
        let from = SimTime::from_s(o.from_s.unwrap_or(report.warmup_s));
        let to = o.to_s.map_or(sim.duration(), SimTime::from_s);
        (from, to, sim.metrics().series.window(from, to.min(now)))
    });
    let (measured, settled) = match (o.metric, &window) {
        (Metric::Availability | Metric::P99Ms, Some((from, to, bucket))) => {
            let c = bucket.counts;
            let measured = match o.metric {
                _ if now <= *from || c.ended() == 0 => None,
                Metric::Availability => c.availability(),
                // No completion at all: the response time is unbounded.
                _ if bucket.latency.is_empty() => Some(f64::INFINITY),
                _ => Some(bucket.latency.quantile_ms(0.99)),
            };
            (measured, finished || now >= *to)
        }
        (Metric::LostWrites, _) => (Some(sum(report, o, "database", "lost_writes")), finished),
        (Metric::StaleReads, _) => (Some(sum(report, o, "database", "stale_reads")), finished),
        (Metric::WriteConflicts, _) => (Some(sum(report, o, "database", "write_conflicts")), finished),
        (Metric::ConsumerLag, _) => (Some(sum(report, o, "queue", "consumer_lag")), finished),
        (Metric::MonthlyCostUsd, _) => (Some(monthly_cost(scenario, report)), finished),
        (Metric::Availability | Metric::P99Ms, None) => (None, false),
    };
    // A run stopped by a guard, or a window over with nothing to measure,
    // fails: an undefined figure meets no target.
    if let Some(stop) = sim.stopped() {
        let detail = format!("the run did not finish: {}", stop.message);
        return Verdict { objective: o.describe(), status: Status::Fail, measured, settled: true, detail };
    }
    let status = match measured {
        None if settled => Status::Fail,
        None => Status::Pending,
        Some(v) if o.met_by(v) => Status::Pass,
        Some(_) => Status::Fail,
    };
    let detail = match measured {
        None if settled => format!(
            "{} undefined: no client request ended in the window ({} still in flight)",
            o.metric.label(),
            window.as_ref().map_or(0, |(_, _, b)| b.counts.offered.saturating_sub(b.counts.ended()))
        ),
        None => "not measured yet".to_owned(),
        Some(v) => {
            let op = match (status, o.metric.is_minimum()) {
                (Status::Pass, true) => "≥",
                (Status::Pass, false) => "≤",
                (_, true) => "<",
                (_, false) => ">",
            };
            let shown = if v.is_infinite() { "∞ (nothing completed)".to_owned() } else { o.metric.show(v) };
            let head = format!("{} {shown} {op} {}", o.metric.label(), o.metric.show(o.target));
            match (status, o.metric, &window) {
                (Status::Fail, _, Some((from, to, bucket))) => {
                    format!("{head}: {}", why_slow(sim, report, (*from, *to), bucket.counts))
                }
                (Status::Fail, Metric::MonthlyCostUsd, _) => format!("{head}: {}", biggest_costs(scenario, report)),
                _ => head,
            }
        }
    };
    Verdict { objective: o.describe(), status, measured, settled, detail }
}

/// Utilization from which the busiest node is worth naming as a reason.
const BUSY: f64 = 0.5;

/// The sum of a node figure over `o.node`, or over every node of `kind`.
fn sum(report: &Report, o: &Objective, kind: &str, figure: &str) -> f64 {
    report
        .nodes
        .iter()
        .filter(|(id, n)| o.node.as_ref().map_or(n.kind == kind, |want| want.as_str() == id.as_str()))
        .filter_map(|(_, n)| n.extra.get(figure))
        .sum()
}

/// Instances each node ran on average: an autoscaled pool's mean size, the
/// drawn count otherwise.
fn mean_instances(report: &Report, id: &str, kind: &NodeKind) -> f64 {
    report.nodes.get(id).and_then(|n| n.extra.get("mean_replicas").copied()).unwrap_or_else(|| kind.instances())
}

/// Monthly cost of each node, US dollars, in scenario order.
fn node_costs<'a>(scenario: &'a Scenario, report: &'a Report) -> impl Iterator<Item = (&'a str, f64)> + 'a {
    scenario.nodes.iter().map(|n| {
        let id = n.id.as_str();
        let rate = report.nodes.get(id).map_or(0.0, |r| r.accepted_rate_rps);
        (id, cost::monthly_usd(n, mean_instances(report, id, &n.kind), rate))
    })
}

/// The design's monthly cost at the run's mean size and load, US dollars.
fn monthly_cost(scenario: &Scenario, report: &Report) -> f64 {
    node_costs(scenario, report).map(|(_, c)| c).sum()
}

/// The three most expensive nodes, e.g. `db $250, api $210, cache $114`.
fn biggest_costs(scenario: &Scenario, report: &Report) -> String {
    let top = largest(node_costs(scenario, report).filter(|(_, c)| *c > 0.0), 3);
    top.iter().map(|(id, c)| format!("{id} ${c:.0}")).collect::<Vec<_>>().join(", ")
}

/// The `n` largest of `costs`, largest first, equal ones in their order
/// (kept in `n` slots, not sorted: a stable sort weighs 2 KB in the page).
fn largest<'a>(costs: impl Iterator<Item = (&'a str, f64)>, n: usize) -> Vec<(&'a str, f64)> {
    let mut top: Vec<(&str, f64)> = Vec::with_capacity(n + 1);
    for (id, c) in costs {
        let at = top.iter().position(|t| c > t.1).unwrap_or(top.len());
        top.insert(at, (id, c));
        top.truncate(n);
    }
    top
}

/// Why requests fail or wait in the window `[from, to)` (by default from
/// the end of the warm-up to the end of the run) whose outcomes are `c`:
/// the shares of each failure, the busiest node in the window (its
/// utilization ρ and queue), and the crashes in the window, e.g. `4.1 %
/// timed out; api at ρ = 0.97, queue growing (350 waiting now); db crash at
/// 60 s`.
fn why_slow(sim: &Simulation, report: &Report, (from, to): (SimTime, SimTime), c: Counts) -> String {
    let ended = c.ended().max(1) as f64;
    let mut parts: Vec<String> = [("timed out", c.timed_out), ("rejected", c.rejected), ("failed", c.failed)]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| format!("{:.1} % {what}", *n as f64 * 100.0 / ended))
        .collect();
    // The busiest node in the window, or over the run when the window is
    // shorter than the load history's sampling interval.
    let nodes = &sim.scenario().nodes;
    let (loads, span): (Vec<WindowLoad>, &str) = match sim.load_over(from, to.min(sim.now())) {
        Some(window) => (window, ""),
        None => {
            let run = |id: &str| {
                report.nodes.get(id).map_or(WindowLoad { utilization: 0.0, mean_queue_len: 0.0 }, |r| WindowLoad {
                    utilization: r.utilization,
                    mean_queue_len: r.mean_queue_len,
                })
            };
            (nodes.iter().map(|n| run(n.id.as_str())).collect(), " over the run")
        }
    };
    let busiest = nodes
        .iter()
        .zip(loads)
        .zip(sim.levels().map(|(_, _, queued)| queued))
        .filter(|((_, load), _)| load.utilization >= BUSY)
        .max_by(|a, b| a.0 .1.utilization.total_cmp(&b.0 .1.utilization));
    if let Some(((node, load), queued)) = busiest {
        let queue = if queued as f64 > 2.0 * load.mean_queue_len && queued > 10 {
            format!("queue growing ({queued} waiting now)")
        } else {
            format!("{:.1} waiting on average", load.mean_queue_len)
        };
        parts.push(format!("{} at ρ = {:.2}{span}, {queue}", node.id, load.utilization));
    }
    // Crashes in the window, or before it and not recovered by its start.
    let (from_s, to_s) = (from.as_s(), to.as_s());
    let recovered = |node: &str, after: f64| {
        report.events.iter().any(|e| e.node == node && e.what == "recover" && e.t_s > after && e.t_s <= from_s)
    };
    let mut crashed: Vec<&str> = Vec::new();
    for e in report.events.iter().filter(|e| e.what == "crash" && e.t_s < to_s && !recovered(&e.node, e.t_s)) {
        if crashed.len() < 2 && !crashed.contains(&e.node.as_str()) {
            crashed.push(&e.node);
            parts.push(format!("{} crash at {:.0} s", e.node, e.t_s));
        }
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::largest;

    #[test]
    fn the_largest_costs_come_first_and_ties_keep_their_order() {
        let costs = [("a", 10.0), ("b", 30.0), ("c", 10.0), ("d", 20.0), ("e", 30.0)];
        assert_eq!(largest(costs.into_iter(), 3), [("b", 30.0), ("e", 30.0), ("d", 20.0)]);
        assert_eq!(largest(costs[..2].iter().copied(), 3), [("b", 30.0), ("a", 10.0)]);
    }
}
