//! Caller resilience on an edge: timeouts, retries with backoff and
//! jitter, a retry budget, a circuit breaker and a bulkhead. They apply to
//! synchronous calls (a fire-and-forget call has no reply to judge).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Retries of a failed or timed-out call, after a backoff.
///
/// A call is retried when it fails (error, rejection or the edge's
/// timeout) and fewer than `max_retries` retries were made; a call refused
/// by the caller's own circuit breaker or bulkhead is not retried. With a
/// failure probability f per try and R retries, the callee sees
/// (1 − f^(R+1)) / (1 − f) tries per call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Retry {
    /// Retries after the first try (R).
    #[schemars(range(min = 0, max = 10), extend("x-help" = "Tries after the first one, for a failed or timed-out call", "x-unit" = "retries"))]
    pub max_retries: u32,
    /// How the wait before a retry grows.
    #[schemars(extend("x-help" = "Wait before a retry: none, constant (base) or exponential (base · 2ⁿ⁻¹, capped)"))]
    pub backoff: Backoff,
    /// Base wait, ms (the constant wait, or the first exponential one).
    #[schemars(range(min = 0.0, max = 3.6e6), extend("x-help" = "Retry: the constant wait, or the first exponential one"))]
    pub base_ms: f64,
    /// Cap of an exponential wait, ms.
    #[schemars(range(min = 0.0, max = 3.6e6), extend("x-help" = "Longest wait before a retry (at least the base)"))]
    pub cap_ms: f64,
    /// Randomisation of the wait.
    #[schemars(extend("x-help" = "Randomises the wait (Brooker): full = uniform up to it, equal = half plus up to half"))]
    pub jitter: BackoffJitter,
    /// Optional retry budget (off when absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<RetryBudget>,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            max_retries: 2,
            backoff: Backoff::Exponential,
            base_ms: 50.0,
            cap_ms: 1000.0,
            jitter: BackoffJitter::Full,
            budget: None,
        }
    }
}

impl Retry {
    /// The wait before retry n + 1 (n = 0, 1, …) before jitter, ms: none,
    /// the base, or base · 2ⁿ capped.
    pub fn backoff_ms(&self, n: u8) -> f64 {
        match self.backoff {
            Backoff::None => 0.0,
            Backoff::Constant => self.base_ms,
            Backoff::Exponential => (self.base_ms * libm::pow(2.0, f64::from(n))).min(self.cap_ms),
        }
    }

    /// The longest the wait before retry n + 1 can be after jitter, ms:
    /// [`Retry::backoff_ms`], or the cap with decorrelated jitter.
    pub fn longest_wait_ms(&self, n: u8) -> f64 {
        match self.jitter {
            BackoffJitter::Decorrelated => self.cap_ms,
            _ => self.backoff_ms(n),
        }
    }
}

/// How the wait before retry n (n = 1, 2, …) grows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Backoff {
    /// Retry at once.
    None,
    /// Always `base_ms`.
    Constant,
    /// min(`cap_ms`, `base_ms` · 2^(n−1)).
    #[default]
    Exponential,
}

/// Jitter of a backoff wait w, after M. Brooker, "Exponential Backoff And
/// Jitter", AWS Architecture Blog, 2015.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BackoffJitter {
    /// Exactly w.
    None,
    /// Uniform on [0, w].
    #[default]
    Full,
    /// w/2 + uniform on [0, w/2].
    Equal,
    /// min(`cap_ms`, uniform on [`base_ms`, 3 × the previous wait]),
    /// starting from `base_ms` (ignores `backoff`).
    Decorrelated,
}

/// A retry budget as in Finagle and Linkerd: over the last `ttl_s`, retries
/// may be at most `ratio` of the calls plus `min_per_s` per second. A retry
/// over budget is not made (the failure goes to the caller).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RetryBudget {
    /// Retries allowed per call, 0–1 (0.2: 20% extra load at most).
    #[schemars(range(min = 0.0, max = 1.0), extend("x-help" = "Retry budget: retries allowed per call (0.2 = 20% extra load at most)", "x-unit" = "1"))]
    pub ratio: f64,
    /// Retries always allowed per second, regardless of the ratio.
    #[schemars(range(min = 0.0, max = 1e6), extend("x-help" = "Retry budget: retries always allowed per second"))]
    pub min_per_s: f64,
    /// Window the calls and retries are counted over, s.
    #[schemars(range(min = 1.0, max = 3600.0), extend("x-help" = "Retry budget: how long a call or retry counts"))]
    pub ttl_s: f64,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget { ratio: 0.2, min_per_s: 10.0, ttl_s: 10.0 }
    }
}

/// A circuit breaker (M. Nygard, *Release It!*, 2nd ed., 2018, ch. 5;
/// states and parameters as in resilience4j's time-based window).
///
/// Closed: calls go through and their outcomes are counted over the last
/// `window_s`; when at least `min_calls` were made there and the share of
/// failures (errors, rejections, timeouts) reaches `failure_rate`, it
/// opens. Open: calls fail at once without reaching the callee, for
/// `open_s`. Half-open: the next `half_open_calls` calls go through as
/// probes, others fail at once; when the probes are in, it closes if their
/// failure share is below `failure_rate`, else opens again.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CircuitBreaker {
    /// Failure share that opens it, 0–1.
    #[schemars(range(max = 1.0), extend("x-help" = "Share of failed calls in the window that opens the breaker", "x-unit" = "1", "exclusiveMinimum" = 0.0))]
    pub failure_rate: f64,
    /// Sliding window, s (counted in 1-s buckets).
    #[schemars(range(min = 1.0, max = 3600.0), extend("x-help" = "Sliding window the breaker judges calls over"))]
    pub window_s: f64,
    /// Calls needed in the window before it may open.
    #[schemars(range(min = 1), extend("x-help" = "Calls needed in the window before the breaker may open", "x-unit" = "calls"))]
    pub min_calls: u32,
    /// Time it stays open before probing, s.
    #[schemars(range(max = 3600.0), extend("x-help" = "Time the breaker stays open (failing calls at once) before probing", "exclusiveMinimum" = 0.0))]
    pub open_s: f64,
    /// Probe calls let through when half-open.
    #[schemars(range(min = 1), extend("x-help" = "Probe calls let through when half-open; they decide close or reopen", "x-unit" = "calls"))]
    pub half_open_calls: u32,
}

impl Default for CircuitBreaker {
    fn default() -> Self {
        CircuitBreaker { failure_rate: 0.5, window_s: 10.0, min_calls: 20, open_s: 5.0, half_open_calls: 5 }
    }
}

/// A bulkhead (M. Nygard, *Release It!*, ch. 5; a semaphore bulkhead as in
/// Hystrix and resilience4j): at most `max_concurrent` calls of this edge
/// in flight from the caller; one more fails at once (rejected), so a slow
/// dependency can hold only that many of the caller's workers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bulkhead {
    /// Calls in flight at most (≥ 1).
    #[schemars(range(min = 1), extend("x-help" = "Bulkhead: calls in flight at most; one more fails at once", "x-unit" = "calls"))]
    pub max_concurrent: u32,
}

impl Default for Bulkhead {
    fn default() -> Self {
        Bulkhead { max_concurrent: 10 }
    }
}

/// A token-bucket rate limiter (as API gateways and Envoy's local rate
/// limit apply it): tokens accrue at `rate_rps` up to `burst`; a request
/// takes one, or is rejected (HTTP 429) when none is left. Over a span T it
/// admits at most `rate_rps`·T + `burst` requests.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimit {
    /// Sustained rate, req/s.
    #[schemars(range(max = 1e7), extend("x-help" = "Token bucket: sustained requests per second admitted", "exclusiveMinimum" = 0.0))]
    pub rate_rps: f64,
    /// Bucket size: requests admitted at once after a quiet spell.
    #[schemars(range(min = 1), extend("x-help" = "Token bucket: requests admitted at once after a quiet spell", "x-unit" = "requests"))]
    pub burst: u32,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit { rate_rps: 100.0, burst: 20 }
    }
}

/// Load shedding by queueing delay (after Facebook's controlled-delay
/// queues, B. Maurer, "Fail at Scale", ACM Queue 13(8), 2015): a request
/// that waited longer than `max_wait_ms` in the accept queue is rejected
/// when a worker frees up, without doing its work, so an overloaded pool
/// spends its workers on requests that can still finish in time.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LoadShedding {
    /// Longest wait in the queue before a request is shed, ms.
    #[schemars(range(max = 3.6e6), extend("x-help" = "Requests that waited longer in the queue are shed, not served", "exclusiveMinimum" = 0.0))]
    pub max_wait_ms: f64,
}

impl Default for LoadShedding {
    fn default() -> Self {
        LoadShedding { max_wait_ms: 100.0 }
    }
}
