//! Run guards: a run stops, with the reason, when it goes over its event
//! budget per simulated second or its memory budget
//! ([`crate::model::RunLimits`]), instead of hanging the page or
//! exhausting its memory. Checked every [`CHECK_EVERY`] events, so the
//! event loop pays one comparison per event.

use crate::model::RunLimits;

use super::SimTime;

/// Events between two checks.
const CHECK_EVERY: u64 = 1 << 14;

/// Why a run stopped before its duration.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Stopped {
    /// Simulated time of the stop, s.
    pub t_s: f64,
    /// The budget it went over: `events_per_s` or `memory`.
    pub budget: &'static str,
    /// What happened and what to do, in the user's words.
    pub message: String,
}

/// The budgets of one run and where it stands against them.
pub struct Budget {
    max_events_per_s: u64,
    max_memory_bytes: u64,
    /// Start of the current window of at most one simulated second, and
    /// the events processed before it.
    window: (SimTime, u64),
    next_check: u64,
}

impl Budget {
    /// The budgets of `limits`, from the start of a run.
    pub fn new(limits: &RunLimits) -> Self {
        Budget {
            max_events_per_s: limits.max_events_per_s as u64,
            max_memory_bytes: limits.max_memory_bytes(),
            window: (SimTime::ZERO, 0),
            next_check: CHECK_EVERY,
        }
    }

    /// Whether a check is due after `events` events.
    #[inline(always)]
    pub fn due(&self, events: u64) -> bool {
        events >= self.next_check
    }

    /// Checks the budgets at `now` after `events` events, with the run's
    /// state taking `memory_bytes()` bytes; the reason to stop, if any.
    pub fn check(&mut self, now: SimTime, events: u64, memory_bytes: impl FnOnce() -> u64) -> Option<Stopped> {
        self.next_check = events + CHECK_EVERY;
        let (start, before) = self.window;
        if now.since(start) >= SimTime::from_s(1.0) {
            self.window = (now, events);
        } else if events - before > self.max_events_per_s {
            return Some(Stopped {
                t_s: now.as_s(),
                budget: "events_per_s",
                message: format!(
                    "stopped at {:.3} s: more than {} events within one simulated second. A loop of calls that take no time, or a load far beyond what the design can serve, does that; raise settings.limits.max_events_per_s if the design really needs it",
                    now.as_s(),
                    self.max_events_per_s
                ),
            });
        }
        let bytes = memory_bytes();
        (bytes > self.max_memory_bytes).then(|| Stopped {
            t_s: now.as_s(),
            budget: "memory",
            message: format!(
                "stopped at {:.3} s: the run's state took {:.0} MB, over its budget of {:.0} MB (requests piling up in queues, a cache or a queue's backlog growing without bound); bound the queues or raise settings.limits.max_memory_mb",
                now.as_s(),
                bytes as f64 / 1e6,
                self.max_memory_bytes as f64 / 1e6
            ),
        })
    }
}
