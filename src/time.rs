//! Simulated time: a `u64` count of nanoseconds since the run started.

use serde::Serialize;

/// A point in (or a span of) simulated time, in nanoseconds.
///
/// Integer time makes event ordering exact and identical on every platform;
/// 2^64 ns is about 584 years.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SimTime(pub u64);

impl SimTime {
    /// Time zero.
    pub const ZERO: SimTime = SimTime(0);
    /// The end of time (never reached).
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// From milliseconds (rounded to the nearest ns; negative and NaN give 0).
    pub fn from_ms(ms: f64) -> SimTime {
        SimTime(round_ns(ms * 1e6))
    }

    /// From seconds (rounded to the nearest ns; negative and NaN give 0).
    pub fn from_s(s: f64) -> SimTime {
        SimTime(round_ns(s * 1e9))
    }

    /// As seconds.
    pub fn as_s(self) -> f64 {
        self.0 as f64 / 1e9
    }

    /// `self + span`, saturating at [`SimTime::MAX`].
    pub fn after(self, span: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(span.0))
    }

    /// `self − earlier`, or zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(earlier.0))
    }
}

/// Rounds a non-negative ns count to the nearest `u64` (saturating at
/// 2^63 − 1, about 292 years; negative and NaN → 0). Adding 0.5 and
/// truncating is exact IEEE arithmetic, identical on every platform, and
/// cheaper than `f64::round`; truncating to `i64` is one instruction on
/// x86-64 and Wasm, where `u64` needs several.
fn round_ns(ns: f64) -> u64 {
    ((ns + 0.5) as i64).max(0) as u64
}
