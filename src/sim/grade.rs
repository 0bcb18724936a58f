//! Grading: each objective of a scenario measured on a run, live or at its
//! end, with the reason in the field's terms when it fails.
//!
//! Objectives are measured by the simulation only, never read off the
//! drawing: a design that saturates fails its latency objective however
//! well it is drawn.

use crate::model::{cost, Metric, NodeKind, Objective, Scenario};

use super::{Report, SimTime, Simulation};

/// Where an objective stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The objective, for people (`p99 ≤ 200 ms`).
    pub objective: String,
    /// Where it stands.
    pub status: Status,
    /// The measured value in the metric's unit; none while pending.
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
    let report = sim.report();
    scenario.objectives.iter().map(|o| verdict(scenario, sim, &report, o)).collect()
}

fn verdict(scenario: &Scenario, sim: &Simulation, report: &Report, o: &Objective) -> Verdict {
    let now = sim.now();
    let finished = sim.is_finished();
    let (measured, settled) = match o.metric {
        Metric::Availability | Metric::P99Ms => {
            let (from, to) = window_of(o, sim, report);
            let window = sim.metrics().series.window(from, to.min(now));
            let c = window.counts;
            let measured = match o.metric {
                _ if now <= from || c.ended() == 0 => None,
                Metric::Availability => Some(c.completed as f64 / c.ended() as f64),
                // No completion at all: the response time is unbounded.
                _ if window.latency.is_empty() => Some(f64::INFINITY),
                _ => Some(window.latency.quantile_ms(0.99)),
            };
            (measured, finished || now >= to)
        }
        Metric::LostWrites => (Some(sum(report, o, "database", "lost_writes")), finished),
        Metric::StaleReads => (Some(sum(report, o, "database", "stale_reads")), finished),
        Metric::WriteConflicts => (Some(sum(report, o, "database", "write_conflicts")), finished),
        Metric::ConsumerLag => (Some(sum(report, o, "queue", "consumer_lag")), finished),
        Metric::MonthlyCostUsd => (Some(monthly_cost(scenario, report)), finished),
    };
    let status = match measured {
        None => Status::Pending,
        Some(v) if o.met_by(v) => Status::Pass,
        Some(_) => Status::Fail,
    };
    let detail = match measured {
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
            match (status, o.metric) {
                (Status::Fail, Metric::Availability | Metric::P99Ms) => format!("{head}: {}", why_slow(sim, report, o)),
                (Status::Fail, Metric::MonthlyCostUsd) => format!("{head}: {}", biggest_costs(scenario, report)),
                _ => head,
            }
        }
    };
    Verdict { objective: o.describe(), status, measured, settled, detail }
}

/// Utilization from which the busiest node is worth naming as a reason.
const BUSY: f64 = 0.5;

/// The window `[from, to)` of a windowed objective: by default from the
/// end of the warm-up to the end of the run.
fn window_of(o: &Objective, sim: &Simulation, report: &Report) -> (SimTime, SimTime) {
    (SimTime::from_s(o.from_s.unwrap_or(report.warmup_s)), o.to_s.map_or(sim.duration(), SimTime::from_s))
}

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
    report.nodes.get(id).and_then(|n| n.extra.get("mean_replicas").copied()).unwrap_or_else(|| cost::instances(kind))
}

/// Monthly cost of each node, US dollars, in scenario order.
fn node_costs<'a>(scenario: &'a Scenario, report: &'a Report) -> impl Iterator<Item = (&'a str, f64)> + 'a {
    scenario.nodes.iter().map(|n| {
        let id = n.id.as_str();
        let rate = report.nodes.get(id).map_or(0.0, |r| r.arrival_rate_rps);
        (id, cost::monthly_usd(n, mean_instances(report, id, &n.kind), rate))
    })
}

/// The design's monthly cost at the run's mean size and load, US dollars.
fn monthly_cost(scenario: &Scenario, report: &Report) -> f64 {
    node_costs(scenario, report).map(|(_, c)| c).sum()
}

/// The three most expensive nodes, e.g. `db $250, api $210, cache $114`.
fn biggest_costs(scenario: &Scenario, report: &Report) -> String {
    let mut costs: Vec<(&str, f64)> = node_costs(scenario, report).filter(|(_, c)| *c > 0.0).collect();
    costs.sort_by(|a, b| b.1.total_cmp(&a.1));
    costs.iter().take(3).map(|(id, c)| format!("{id} ${c:.0}")).collect::<Vec<_>>().join(", ")
}

/// Why requests fail or wait: the shares of each failure in the window,
/// the busiest node in the window (its utilization ρ and queue), and the
/// crashes in the window, e.g. `4.1 % timed out; api at ρ = 0.97, queue
/// growing (350 waiting now); db crash at 60 s`.
fn why_slow(sim: &Simulation, report: &Report, o: &Objective) -> String {
    let (from, to) = window_of(o, sim, report);
    let c = sim.metrics().series.window(from, to.min(sim.now())).counts;
    let ended = c.ended().max(1) as f64;
    let mut parts: Vec<String> = [("timed out", c.timed_out), ("rejected", c.rejected), ("failed", c.failed)]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| format!("{:.1} % {what}", *n as f64 * 100.0 / ended))
        .collect();
    // The busiest node in the window, or over the run when the window is
    // shorter than the load history's sampling interval.
    let nodes = &sim.scenario().nodes;
    let window = sim.load_over(from, to.min(sim.now()));
    let (loads, span): (Vec<(f64, f64)>, &str) = match window {
        Some(w) => (w.iter().map(|l| (l.utilization, l.mean_queue_len)).collect(), ""),
        None => {
            let run = |id: &str| report.nodes.get(id).map_or((0.0, 0.0), |r| (r.utilization, r.mean_queue_len));
            (nodes.iter().map(|n| run(n.id.as_str())).collect(), " over the run")
        }
    };
    let busiest = nodes.iter().zip(&loads).zip(sim.snapshot().nodes).max_by(|a, b| a.0 .1 .0.total_cmp(&b.0 .1 .0));
    if let Some(((node, &(utilization, mean_queue)), now)) = busiest.filter(|b| b.0 .1 .0 >= BUSY) {
        let queue = if now.queued as f64 > 2.0 * mean_queue && now.queued > 10 {
            format!("queue growing ({} waiting now)", now.queued)
        } else {
            format!("{mean_queue:.1} waiting on average")
        };
        parts.push(format!("{} at ρ = {utilization:.2}{span}, {queue}", node.id));
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
