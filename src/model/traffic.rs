//! Client (traffic source) parameters: arrivals, request mix, keys, timeout.

use std::hash::Hasher;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use siphasher::sip::SipHasher13;

use super::cost::{hourly, Price};
use super::tagged::read_tagged;
use super::validate::{Checker, MAX_DURATION_S, MAX_USERS};
use super::{ComponentGroup, FaultKind, Kind, KindInfo, NodeId, Onward, Wiring};

/// A traffic source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ClientParams {
    /// How requests are generated.
    #[schemars(extend("x-main" = true, "x-help" = "Open loop (arrivals at a rate, whatever the replies) or closed loop (users who wait for each reply)"))]
    pub arrivals: Arrivals,
    /// Shares of reads, writes and other requests.
    #[schemars(extend("x-main" = true))]
    pub mix: RequestMix,
    /// Which key each request touches.
    #[schemars(extend("x-help" = "Which key each request touches: uniform, or Zipf (a few keys hot)"))]
    pub keys: KeyDistribution,
    /// Number of distinct user sessions; each request belongs to one drawn
    /// uniformly (the basis of sticky routing).
    #[schemars(range(min = 1), extend("x-help" = "Distinct user sessions (sticky routing hashes these)", "x-unit" = "sessions"))]
    pub sessions: u64,
    /// Client timeout, ms: a request without a reply by then counts as timed
    /// out (the server may still finish the work).
    #[schemars(range(max = 3.6e6), extend("x-main" = true, "x-help" = "A client gives up on a request after this long", "exclusiveMinimum" = 0.0))]
    pub timeout_ms: f64,
}

impl Default for ClientParams {
    fn default() -> Self {
        ClientParams {
            arrivals: Arrivals::Open { rate: RateProfile::Constant { rps: 100.0 } },
            mix: RequestMix::default(),
            keys: KeyDistribution::Uniform { keys: 10_000 },
            sessions: 1_000,
            timeout_ms: 1_000.0,
        }
    }
}

/// How a client generates requests.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(extend("x-choices" = [{"model": "open", "rate": {"shape": "constant", "rps": 100.0}}, {"model": "closed", "users": 100, "think_time_ms": 1000.0}]))]
pub enum Arrivals {
    /// Open loop: a (non-homogeneous) Poisson process whose rate λ(t)
    /// follows the profile, whatever the system's response.
    Open {
        /// Arrival rate λ over time.
        #[schemars(extend("x-help" = "Arrival rate λ over time: constant, a step, a ramp, a spike, a sine or points"))]
        rate: RateProfile,
    },
    /// Closed loop: a fixed population of users, each sending one request,
    /// waiting for its reply (or timeout), then thinking for an exponential
    /// time before the next. The interactive response-time law R = N/X − Z
    /// holds (Lazowska et al., *Quantitative System Performance*, 1984, §3.4).
    Closed {
        /// Number of users N.
        #[schemars(range(min = 1, max = MAX_USERS), extend("x-help" = "Closed-loop users N, each waiting for its reply", "x-unit" = "users"))]
        users: u32,
        /// Mean think time Z, ms.
        #[schemars(range(min = 0.0, max = 3.6e6), extend("x-help" = "Mean pause of a user between requests (Z)"))]
        think_time_ms: f64,
    },
}

read_tagged!(Arrivals by "model" { rate: RateProfile, users: u32, think_time_ms: f64 }
    Open { rate },
    Closed { users, think_time_ms },
);

/// Arrival rate λ over time, req/s. Times are s since the run started.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "shape", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(extend("x-choices" = [{"shape": "constant", "rps": 100.0}, {"shape": "step", "before_rps": 100.0, "after_rps": 300.0, "at_s": 30.0}, {"shape": "ramp", "from_rps": 100.0, "to_rps": 500.0, "start_s": 10.0, "end_s": 50.0}, {"shape": "spike", "base_rps": 100.0, "peak_rps": 1000.0, "at_s": 20.0, "duration_s": 10.0}, {"shape": "sinusoidal", "mean_rps": 100.0, "amplitude_rps": 50.0, "period_s": 60.0}, {"shape": "piecewise", "points": [{"t_s": 0.0, "rps": 100.0}, {"t_s": 60.0, "rps": 200.0}]}]))]
pub enum RateProfile {
    /// λ constant.
    Constant {
        /// Rate, req/s.
        #[schemars(range(min = 0.0, max = 1e7), extend("x-help" = "Arrival rate λ of new requests"))]
        rps: f64,
    },
    /// λ jumps from `before_rps` to `after_rps` at `at_s`.
    Step {
        /// Rate before the step, req/s.
        #[schemars(range(min = 0.0, max = 1e7), extend("x-help" = "Arrival rate λ before the step"))]
        before_rps: f64,
        /// Rate from the step on, req/s.
        #[schemars(range(min = 0.0, max = 1e7), extend("x-help" = "Arrival rate λ from the step on"))]
        after_rps: f64,
        /// Time of the step, s.
        #[schemars(range(min = 0.0, max = MAX_DURATION_S), extend("x-help" = "When the rate steps"))]
        at_s: f64,
    },
    /// λ moves linearly from `from_rps` at `start_s` to `to_rps` at `end_s`,
    /// constant outside.
    Ramp {
        /// Rate until `start_s`, req/s.
        #[schemars(range(min = 0.0, max = 1e7), extend("x-help" = "Arrival rate λ before the ramp"))]
        from_rps: f64,
        /// Rate from `end_s` on, req/s.
        #[schemars(range(min = 0.0, max = 1e7), extend("x-help" = "Arrival rate λ after the ramp"))]
        to_rps: f64,
        /// Start of the ramp, s.
        #[schemars(range(min = 0.0, max = MAX_DURATION_S), extend("x-help" = "When the ramp starts"))]
        start_s: f64,
        /// End of the ramp, s.
        #[schemars(range(min = 0.0, max = MAX_DURATION_S), extend("x-help" = "When the ramp ends (not before its start)"))]
        end_s: f64,
    },
    /// λ is `base_rps` except during `[at_s, at_s + duration_s)`, when it is
    /// `peak_rps`.
    Spike {
        /// Normal rate, req/s.
        #[schemars(range(min = 0.0, max = 1e7), extend("x-help" = "Arrival rate λ outside the spike"))]
        base_rps: f64,
        /// Rate during the spike, req/s.
        #[schemars(range(min = 0.0, max = 1e7), extend("x-help" = "Arrival rate λ during the spike"))]
        peak_rps: f64,
        /// Start of the spike, s.
        #[schemars(range(min = 0.0, max = MAX_DURATION_S), extend("x-help" = "When the spike starts"))]
        at_s: f64,
        /// Length of the spike, s.
        #[schemars(range(max = MAX_DURATION_S), extend("x-help" = "How long the spike lasts", "exclusiveMinimum" = 0.0))]
        duration_s: f64,
    },
    /// Diurnal pattern: λ(t) = mean + amplitude · sin(2πt / period).
    Sinusoidal {
        /// Mean rate, req/s.
        #[schemars(range(min = 0.0, max = 1e7), extend("x-help" = "Mean arrival rate λ"))]
        mean_rps: f64,
        /// Amplitude, req/s (at most the mean).
        #[schemars(range(min = 0.0, max = 1e7), extend("x-help" = "How far the rate swings above and below the mean (at most the mean)"))]
        amplitude_rps: f64,
        /// Period, s.
        #[schemars(range(max = MAX_DURATION_S), extend("x-help" = "Time of one full swing", "exclusiveMinimum" = 0.0))]
        period_s: f64,
    },
    /// Linear interpolation between points (constant before the first and
    /// after the last).
    Piecewise {
        /// Points in increasing time order.
        points: Vec<RatePoint>,
    },
}

read_tagged!(RateProfile by "shape" {
    rps: f64,
    before_rps: f64,
    after_rps: f64,
    at_s: f64,
    from_rps: f64,
    to_rps: f64,
    start_s: f64,
    end_s: f64,
    base_rps: f64,
    peak_rps: f64,
    duration_s: f64,
    mean_rps: f64,
    amplitude_rps: f64,
    period_s: f64,
    points: Vec<RatePoint>,
}
    Constant { rps },
    Step { before_rps, after_rps, at_s },
    Ramp { from_rps, to_rps, start_s, end_s },
    Spike { base_rps, peak_rps, at_s, duration_s },
    Sinusoidal { mean_rps, amplitude_rps, period_s },
    Piecewise { points },
);

/// One point of a piecewise rate profile.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RatePoint {
    /// Time, s.
    #[schemars(range(min = 0.0, max = MAX_DURATION_S), extend("x-help" = "Time of this point (times must not decrease)"))]
    pub t_s: f64,
    /// Rate, req/s.
    #[schemars(range(min = 0.0, max = 1e7), extend("x-help" = "Arrival rate λ at this point (linear in between)"))]
    pub rps: f64,
}

impl RateProfile {
    /// λ(t) in req/s at `t_s` seconds.
    pub fn rate_at(&self, t_s: f64) -> f64 {
        match self {
            RateProfile::Constant { rps } => *rps,
            RateProfile::Step { before_rps, after_rps, at_s } => {
                if t_s < *at_s {
                    *before_rps
                } else {
                    *after_rps
                }
            }
            RateProfile::Ramp { from_rps, to_rps, start_s, end_s } => {
                interpolate(t_s, (*start_s, *from_rps), (*end_s, *to_rps))
            }
            RateProfile::Spike { base_rps, peak_rps, at_s, duration_s } => {
                if t_s >= *at_s && t_s < at_s + duration_s {
                    *peak_rps
                } else {
                    *base_rps
                }
            }
            RateProfile::Sinusoidal { mean_rps, amplitude_rps, period_s } => {
                let phase = 2.0 * std::f64::consts::PI * t_s / period_s;
                (mean_rps + amplitude_rps * libm::sin(phase)).max(0.0)
            }
            RateProfile::Piecewise { points } => {
                let Some(first) = points.first() else { return 0.0 };
                let after = points.partition_point(|p| p.t_s <= t_s);
                match (after.checked_sub(1).map(|i| points[i]), points.get(after)) {
                    (None, _) => first.rps,
                    (Some(p), None) => p.rps,
                    (Some(a), Some(b)) => interpolate(t_s, (a.t_s, a.rps), (b.t_s, b.rps)),
                }
            }
        }
    }

    /// An upper bound of λ(t) over all t, req/s (used for thinning).
    pub fn max_rate(&self) -> f64 {
        match self {
            RateProfile::Constant { rps } => *rps,
            RateProfile::Step { before_rps, after_rps, .. } => before_rps.max(*after_rps),
            RateProfile::Ramp { from_rps, to_rps, .. } => from_rps.max(*to_rps),
            RateProfile::Spike { base_rps, peak_rps, .. } => base_rps.max(*peak_rps),
            RateProfile::Sinusoidal { mean_rps, amplitude_rps, .. } => mean_rps + amplitude_rps.abs(),
            RateProfile::Piecewise { points } => points.iter().map(|p| p.rps).fold(0.0, f64::max),
        }
    }
}

/// Linear interpolation through `(t0, v0)` and `(t1, v1)`, clamped outside.
fn interpolate(t: f64, (t0, v0): (f64, f64), (t1, v1): (f64, f64)) -> f64 {
    if t <= t0 || t1 <= t0 {
        v0
    } else if t >= t1 {
        v1
    } else {
        v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    }
}

/// Class of a request, used by the mix, L7 routing and per-class calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestClass {
    /// A read (GET).
    Read,
    /// A write (POST/PUT/DELETE).
    Write,
    /// Anything else (e.g. static assets, health pages).
    Other,
}

impl RequestClass {
    /// Every class, in [`RequestClass::index`] order.
    pub const ALL: [RequestClass; 3] = [RequestClass::Read, RequestClass::Write, RequestClass::Other];

    /// Its position in [`RequestClass::ALL`], for tables by class.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its name in the scenario format: `read`, `write` or `other`.
    pub fn name(self) -> &'static str {
        match self {
            RequestClass::Read => "read",
            RequestClass::Write => "write",
            RequestClass::Other => "other",
        }
    }
}

/// Shares of request classes; they need not sum to 1 (they are normalised).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RequestMix {
    /// Share of reads.
    #[schemars(range(min = 0.0, max = 1e9), extend("x-help" = "Share of requests that are reads (relative to the others)", "x-unit" = "1"))]
    pub read: f64,
    /// Share of writes.
    #[schemars(range(min = 0.0, max = 1e9), extend("x-help" = "Share of requests that are writes (relative to the others)", "x-unit" = "1"))]
    pub write: f64,
    /// Share of other requests.
    #[schemars(range(min = 0.0, max = 1e9), extend("x-help" = "Share of other requests (relative to the others)", "x-unit" = "1"))]
    pub other: f64,
}

impl Default for RequestMix {
    fn default() -> Self {
        RequestMix { read: 0.9, write: 0.1, other: 0.0 }
    }
}

/// Key popularity.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "law", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(extend("x-choices" = [{"law": "uniform", "keys": 10000}, {"law": "zipf", "keys": 10000, "s": 0.9}]))]
pub enum KeyDistribution {
    /// Every one of `keys` keys equally likely.
    Uniform {
        /// Number of keys N.
        #[schemars(range(min = 1, max = 1u64 << 40), extend("x-help" = "Distinct keys requests touch", "x-unit" = "keys"))]
        keys: u64,
    },
    /// Zipf: key k (1-based rank) has probability ∝ 1/k^s.
    Zipf {
        /// Number of keys N.
        #[schemars(range(min = 1, max = 1u64 << 40), extend("x-help" = "Distinct keys requests touch", "x-unit" = "keys"))]
        keys: u64,
        /// Exponent s ≥ 0 (≈ 0.7–1.0 for web objects, Breslau et al. 1999).
        #[schemars(range(min = 0.0, max = 10.0), extend("x-help" = "Zipf exponent: 0 uniform, about 1 for web popularity", "x-unit" = "1"))]
        s: f64,
    },
}

read_tagged!(KeyDistribution by "law" { keys: u64, s: f64 }
    Uniform { keys },
    Zipf { keys, s },
);

/// The partition (of `n`, at least 1) request key `key` falls in when
/// partitioned by key hash, as a message queue's `key_hash` partitioner and
/// a partitioned store's hash partitioning do: a fixed hash (SipHash-1-3
/// with zero keys) modulo `n`, the same everywhere and even on average.
pub fn key_partition(key: u64, n: usize) -> usize {
    let mut h = SipHasher13::new_with_keys(0, 0);
    h.write_u64(key);
    (h.finish() % n.max(1) as u64) as usize
}

/// The client kind.
impl Kind for ClientParams {
    const INFO: &'static KindInfo = &KindInfo {
        name: "client",
        title: "Clients",
        plural: "clients",
        summary: "Traffic source: Poisson arrivals at a rate profile, or N users with think time",
        group: ComponentGroup::Traffic,
        id_prefix: "clients",
        icon: "M8 8a4 4 0 1 0 8 0a4 4 0 1 0 -8 0M4 21C4 15 20 15 20 21",
        slots: "",
        backlog: ("queued", "q"),
        onward: Onward::Each,
        backend: false,
        crash: None,
    };

    fn check(&self, c: &mut Checker, path: &str) {
        if let Arrivals::Open { rate } = &self.arrivals {
            check_rate(c, &format!("{path}.arrivals.rate"), rate);
        }
        let m = &self.mix;
        if m.read + m.write + m.other <= 0.0 {
            c.fail(format!("{path}.mix"), "at least one share must be positive");
        }
    }

    /// A traffic spike hits an open-loop client (closed-loop users send as
    /// fast as their replies come back).
    fn takes(&self, fault: FaultKind) -> bool {
        matches!(fault, FaultKind::Spike { .. }) && matches!(self.arrivals, Arrivals::Open { .. })
    }

    fn may_call(_callee: &KindInfo) -> Wiring {
        Wiring::Sync
    }

    fn calls_problem(&self, id: &NodeId, outgoing: usize) -> Option<String> {
        (outgoing != 1)
            .then(|| format!("client `{id}` must call exactly one entry node (it has {outgoing} outgoing edges)"))
    }

    /// Clients are the users: free.
    fn price(&self) -> Price {
        hourly(0.0)
    }

    /// A run keeps its open- or closed-loop generator and its users.
    fn restart_reason(&self, running: &Self) -> Option<&'static str> {
        let same = match (&self.arrivals, &running.arrivals) {
            (Arrivals::Open { .. }, Arrivals::Open { .. }) => true,
            (Arrivals::Closed { users: x, .. }, Arrivals::Closed { users: y, .. }) => x == y,
            _ => false,
        };
        (!same).then_some("arrivals model")
    }
}

fn check_rate(c: &mut Checker, path: &str, rate: &RateProfile) {
    let rates: Vec<f64> = match rate {
        RateProfile::Constant { rps } => vec![*rps],
        RateProfile::Step { before_rps, after_rps, .. } => vec![*before_rps, *after_rps],
        RateProfile::Ramp { from_rps, to_rps, start_s, end_s } => {
            if end_s < start_s {
                c.fail(format!("{path}.end_s"), format!("is {end_s}; must be at least the start ({start_s})"));
            }
            vec![*from_rps, *to_rps]
        }
        RateProfile::Spike { base_rps, peak_rps, .. } => vec![*base_rps, *peak_rps],
        RateProfile::Sinusoidal { mean_rps, amplitude_rps, .. } => {
            if amplitude_rps > mean_rps {
                c.fail(
                    format!("{path}.amplitude_rps"),
                    format!("is {amplitude_rps}; must be at most the mean ({mean_rps})"),
                );
            }
            vec![*mean_rps]
        }
        RateProfile::Piecewise { points } => {
            if points.is_empty() {
                c.fail(format!("{path}.points"), "needs at least one point");
            }
            for (i, w) in points.windows(2).enumerate() {
                if w[1].t_s < w[0].t_s {
                    c.fail(format!("{path}.points[{}].t_s", i + 1), "times must not decrease");
                }
            }
            points.iter().map(|p| p.rps).collect()
        }
    };
    if rates.iter().all(|r| *r <= 0.0) {
        c.fail(path, "the rate is 0 everywhere: the client would send nothing");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_class_is_named_as_the_scenario_format_writes_it() {
        for class in RequestClass::ALL {
            assert_eq!(serde_json::to_value(class).unwrap(), class.name());
            assert_eq!(RequestClass::ALL[class.index()], class);
        }
    }
}
