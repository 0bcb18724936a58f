//! Service pool parameters: replicas, thread pools, queues, service times.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cost::{hourly, Price, EC2_M5_LARGE};
use super::kind::optional;
use super::limits::{items_bytes, requests_bytes};
use super::tagged::read_tagged;
use super::validate::{check_service_time, Checker};
use super::{
    CacheParams, ComponentGroup, Crashable, FaultKind, Kind, KindInfo, LoadShedding, Onward, Optional, RateLimit,
    Wiring,
};

/// A pool of identical replicas. Each replica has `workers` threads and a
/// bounded FIFO accept queue; a request holds its worker from the start of
/// service until its reply is sent, including synchronous downstream calls
/// (thread-per-request).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ServiceParams {
    /// Number of replicas (instances).
    #[schemars(range(min = 1, max = super::validate::MAX_REPLICAS), extend("x-main" = true, "x-help" = "Identical instances of the service", "x-unit" = "replicas"))]
    pub replicas: u32,
    /// Worker threads per replica (c of an M/M/c per replica).
    #[schemars(range(min = 1, max = super::validate::MAX_WORKERS), extend("x-main" = true, "x-help" = "Threads per replica: requests served at once (c of M/M/c)", "x-unit" = "threads"))]
    pub workers: u32,
    /// Accept-queue capacity per replica; a request arriving to a full queue
    /// is rejected. 0 means no queue (an Erlang loss system).
    #[schemars(range(max = super::validate::MAX_QUEUE), extend("x-main" = true, "x-help" = "Requests waiting per replica before new ones are rejected (0: none wait)", "x-unit" = "requests"))]
    pub queue_capacity: u32,
    /// Service time of one request on one worker (its own work, not
    /// counting downstream calls).
    #[schemars(extend("x-main" = true, "x-help" = "Time of one request's own work on a worker (1/μ on average)"))]
    pub service_time: ServiceTime,
    /// Optional Universal Scalability Law slowdown as concurrency rises.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usl: Option<Usl>,
    /// Mean time between failures of each replica, s: each replica crashes
    /// after an exponential time of this mean while up. 0: never fails at
    /// random.
    #[schemars(range(min = 0.0, max = 1e9), extend("x-help" = "Mean time between failures of each replica (exponential); 0: never fails at random"))]
    pub mtbf_s: f64,
    /// Mean time to repair, s: a randomly failed replica recovers after an
    /// exponential time of this mean.
    #[schemars(range(max = 1e9), extend("x-help" = "Mean time to repair a randomly failed replica (exponential)", "exclusiveMinimum" = 0.0))]
    pub mttr_s: f64,
    /// An exclusive (in-process) cache in each replica, in front of the
    /// pool's downstream calls: a read it can answer makes no calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<super::CacheParams>,
    /// A rate limiter in front of the pool (all replicas together).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<super::RateLimit>,
    /// Shedding of requests that waited too long in a replica's queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_shedding: Option<super::LoadShedding>,
    /// Autoscaling between a minimum and a maximum of replicas (`replicas`
    /// is then the count at the start). Boxed: rarely there, and it would
    /// double the size of every edit that carries a node's parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Box<Autoscaling>>,
}

impl ServiceParams {
    /// Replica slots a run keeps: the replicas, or the autoscaling maximum
    /// if larger (slots beyond the count in service are off).
    pub fn slots(&self) -> u32 {
        self.autoscaling.as_ref().map_or(self.replicas, |a| a.max_replicas.max(self.replicas))
    }
}

impl Default for ServiceParams {
    fn default() -> Self {
        ServiceParams {
            replicas: 2,
            workers: 8,
            queue_capacity: 100,
            service_time: ServiceTime::Exponential { mean_ms: 20.0 },
            usl: None,
            mtbf_s: 0.0,
            mttr_s: 60.0,
            cache: None,
            rate_limit: None,
            load_shedding: None,
            autoscaling: None,
        }
    }
}

/// A service-time distribution. All times in ms.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(extend("x-choices" = [{"dist": "exponential", "mean_ms": 20.0}, {"dist": "constant", "ms": 20.0}, {"dist": "lognormal", "mean_ms": 20.0, "p99_ms": 100.0}, {"dist": "empirical", "samples_ms": [10.0, 15.0, 20.0, 25.0, 60.0]}]))]
pub enum ServiceTime {
    /// Always the same time (the D of M/D/1).
    Constant {
        /// Time, ms.
        #[schemars(range(min = 0.0, max = 3.6e6), extend("x-help" = "Fixed time of one request's own work"))]
        ms: f64,
    },
    /// Exponential (memoryless, the M of M/M/c).
    Exponential {
        /// Mean, ms (1/μ).
        #[schemars(range(max = 3.6e6), extend("x-help" = "Average time of one request's own work (1/μ)", "exclusiveMinimum" = 0.0))]
        mean_ms: f64,
    },
    /// Lognormal given its mean and 99th percentile (a heavy right tail, as
    /// measured service times usually have). Requires p99 > mean.
    Lognormal {
        /// Mean, ms.
        #[schemars(range(max = 3.6e6), extend("x-help" = "Average time of one request's own work (1/μ)", "exclusiveMinimum" = 0.0))]
        mean_ms: f64,
        /// 99th percentile, ms.
        #[schemars(range(max = 3.6e6), extend("x-help" = "99th percentile of that time (heavier tail, larger value; above the mean, at most 14.9 × it)", "exclusiveMinimum" = 0.0))]
        p99_ms: f64,
    },
    /// Drawn uniformly from measured samples.
    Empirical {
        /// Observed times, ms (at least one).
        #[schemars(inner(range(min = 0.0, max = 3.6e6)), extend("x-help" = "Measured times; each request draws one of them"))]
        samples_ms: Vec<f64>,
    },
}

read_tagged!(ServiceTime by "dist" { ms: f64, mean_ms: f64, p99_ms: f64, samples_ms: Vec<f64> }
    Constant { ms },
    Exponential { mean_ms },
    Lognormal { mean_ms, p99_ms },
    Empirical { samples_ms },
);

impl ServiceTime {
    /// Whether a draw can be 0 ms: a constant 0, or an empirical sample of 0.
    pub fn can_be_zero(&self) -> bool {
        match self {
            ServiceTime::Constant { ms } => *ms == 0.0,
            ServiceTime::Empirical { samples_ms } => samples_ms.contains(&0.0),
            ServiceTime::Exponential { .. } | ServiceTime::Lognormal { .. } => false,
        }
    }
}

/// Universal Scalability Law coefficients (N. J. Gunther, *Guerrilla
/// Capacity Planning*, 2007, ch. 4): with n requests in service on a replica,
/// each takes (1 + α(n − 1) + βn(n − 1)) times its base service time, so the
/// replica's capacity is C(n) = n / (1 + α(n − 1) + βn(n − 1)).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Usl {
    /// Contention α (serialisation), 0 ≤ α ≤ 1.
    #[schemars(range(min = 0.0, max = 1.0), extend("x-help" = "USL contention α: serialised share of the work", "x-unit" = "1"))]
    pub alpha: f64,
    /// Coherence β (crosstalk), 0 ≤ β ≤ 1.
    #[schemars(range(min = 0.0, max = 1.0), extend("x-help" = "USL coherence β: crosstalk between concurrent requests", "x-unit" = "1"))]
    pub beta: f64,
}

impl Usl {
    /// Service-time multiplier with `n` requests in service (n ≥ 1).
    pub fn slowdown(&self, n: u32) -> f64 {
        let n = f64::from(n.max(1));
        1.0 + self.alpha * (n - 1.0) + self.beta * n * (n - 1.0)
    }
}

/// z such that Φ(z) = 0.99 (the standard normal's 99th percentile).
pub const Z99: f64 = 2.326_347_874_040_841;

/// Lognormal parameters (μ, σ) of ln X for a given mean and p99 (any
/// time unit).
///
/// From mean = exp(μ + σ²/2) and p99 = exp(μ + z₉₉σ): σ is the smaller root
/// of σ²/2 − z₉₉σ + ln(p99/mean) = 0. None when p99/mean > exp(z₉₉²/2) ≈
/// 14.97 (no lognormal has so heavy a tail for its mean) or p99 ≤ mean.
pub fn lognormal_fit(mean: f64, p99: f64) -> Option<(f64, f64)> {
    let gap = libm::log(p99 / mean);
    let disc = Z99 * Z99 - 2.0 * gap;
    if gap.is_nan() || gap <= 0.0 || disc < 0.0 {
        return None;
    }
    let sigma = Z99 - libm::sqrt(disc);
    Some((libm::log(mean) - sigma * sigma / 2.0, sigma))
}

/// Target-tracking autoscaling of a pool (as AWS EC2 Auto Scaling's target
/// tracking policies): every `interval_s` the pool's metric is compared to
/// `target` and the desired count is ⌈in service × metric / target⌉,
/// clamped to [`min_replicas`, `max_replicas`]. New replicas take
/// `provisioning_s` to launch; for `warmup_s` after that their metric is
/// not counted (they count at the target). Scale-in waits `cooldown_s`
/// after any scaling action, and a removed replica first drains: it gets
/// no new requests and stops when the ones it holds are done.
///
/// [`min_replicas`]: Autoscaling::min_replicas
/// [`max_replicas`]: Autoscaling::max_replicas
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Autoscaling {
    /// Fewest replicas in service (≥ 1).
    #[schemars(range(min = 1, max = super::validate::MAX_REPLICAS), extend("x-help" = "Autoscaling: fewest replicas in service (at most the maximum)", "x-unit" = "replicas"))]
    pub min_replicas: u32,
    /// Most replicas (≤ 1000).
    #[schemars(range(min = 1, max = super::validate::MAX_REPLICAS), extend("x-help" = "Autoscaling: most replicas", "x-unit" = "replicas"))]
    pub max_replicas: u32,
    /// What is tracked.
    #[schemars(extend("x-help" = "Autoscaling: utilization of the workers, or requests queued per replica"))]
    pub metric: ScalingMetric,
    /// Its target value: a utilization 0–1, or requests queued per replica.
    #[schemars(range(max = 1e6), extend("x-help" = "Autoscaling: the metric's target (a utilization 0–1, or a queue length)", "x-unit" = "1", "exclusiveMinimum" = 0.0))]
    pub target: f64,
    /// Time between evaluations, s.
    #[schemars(range(min = 1.0, max = 3600.0), extend("x-help" = "Autoscaling: time between evaluations of the policy"))]
    pub interval_s: f64,
    /// Time after a scaling action before a scale-in, s.
    #[schemars(range(min = 0.0, max = 3600.0), extend("x-help" = "Autoscaling: time after a scaling action before scaling in"))]
    pub cooldown_s: f64,
    /// Time from launch to in service, s.
    #[schemars(range(min = 0.0, max = 3600.0), extend("x-help" = "Autoscaling: time from launching a replica to its being in service"))]
    pub provisioning_s: f64,
    /// Time after entering service before a replica's metric counts, s.
    #[schemars(range(min = 0.0, max = 3600.0), extend("x-help" = "Autoscaling: time a new replica's metric is not counted"))]
    pub warmup_s: f64,
}

impl Default for Autoscaling {
    fn default() -> Self {
        Autoscaling {
            min_replicas: 2,
            max_replicas: 10,
            metric: ScalingMetric::Utilization,
            target: 0.6,
            interval_s: 10.0,
            cooldown_s: 60.0,
            provisioning_s: 30.0,
            warmup_s: 30.0,
        }
    }
}

/// The metric an autoscaled pool tracks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScalingMetric {
    /// Busy workers / workers of the warmed replicas, averaged over the
    /// interval.
    #[default]
    Utilization,
    /// Requests queued per warmed replica, at the evaluation.
    QueueLength,
}

/// The service pool kind.
impl Kind for ServiceParams {
    const INFO: &'static KindInfo = &KindInfo {
        name: "service",
        title: "Service pool",
        plural: "service pools",
        summary: "Replicas × workers with a bounded accept queue and downstream calls",
        group: ComponentGroup::Compute,
        id_prefix: "service",
        icon: "M4.5 4h15a1.5 1.5 0 0 1 1.5 1.5v3a1.5 1.5 0 0 1 -1.5 1.5h-15a1.5 1.5 0 0 1 -1.5 -1.5v-3a1.5 1.5 0 0 1 1.5 -1.5zM4.5 14h15a1.5 1.5 0 0 1 1.5 1.5v3a1.5 1.5 0 0 1 -1.5 1.5h-15a1.5 1.5 0 0 1 -1.5 -1.5v-3a1.5 1.5 0 0 1 1.5 -1.5z",
        slots: "workers",
        backlog: ("queued", "q"),
        onward: Onward::Each,
        backend: true,
        crash: Some(Crashable {
            part: "replica",
            whole: "Crash pool",
            help: "A crash fails the requests a replica holds and refuses new ones until it recovers; balancers stop sending to it once their health checks notice",
            apart: false,
        }),
    };

    fn check(&self, c: &mut Checker, path: &str) {
        check_service_time(c, &format!("{path}.service_time"), &self.service_time);
        if let Some(a) = &self.autoscaling {
            let at = format!("{path}.autoscaling");
            if a.min_replicas > a.max_replicas {
                c.fail(format!("{at}.min_replicas"), "must be at most max_replicas");
            }
            if !(a.min_replicas..=a.max_replicas).contains(&self.replicas) {
                c.fail(format!("{path}.replicas"), "must lie between autoscaling.min_replicas and max_replicas");
            }
            if a.metric == ScalingMetric::Utilization && a.target > 1.0 {
                c.fail(format!("{at}.target"), format!("is {}; a utilization must be at most 1", a.target));
            }
        }
    }

    /// Every replica slot (up to the autoscaling maximum).
    fn crash_parts(&self) -> Option<u32> {
        Some(self.slots())
    }

    /// Besides crashes, the grey failures: slow replicas, failing requests.
    fn takes(&self, fault: FaultKind) -> bool {
        matches!(fault, FaultKind::Crash | FaultKind::Slow { .. } | FaultKind::ErrorRate { .. })
    }

    fn can_take_no_time(&self) -> bool {
        self.service_time.can_be_zero()
    }

    fn may_call(_callee: &KindInfo) -> Wiring {
        Wiring::SyncOrAsync
    }

    /// An EC2 `m5.large` per replica.
    fn price(&self) -> Price {
        hourly(EC2_M5_LARGE)
    }

    fn instances(&self) -> f64 {
        f64::from(self.replicas)
    }

    fn single_instance(&self) -> bool {
        self.replicas == 1
    }

    /// Requests queued and in service at every slot, and each replica's own
    /// cache.
    fn worst_case_bytes(&self, _sent: f64) -> u64 {
        let slots = u64::from(self.slots());
        requests_bytes(slots, self.workers.saturating_add(self.queue_capacity))
            + self.cache.as_ref().map_or(0, |c| items_bytes(slots, c.capacity_items))
    }

    /// Replica slots are made when a run starts.
    fn restart_reason(&self, running: &Self) -> Option<&'static str> {
        (self.replicas != running.replicas || self.autoscaling != running.autoscaling)
            .then_some("replicas or autoscaling")
    }

    const OPTIONAL: &'static [Optional<Self>] = &[
        optional!("cache", "exclusive cache per replica", cache, CacheParams::default()),
        optional!("usl", "USL slowdown", usl, Usl { alpha: 0.05, beta: 0.001 }),
        optional!("rate-limit", "rate limiter", rate_limit, RateLimit::default()),
        optional!("load-shedding", "load shedding", load_shedding, LoadShedding::default()),
        Optional {
            key: "autoscaling",
            label: "autoscaling",
            shown: |_| true,
            is_on: |p| p.autoscaling.is_some(),
            set: |p, on| {
                p.autoscaling = on.then(|| {
                    let a = Autoscaling::default();
                    let (min, max) = (a.min_replicas.min(p.replicas), a.max_replicas.max(p.replicas));
                    Box::new(Autoscaling { min_replicas: min, max_replicas: max, ..a })
                });
            },
        },
    ];
    const OPTIONAL_HELP: &'static str = "An in-process cache in each replica answers the reads it holds without the downstream calls; USL slows service as concurrency rises; a token bucket rejects requests over its rate; shedding rejects requests that waited too long in the queue; autoscaling adds and removes replicas to hold a utilization target";
}
