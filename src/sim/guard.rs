//! A caller's resilience on one link: the timeout of a try, retries with
//! backoff and jitter within a retry budget, a circuit breaker and a
//! bulkhead. The kernel consults it when a call is sent and when its
//! outcome is known; components never see it.

use crate::model::{BackoffJitter, Edge, Retry, RetryBudget};

use super::deadlines::Deadlines;
use super::event::{CallResult, Failure};
use super::random::{self, Stream};
use super::report::EdgeReport;
use super::SimTime;

/// Counts over a sliding window of whole seconds, kept in one bucket per
/// second; adding and reading are O(1) amortised.
struct Window {
    /// Per second slot: (first, second) counts.
    buckets: Vec<(u64, u64)>,
    /// Sums over the buckets.
    totals: (u64, u64),
    /// The newest second counted.
    head: u64,
}

impl Window {
    /// A window of `seconds` (≥ 1) seconds.
    fn new(seconds: f64) -> Window {
        let n = (libm::ceil(seconds) as usize).max(1);
        Window { buckets: vec![(0, 0); n], totals: (0, 0), head: 0 }
    }

    /// Moves the window to end at `now`, forgetting older seconds.
    fn slide(&mut self, now: SimTime) {
        let second = now.0 / 1_000_000_000;
        let n = self.buckets.len() as u64;
        let steps = second.saturating_sub(self.head).min(n);
        for k in 1..=steps {
            let slot = &mut self.buckets[((self.head + k) % n) as usize];
            self.totals.0 -= slot.0;
            self.totals.1 -= slot.1;
            *slot = (0, 0);
        }
        self.head = self.head.max(second);
    }

    /// Adds `(a, b)` at `now` and returns the totals over the window.
    fn add(&mut self, now: SimTime, a: u64, b: u64) -> (u64, u64) {
        self.slide(now);
        let n = self.buckets.len() as u64;
        let slot = &mut self.buckets[(self.head % n) as usize];
        slot.0 += a;
        slot.1 += b;
        self.totals.0 += a;
        self.totals.1 += b;
        self.totals
    }

    /// Forgets everything.
    fn clear(&mut self) {
        self.buckets.iter_mut().for_each(|b| *b = (0, 0));
        self.totals = (0, 0);
    }
}

/// A circuit breaker's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakerState {
    /// Calls go through; failures are counted.
    Closed,
    /// Calls fail at once.
    Open,
    /// A few probe calls go through.
    HalfOpen,
}

impl BreakerState {
    /// The word for the report and the event log.
    pub fn name(self) -> &'static str {
        match self {
            BreakerState::Closed => "closed",
            BreakerState::Open => "open",
            BreakerState::HalfOpen => "half-open",
        }
    }
}

/// A state change of a breaker, with the failure figures that caused it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transition {
    /// The new state.
    pub to: BreakerState,
    /// Calls judged (in the window, or the probes).
    pub calls: u64,
    /// Of which failed.
    pub failed: u64,
}

struct Breaker {
    cfg: crate::model::CircuitBreaker,
    state: BreakerState,
    /// Closed: outcomes (calls, failures) over the window.
    window: Window,
    /// Open: when it may probe.
    until: SimTime,
    /// Half-open: probes let through, outcomes in, failures among them.
    probes: (u32, u32, u32),
}

impl Breaker {
    fn new(cfg: crate::model::CircuitBreaker) -> Breaker {
        let window = Window::new(cfg.window_s);
        Breaker { cfg, state: BreakerState::Closed, window, until: SimTime::ZERO, probes: (0, 0, 0) }
    }

    /// Whether a call may go now; the open → half-open change, if due.
    fn permit(&mut self, now: SimTime) -> (bool, Option<Transition>) {
        let mut change = None;
        if self.state == BreakerState::Open && now >= self.until {
            self.state = BreakerState::HalfOpen;
            self.probes = (0, 0, 0);
            change = Some(Transition { to: BreakerState::HalfOpen, calls: 0, failed: 0 });
        }
        let go = match self.state {
            BreakerState::Closed => true,
            BreakerState::Open => false,
            BreakerState::HalfOpen => {
                let go = self.probes.0 < self.cfg.half_open_calls;
                self.probes.0 += u32::from(go);
                go
            }
        };
        (go, change)
    }

    /// Counts an outcome; the change it causes, if any.
    fn record(&mut self, now: SimTime, failed: bool) -> Option<Transition> {
        let rate = self.cfg.failure_rate;
        let tripped = |calls: u64, failures: u64| failures as f64 >= rate * calls as f64;
        match self.state {
            BreakerState::Closed => {
                let (calls, failures) = self.window.add(now, 1, u64::from(failed));
                (calls >= u64::from(self.cfg.min_calls) && tripped(calls, failures))
                    .then(|| self.open(now, calls, failures))
            }
            BreakerState::HalfOpen => {
                self.probes.1 += 1;
                self.probes.2 += u32::from(failed);
                let (_, done, failures) = self.probes;
                if done < self.cfg.half_open_calls {
                    return None;
                }
                let (calls, failures) = (u64::from(done), u64::from(failures));
                if tripped(calls, failures) {
                    Some(self.open(now, calls, failures))
                } else {
                    self.state = BreakerState::Closed;
                    self.window.clear();
                    Some(Transition { to: BreakerState::Closed, calls, failed: failures })
                }
            }
            // Late outcomes of calls made before it opened.
            BreakerState::Open => None,
        }
    }

    fn open(&mut self, now: SimTime, calls: u64, failed: u64) -> Transition {
        self.state = BreakerState::Open;
        self.until = now.after(SimTime::from_s(self.cfg.open_s));
        self.window.clear();
        Transition { to: BreakerState::Open, calls, failed }
    }
}

/// What a guard counted on its link (the report's figures of an edge).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct GuardCounts {
    /// Calls (first tries) asked for.
    pub calls: u64,
    /// Tries sent to the callee (first tries and retries).
    pub tries: u64,
    /// Retries asked for (sent or refused).
    pub retries: u64,
    /// Tries that timed out.
    pub timeouts: u64,
    /// Tries refused by the open (or probing) breaker.
    pub short_circuited: u64,
    /// Tries refused by the full bulkhead.
    pub bulkhead_full: u64,
    /// Retries not made for lack of budget.
    pub over_budget: u64,
    /// Calls that failed for good: their last try failed and no retry
    /// followed (retries used up, refused, over budget, or the client gave
    /// up on the request).
    pub failed_calls: u64,
}

/// The resilience of one link in a run.
pub struct Guard {
    timeout: Option<SimTime>,
    retry: Option<Retry>,
    /// Retry budget: (its parameters, first tries and retries over its
    /// window).
    budget: Option<(RetryBudget, Window)>,
    breaker: Option<Breaker>,
    max_concurrent: u32,
    in_flight: u32,
    rng: Stream,
    /// Deadlines of the tries in flight (with a timeout): one pending
    /// `Event::Timeouts` of the link fires at the earliest.
    pub deadlines: Deadlines,
    /// What happened from the warm-up on.
    counts: GuardCounts,
    warmup: SimTime,
}

impl Guard {
    /// The guard of edge `e`, counting from `warmup`, or None when it has
    /// no resilience settings.
    pub fn new(e: &Edge, seed: u64, warmup: SimTime) -> Option<Guard> {
        if !e.has_defences() {
            return None;
        }
        let budget = e.retry.as_ref().and_then(|r| r.budget).map(|b| (b, Window::new(b.ttl_s)));
        Some(Guard {
            timeout: e.timeout_ms.map(SimTime::from_ms),
            retry: e.retry.clone(),
            budget,
            breaker: e.circuit_breaker.map(Breaker::new),
            max_concurrent: e.bulkhead.map_or(u32::MAX, |b| b.max_concurrent),
            in_flight: 0,
            rng: random::stream(seed, &format!("{}->{}", e.from, e.to), "retry"),
            deadlines: Deadlines::new(),
            counts: GuardCounts::default(),
            warmup,
        })
    }

    /// Whether each try has a timeout (which then ends a lost try).
    pub fn times_out(&self) -> bool {
        self.timeout.is_some()
    }

    /// The breaker's state (None without a breaker).
    pub fn breaker_state(&self) -> Option<BreakerState> {
        self.breaker.as_ref().map(|b| b.state)
    }

    /// Counts what happened at `now` with `count`, from the warm-up on
    /// (like every figure of the report).
    fn tally(&mut self, now: SimTime, count: impl FnOnce(&mut GuardCounts)) {
        if now >= self.warmup {
            count(&mut self.counts);
        }
    }

    /// The figures for the report.
    pub fn report(&self) -> EdgeReport {
        let c = self.counts;
        EdgeReport {
            counts: c,
            retry_amplification: if c.calls == 0 { 1.0 } else { c.tries as f64 / c.calls as f64 },
            state: self.breaker_state().map(BreakerState::name),
        }
    }

    /// Try number `attempt` (0: the first) wants to go now. Ok with the
    /// try's timeout (if any) when it may; Err when the breaker or the
    /// bulkhead refuses it. Either way, a breaker change that happened.
    pub fn admit(&mut self, now: SimTime, attempt: u8) -> (Result<Option<SimTime>, Failure>, Option<Transition>) {
        if attempt == 0 {
            self.tally(now, |c| c.calls += 1);
            if let Some((_, window)) = &mut self.budget {
                window.add(now, 1, 0);
            }
        } else {
            self.tally(now, |c| c.retries += 1);
        }
        let (go, change) = self.breaker.as_mut().map_or((true, None), |b| b.permit(now));
        if !go {
            self.tally(now, |c| c.short_circuited += 1);
            return (Err(Failure::Refused), change);
        }
        if self.in_flight >= self.max_concurrent {
            self.tally(now, |c| c.bulkhead_full += 1);
            // A probe the bulkhead refused gives its turn back.
            if let Some(b) = self.breaker.as_mut().filter(|b| b.state == BreakerState::HalfOpen) {
                b.probes.0 -= 1;
            }
            return (Err(Failure::Refused), change);
        }
        self.in_flight += 1;
        self.tally(now, |c| c.tries += 1);
        (Ok(self.timeout.map(|t| now.after(t))), change)
    }

    /// A call whose try failed at `now` gets no retry: it failed for good.
    pub fn gave_up(&mut self, now: SimTime) {
        self.tally(now, |c| c.failed_calls += 1);
    }

    /// What the guard counted from the warm-up on.
    pub fn counts(&self) -> GuardCounts {
        self.counts
    }

    /// An admitted try ended with `result` (a timeout is
    /// `Err(Failure::Timeout)`). Returns the breaker change it caused.
    pub fn settle(&mut self, now: SimTime, result: CallResult) -> Option<Transition> {
        self.in_flight = self.in_flight.saturating_sub(1);
        if result == Err(Failure::Timeout) {
            self.tally(now, |c| c.timeouts += 1);
        }
        self.breaker.as_mut().and_then(|b| b.record(now, result.is_err()))
    }

    /// After try `attempt` failed with `failure` (its wait before it was
    /// `last_wait_ms`), how long to wait before the next try, ms; None when
    /// no retry is made (none configured, retries used up, a refusal by the
    /// caller's own breaker or bulkhead, or over budget).
    ///
    /// Backoff and jitter after M. Brooker, "Exponential Backoff And
    /// Jitter", AWS Architecture Blog, 2015.
    pub fn retry_wait_ms(&mut self, now: SimTime, attempt: u8, failure: Failure, last_wait_ms: f32) -> Option<f64> {
        let r = self.retry.as_ref()?;
        if failure == Failure::Refused || u32::from(attempt) >= r.max_retries {
            return None;
        }
        if let Some((budget, window)) = &mut self.budget {
            let (calls, retries) = window.add(now, 0, 0);
            let allowed = budget.ratio * calls as f64 + budget.min_per_s * budget.ttl_s;
            if retries as f64 + 1.0 > allowed {
                self.tally(now, |c| c.over_budget += 1);
                return None;
            }
            window.add(now, 0, 1);
        }
        let w = r.backoff_ms(attempt);
        let u = random::unit(&mut self.rng);
        let wait = match r.jitter {
            BackoffJitter::None => w,
            BackoffJitter::Full => u * w,
            BackoffJitter::Equal => w / 2.0 + u * w / 2.0,
            BackoffJitter::Decorrelated => {
                let last = if attempt == 0 { r.base_ms } else { f64::from(last_wait_ms) };
                let high = (3.0 * last).max(r.base_ms);
                (r.base_ms + u * (high - r.base_ms)).min(r.cap_ms)
            }
        };
        Some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CircuitBreaker;

    fn at(s: f64) -> SimTime {
        SimTime::from_s(s)
    }

    #[test]
    fn window_forgets_seconds_that_slid_out() {
        let mut w = Window::new(3.0);
        w.add(at(0.5), 1, 0);
        w.add(at(1.5), 1, 1);
        assert_eq!(w.add(at(2.5), 1, 0), (3, 1));
        // Second 0 is out of [1, 3].
        assert_eq!(w.add(at(3.1), 0, 0), (2, 1));
        // A long gap forgets everything.
        assert_eq!(w.add(at(100.0), 0, 0), (0, 0));
    }

    #[test]
    fn breaker_opens_probes_and_closes() {
        let cfg = CircuitBreaker { failure_rate: 0.5, window_s: 10.0, min_calls: 4, open_s: 5.0, half_open_calls: 2 };
        let mut b = Breaker::new(cfg);
        // Three failures of three calls: not yet min_calls.
        for _ in 0..3 {
            assert_eq!(b.record(at(1.0), true), None);
        }
        let t = b.record(at(1.0), false).unwrap();
        assert_eq!((t.to, t.calls, t.failed), (BreakerState::Open, 4, 3));
        assert_eq!(b.permit(at(5.9)), (false, None));
        let (go, change) = b.permit(at(6.0));
        assert!(go);
        assert_eq!(change.map(|c| c.to), Some(BreakerState::HalfOpen));
        assert_eq!(b.permit(at(6.0)), (true, None));
        // Only two probes.
        assert_eq!(b.permit(at(6.0)), (false, None));
        assert_eq!(b.record(at(6.1), false), None);
        assert_eq!(b.record(at(6.1), false).map(|c| c.to), Some(BreakerState::Closed));
    }

    #[test]
    fn a_failed_probe_reopens() {
        let cfg = CircuitBreaker { failure_rate: 0.5, window_s: 10.0, min_calls: 1, open_s: 1.0, half_open_calls: 1 };
        let mut b = Breaker::new(cfg);
        assert_eq!(b.record(at(0.0), true).map(|c| c.to), Some(BreakerState::Open));
        assert!(b.permit(at(1.0)).0);
        assert_eq!(b.record(at(1.2), true).map(|c| c.to), Some(BreakerState::Open));
        assert!(!b.permit(at(2.1)).0);
        assert!(b.permit(at(2.2)).0);
    }
}
