//! A token-bucket rate limiter: tokens accrue at a rate up to a burst, a
//! request takes one or is refused.

use crate::model::RateLimit;

use super::SimTime;

/// A token bucket in a run.
pub struct TokenBucket {
    /// Tokens per ns.
    rate: f64,
    burst: f64,
    tokens: f64,
    last: SimTime,
}

impl TokenBucket {
    /// A full bucket for `limit`.
    pub fn new(limit: &RateLimit) -> TokenBucket {
        let burst = f64::from(limit.burst.max(1));
        TokenBucket { rate: limit.rate_rps / 1e9, burst, tokens: burst, last: SimTime::ZERO }
    }

    /// Takes a token at `now` if there is one.
    pub fn take(&mut self, now: SimTime) -> bool {
        let elapsed = now.since(self.last).0 as f64;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.last = now;
        let ok = self.tokens >= 1.0;
        if ok {
            self.tokens -= 1.0;
        }
        ok
    }

    /// New parameters from now on, keeping the tokens there are (up to the
    /// new burst); a limiter that just appeared starts full.
    pub fn reconfigure(current: Option<TokenBucket>, limit: Option<&RateLimit>) -> Option<TokenBucket> {
        let limit = limit?;
        let mut next = TokenBucket::new(limit);
        if let Some(old) = current {
            (next.tokens, next.last) = (old.tokens.min(next.burst), old.last);
        }
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_the_burst_then_the_rate() {
        let mut b = TokenBucket::new(&RateLimit { rate_rps: 10.0, burst: 3 });
        let t0 = SimTime::from_s(1.0);
        assert_eq!((0..5).filter(|_| b.take(t0)).count(), 3);
        // 0.25 s later: 2.5 tokens accrued, 2 whole.
        let t1 = SimTime::from_s(1.25);
        assert_eq!((0..5).filter(|_| b.take(t1)).count(), 2);
        // Never more than the burst, however long the pause.
        assert_eq!((0..10).filter(|_| b.take(SimTime::from_s(100.0))).count(), 3);
    }
}
