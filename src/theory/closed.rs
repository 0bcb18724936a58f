//! What theory says of one node of a design, for the inspector: the model
//! it is in its design, the formula, and the figures to set beside what a
//! run measures; or why it has none.
//!
//! - a service pool: the queue [`Station`] names (M/M/c, M/M/c/K, M/D/1,
//!   M/G/1); or, failing at random, its availability from MTBF and MTTR;
//! - a cache: an LRU cache under the client's keys, by Che's approximation
//!   (uniform keys: C/N exactly);
//! - a message queue: its consumer group by flow balance, the share of time
//!   the consumers are busy and how fast the lag grows.

use crate::model::{Eviction, KeyDistribution, NodeKind, Partitioner, QueueStyle, Scenario};

use super::station::{moments, poisson_feed};
use super::{che_lru_hit_ratio, zipf_popularity, Station};

/// A node's model in its design and the figures its formula gives.
#[derive(Clone, Debug, PartialEq)]
pub struct Closed {
    /// The model's name: `M/M/4`, `LRU cache of 1000 items under
    /// Zipf(0.9) over 10000 keys`, `consumer group of 4 on 8 partitions`.
    pub model: String,
    /// The formula or approximation: `Erlang C`, `Che's approximation`.
    pub formula: &'static str,
    /// Where the formula comes from (book or paper).
    pub source: &'static str,
    /// Its figures, in the order to show them.
    pub figures: Vec<(Figure, f64)>,
}

/// A figure theory gives and a run measures (the page's `NodeSnapshot`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// Utilization ρ, 0–1 (of the workers, or of the consumers).
    Utilization,
    /// Share of arrivals refused, 0–1.
    Loss,
    /// Mean wait in queue W_q, ms.
    MeanWait,
    /// p99 of the response time, ms.
    P99Response,
    /// Cache hit ratio, 0–1.
    HitRatio,
    /// Consumer lag growth, messages/s.
    LagGrowth,
    /// Share of requests served, 0–1.
    Availability,
}

impl Figure {
    /// The figure with its name and unit: `ρ 80.0%`, `mean wait W_q
    /// 4.000 ms`, `lag grows 200 msg/s`.
    pub fn show(self, value: f64) -> String {
        // Name, scale, decimals and unit.
        let (name, scale, decimals, unit) = match self {
            Figure::Utilization => ("ρ", 100.0, 1, "%"),
            Figure::Loss => ("loss", 100.0, 2, "%"),
            Figure::MeanWait => ("mean wait W_q", 1.0, 3, " ms"),
            Figure::P99Response => ("p99 response", 1.0, 1, " ms"),
            Figure::HitRatio => ("hit ratio", 100.0, 1, "%"),
            Figure::LagGrowth => ("lag grows", 1.0, 0, " msg/s"),
            Figure::Availability => ("availability", 100.0, 2, "%"),
        };
        format!("{name} {:.*}{unit}", decimals, value * scale)
    }
}

/// Most keys Che's approximation is computed over in the page (one pass
/// over them per bisection step, about 50).
const CHE_MAX_KEYS: u64 = 200_000;

/// The closed form of `node` in `scenario`: None for kinds theory says
/// nothing of here; Err with the reason (a few words ending "no closed
/// form") where its design is not the model's.
pub fn closed_form(scenario: &Scenario, node: &str) -> Option<Result<Closed, String>> {
    let kind = &scenario.nodes.iter().find(|n| n.id.as_str() == node)?.kind;
    match kind {
        NodeKind::Service(s) if s.mtbf_s > 0.0 => Some(renewal(scenario, node, s)),
        NodeKind::Service(_) => Some(Station::of(scenario, node).map(|m| station(&m))),
        NodeKind::Cache(c) => Some(lru(scenario, node, c.capacity_items, c.eviction, c.ttl_s)),
        NodeKind::Queue(q) => Some(group(scenario, node, q)),
        _ => None,
    }
}

/// A service pool's queue: ρ, the loss of M/M/c/K, W_q, and M/M/c's p99.
fn station(m: &Station) -> Closed {
    let mut figures = vec![(Figure::Utilization, m.utilization())];
    if m.room.is_some() {
        figures.push((Figure::Loss, m.loss()));
    }
    figures.push((Figure::MeanWait, m.mean_wait_ms()));
    figures.extend(m.response_quantile_ms(0.99).map(|p| (Figure::P99Response, p)));
    Closed { model: m.model(), formula: m.formula(), source: "Kleinrock, Queueing Systems, Vol. 1 (1975)", figures }
}

/// A pool whose replicas fail at random, called straight by the one
/// client: each replica is an alternating renewal process, down
/// u = MTTR / (MTBF + MTTR) of the time; a call fails only while every
/// replica is down (no detection delay when called directly), u^n of the
/// time if they fail independently, and Poisson arrivals see time averages
/// (PASTA): availability 1 − u^n. The pool must otherwise lose nothing:
/// one replica alone is a queue with closed forms that refuses fewer than
/// 1 in 10⁶ arrivals.
fn renewal(scenario: &Scenario, node: &str, pool: &crate::model::ServiceParams) -> Result<Closed, String> {
    let mut alone = scenario.clone();
    if let Some(NodeKind::Service(s)) = alone.nodes.iter_mut().find(|n| n.id.as_str() == node).map(|n| &mut n.kind) {
        (s.replicas, s.mtbf_s) = (1, 0.0);
    }
    let one = Station::of(&alone, node).map_err(|why| format!("the losses of its queue: {why}"))?;
    if one.loss() > 1e-6 {
        return Err("one replica left alone fills its queue: no closed form".into());
    }
    let down = pool.mttr_s / (pool.mtbf_s + pool.mttr_s);
    Ok(Closed {
        model: format!(
            "{} of MTBF {} s, MTTR {} s, called directly",
            crate::words::count(pool.replicas.into(), "replica"),
            pool.mtbf_s,
            pool.mttr_s
        ),
        formula: "alternating renewal, in parallel",
        source: "Trivedi, Probability and Statistics with Reliability, Queuing and Computer Science Applications (2002), ch. 3",
        figures: vec![(Figure::Availability, 1.0 - down.powi(pool.replicas as i32))],
    })
}

/// Why `node` gets requests other than the one client's: faults scheduled,
/// or callers besides the client.
fn only_fed_by_client(scenario: &Scenario, node: &str) -> Result<(), String> {
    if !scenario.faults.is_empty() {
        return Err("scheduled faults: no closed form".into());
    }
    if scenario.edges.iter().filter(|e| e.to.as_str() == node).count() > 1 {
        return Err(format!("more callers of {node} than the client: no closed form"));
    }
    Ok(())
}

/// A cache read by the one client's plain call: Che's approximation of
/// LRU under the independent reference model; C/N for uniform keys.
fn lru(scenario: &Scenario, node: &str, capacity: u64, eviction: Eviction, ttl_s: f64) -> Result<Closed, String> {
    let (_, client) = poisson_feed(scenario, node)?;
    only_fed_by_client(scenario, node)?;
    if client.mix.write > 0.0 || client.mix.other > 0.0 {
        return Err("writes or uncached requests in the mix: no closed form".into());
    }
    if eviction != Eviction::Lru {
        return Err("LFU eviction: no closed form".into());
    }
    if ttl_s > 0.0 {
        return Err("a TTL besides LRU eviction: no closed form".into());
    }
    // Room for every key: after the first reads, every read hits.
    let (keys, law, hit) = match client.keys {
        KeyDistribution::Uniform { keys } => (keys, "uniform".to_owned(), (capacity as f64 / keys as f64).min(1.0)),
        KeyDistribution::Zipf { keys, .. } if keys > CHE_MAX_KEYS && capacity < keys => {
            return Err(format!("over {CHE_MAX_KEYS} keys: too many to compute here"))
        }
        KeyDistribution::Zipf { keys, s } => {
            let hit =
                if capacity >= keys { 1.0 } else { che_lru_hit_ratio(&zipf_popularity(keys, s), capacity as f64) };
            (keys, format!("Zipf({s})"), hit)
        }
    };
    Ok(Closed {
        model: format!("LRU cache of {capacity} items, {law} over {keys} keys"),
        formula: "Che's approximation",
        source: "Che, Tung & Wang, IEEE JSAC 20(7), 2002; the cache filled at the miss (a slow store lets \
                 concurrent reads of a missing key miss too)",
        figures: vec![(Figure::HitRatio, hit)],
    })
}

/// A queue the one client publishes to at a constant rate: each consumer
/// takes λ·(its partitions)/P messages a second and processes μ = 1/E[S]
/// while busy, so it is busy min(λᵢ, μ)/μ of the time and the lag grows by
/// Σᵢ max(0, λᵢ − μ) a second (flow balance).
fn group(scenario: &Scenario, node: &str, q: &crate::model::QueueParams) -> Result<Closed, String> {
    let (rps, _) = poisson_feed(scenario, node)?;
    only_fed_by_client(scenario, node)?;
    if scenario.edges.iter().any(|e| e.from.as_str() == node) {
        return Err("the consumers' calls add their response times: no closed form".into());
    }
    let mu = 1e3 / moments(&q.consumer_time)?.0;
    // A work queue is as many partitions as consumers, each taking its
    // share of the messages in turn; a log's partition p goes to consumer
    // p mod C.
    let consumers = q.consumers;
    let (partitions, on) = match q.style {
        QueueStyle::WorkQueue => (consumers, "one work queue".to_owned()),
        QueueStyle::Log if q.partitioner == Partitioner::KeyHash => {
            return Err("key-hash partitioning: each partition's load depends on the keys: no closed form".into())
        }
        QueueStyle::Log => (q.partitions, format!("{} partitions", q.partitions)),
    };
    // Consumer i's arrivals: its partitions' share.
    let owned = |i: u32| (i..partitions).step_by(consumers as usize).count() as f64;
    let (busy, growth) = (0..consumers)
        .map(|i| rps * owned(i) / f64::from(partitions))
        .fold((0.0, 0.0), |(b, g), l| (b + l.min(mu), g + (l - mu).max(0.0)));
    Ok(Closed {
        model: format!("consumer group of {consumers} at μ = {mu:.0} msg/s each, {on}"),
        formula: "flow balance",
        source: "work conservation: each consumer processes min(λᵢ, μ) messages a second",
        figures: vec![(Figure::Utilization, busy / (f64::from(consumers) * mu)), (Figure::LagGrowth, growth)],
    })
}
