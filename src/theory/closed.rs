//! What theory says of one node of a design, for the inspector: the model
//! it is in its design, the formula, and the figures to set beside what a
//! run measures; or why it has none.
//!
//! - a service pool: the queue [`Station`] names (M/M/c, M/M/c/K, M/D/1,
//!   M/G/1); called with retries, the tries per call and the calls failing
//!   under an error rate; or, failing at random, its availability from MTBF
//!   and MTTR;
//! - a cache: an LRU cache under the client's keys, by Che's approximation
//!   (uniform keys: C/N exactly);
//! - a message queue: its consumer group by flow balance, the share of time
//!   the consumers are busy and how fast the lag grows (also under key-hash
//!   partitioning, from the client's keys).

use crate::model::{
    key_partition, Arrivals, ClientParams, Edge, Eviction, Fault, FaultKind, KeyDistribution, NodeKind, Partitioner,
    QueueStyle, RateProfile, Retry, Scenario,
};

use super::station::{client_call, moments, poisson_feed};
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
    /// Tries per call (retry amplification), ≥ 1.
    TriesPerCall,
    /// Share of calls failing for good (every try failed), 0–1.
    CallsFailed,
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
            Figure::TriesPerCall => ("tries per call", 1.0, 3, ""),
            Figure::CallsFailed => ("calls failed", 100.0, 2, "%"),
        };
        format!("{name} {:.*}{unit}", decimals, value * scale)
    }
}

/// Most keys Che's approximation (one pass over them per bisection step,
/// about 50) or a key-hash partitioning's shares are computed over in the
/// page.
const CHE_MAX_KEYS: u64 = 200_000;

/// The closed form of `node` in `scenario`: None for kinds theory says
/// nothing of here; Err with the reason (a few words ending "no closed
/// form") where its design is not the model's.
pub fn closed_form(scenario: &Scenario, node: &str) -> Option<Result<Closed, String>> {
    let kind = &scenario.nodes.iter().find(|n| n.id.as_str() == node)?.kind;
    match kind {
        NodeKind::Service(s) if s.mtbf_s > 0.0 => Some(renewal(scenario, node, s)),
        NodeKind::Service(_) => {
            Some(retried(scenario, node).unwrap_or_else(|| Station::of(scenario, node).map(|m| station(&m))))
        }
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

/// A pool the one client calls with retries (None when its call has
/// none); see [`amplified`].
fn retried(scenario: &Scenario, node: &str) -> Option<Result<Closed, String>> {
    let (rps, client, call) = client_call(scenario, node).ok()?;
    let retry = call.retry.as_ref()?;
    Some(amplified(scenario, node, rps, client, call, retry))
}

/// A pool the one client calls at λ with up to R retries, answering a share
/// f of its tries with an error all run long (an error-rate fault from the
/// warm-up on that never ends), or none: each try fails independently with
/// probability f, so a call makes 1 + f + … + f^R tries and fails f^(R+1)
/// of the time (a geometric number of tries, truncated), and the pool
/// serves every try: ρ = λ·tries·E[S]/c. Only where nothing else fails a
/// try: at the tries' rate and without the fault the pool is a queue with
/// closed forms that refuses fewer than 1 in 10⁶ tries, and R + 1 of its
/// slowest responses with the longest backoffs fit in the client's timeout.
fn amplified(
    scenario: &Scenario,
    node: &str,
    rps: f64,
    client: &ClientParams,
    call: &Edge,
    retry: &Retry,
) -> Result<Closed, String> {
    if call.timeout_ms.is_some() || call.circuit_breaker.is_some() || call.bulkhead.is_some() {
        return Err("a timeout, circuit breaker or bulkhead besides the retries: no closed form".into());
    }
    if retry.budget.is_some() {
        return Err("a retry budget caps the retries: no closed form".into());
    }
    let f =
        match &scenario.faults[..] {
            [] => 0.0,
            [Fault {
                node: Some(on), replica: None, for_s: None, at_s, fault: FaultKind::ErrorRate { share }, ..
            }] if on.as_str() == node && *at_s <= scenario.settings.warmup_s => *share,
            _ => return Err("faults other than errors all run long: no closed form".into()),
        };
    let r = retry.max_retries;
    let tries: f64 = (0..=r).map(|i| f.powi(i as i32)).sum();
    let waits_ms: f64 = (0..=u8::MAX).take(r as usize).map(|n| retry.longest_wait_ms(n)).sum();
    let per_try_ms = (client.timeout_ms - waits_ms) / f64::from(r + 1);
    if per_try_ms <= 0.0 {
        return Err(format!("backoffs of up to {waits_ms} ms outlast the client's timeout: no closed form"));
    }
    // The same pool fed its tries plainly, each within its share of the
    // client's timeout.
    let mut plain = scenario.clone();
    plain.faults.clear();
    plain.edges.iter_mut().filter(|e| e.to.as_str() == node).for_each(|e| e.retry = None);
    if let Some(NodeKind::Client(c)) =
        plain.nodes.iter_mut().map(|n| &mut n.kind).find(|k| matches!(k, NodeKind::Client(_)))
    {
        c.arrivals = Arrivals::Open { rate: RateProfile::Constant { rps: rps * tries } };
        c.timeout_ms = per_try_ms;
    }
    let one = Station::of(&plain, node).map_err(|why| format!("its tries: {why}"))?;
    if one.loss() > 1e-6 {
        return Err("its queue fills at the tries' rate: no closed form".into());
    }
    Ok(Closed {
        model: format!("{}, calls retried up to {r}×, each try failing with probability f = {f}", one.model()),
        formula: "truncated geometric tries, flow balance",
        source: "independent tries: 1 + f + … + f^R tries a call and f^(R+1) of the calls failing (Trivedi, \
                 Probability and Statistics with Reliability, Queuing and Computer Science Applications, 2002, \
                 ch. 2); every try served: ρ = λ·tries·E[S]/c",
        figures: vec![
            (Figure::TriesPerCall, tries),
            (Figure::CallsFailed, f.powi(r as i32 + 1)),
            (Figure::Utilization, one.utilization()),
        ],
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
/// takes λᵢ, its partitions' share of the λ messages a second, and
/// processes μ = 1/E[S] while busy, so it is busy min(λᵢ, μ)/μ of the time
/// and the lag grows by Σᵢ max(0, λᵢ − μ) a second (flow balance). A
/// partition's share is 1/P in turn (round robin, or a work queue of one
/// partition per consumer), or by key hash the popularity of the client's
/// keys that hash to it.
fn group(scenario: &Scenario, node: &str, q: &crate::model::QueueParams) -> Result<Closed, String> {
    let (rps, client) = poisson_feed(scenario, node)?;
    only_fed_by_client(scenario, node)?;
    if scenario.edges.iter().any(|e| e.from.as_str() == node) {
        return Err("the consumers' calls add their response times: no closed form".into());
    }
    let mu = 1e3 / moments(&q.consumer_time)?.0;
    let consumers = q.consumers;
    // Each partition's share of the messages; partition p goes to consumer
    // p mod C.
    let (shares, on) = match (q.style, q.partitioner) {
        (QueueStyle::WorkQueue, _) => {
            (vec![1.0 / f64::from(consumers); consumers as usize], "one work queue".to_owned())
        }
        (QueueStyle::Log, Partitioner::RoundRobin) => {
            (vec![1.0 / f64::from(q.partitions); q.partitions as usize], format!("{} partitions", q.partitions))
        }
        (QueueStyle::Log, Partitioner::KeyHash) => {
            let (shares, law) = hashed_shares(client.keys, q.partitions as usize)?;
            let hottest = shares.iter().copied().fold(0.0, f64::max);
            (
                shares,
                format!("{} partitions by key hash of {law}, the hottest taking {:.1}%", q.partitions, hottest * 1e2),
            )
        }
    };
    let mut loads = vec![0.0; consumers as usize];
    for (p, share) in shares.iter().enumerate() {
        loads[p % consumers as usize] += rps * share;
    }
    let (busy, growth) = loads.iter().fold((0.0, 0.0), |(b, g), l| (b + l.min(mu), g + (l - mu).max(0.0)));
    Ok(Closed {
        model: format!("consumer group of {consumers} at μ = {mu:.0} msg/s each, {on}"),
        formula: "flow balance",
        source: "work conservation: each consumer processes min(λᵢ, μ) messages a second",
        figures: vec![(Figure::Utilization, busy / (f64::from(consumers) * mu)), (Figure::LagGrowth, growth)],
    })
}

/// Each of `partitions` partitions' share of the requests when keyed by
/// `keys` (keys 1..=N) and partitioned by [`key_partition`], and the law's
/// name (`Zipf(0.9) over 1000 keys`).
///
/// Errors: over [`CHE_MAX_KEYS`] keys, too many to sum here.
fn hashed_shares(keys: KeyDistribution, partitions: usize) -> Result<(Vec<f64>, String), String> {
    let (n, popularity, law) = match keys {
        KeyDistribution::Uniform { keys } if keys <= CHE_MAX_KEYS => (keys, None, "uniform".to_owned()),
        KeyDistribution::Zipf { keys, s } if keys <= CHE_MAX_KEYS => {
            (keys, Some(zipf_popularity(keys, s)), format!("Zipf({s})"))
        }
        _ => return Err(format!("over {CHE_MAX_KEYS} keys: too many to compute here")),
    };
    let mut shares = vec![0.0; partitions];
    for key in 1..=n {
        let p = popularity.as_ref().map_or(1.0 / n as f64, |p| p[key as usize - 1]);
        shares[key_partition(key, partitions)] += p;
    }
    Ok((shares, format!("{law} over {n} keys")))
}
