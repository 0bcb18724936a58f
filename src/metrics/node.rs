//! Per-node statistics: counts, waits, responses and time averages.

use crate::time::SimTime;

use super::TimeIntegral;

/// What a node saw of the requests that arrived after the warm-up, plus
/// time averages from the warm-up on.
#[derive(Clone, Debug)]
pub struct NodeStats {
    warmup: SimTime,
    /// Requests that arrived.
    pub arrivals: u64,
    /// Requests that left with a reply (success or error) after service.
    pub served: u64,
    /// Requests refused on arrival (full queue, connection limit).
    pub dropped: u64,
    /// Served requests that had to wait in the queue.
    pub waited: u64,
    wait_sum_ns: u128,
    response_sum_ns: u128,
    /// Busy workers (or cores), summed over replicas.
    pub busy: TimeIntegral,
    /// Requests waiting in queues, summed over replicas.
    pub queued: TimeIntegral,
    /// Requests in the node (queued + in service, including those holding
    /// a worker while waiting for a downstream call).
    pub in_system: TimeIntegral,
}

impl NodeStats {
    /// Empty statistics counting from `warmup`.
    pub fn new(warmup: SimTime) -> Self {
        NodeStats {
            warmup,
            arrivals: 0,
            served: 0,
            dropped: 0,
            waited: 0,
            wait_sum_ns: 0,
            response_sum_ns: 0,
            busy: TimeIntegral::new(warmup),
            queued: TimeIntegral::new(warmup),
            in_system: TimeIntegral::new(warmup),
        }
    }

    /// Whether a request that arrived at `arrived` counts (after the
    /// warm-up).
    pub fn counts(&self, arrived: SimTime) -> bool {
        arrived >= self.warmup
    }

    /// A request arrived at `now`.
    pub fn arrive(&mut self, now: SimTime) {
        if self.counts(now) {
            self.arrivals += 1;
        }
        self.in_system.add(now, 1);
    }

    /// The request that arrived at `arrived` was refused at `now`.
    pub fn drop_request(&mut self, arrived: SimTime, now: SimTime) {
        if self.counts(arrived) {
            self.dropped += 1;
        }
        self.in_system.add(now, -1);
    }

    /// The request that arrived at `arrived` entered service at `now`.
    pub fn start(&mut self, arrived: SimTime, now: SimTime) {
        if self.counts(arrived) {
            let wait = now.since(arrived).0;
            self.wait_sum_ns += u128::from(wait);
            self.waited += u64::from(wait > 0);
        }
    }

    /// The request that arrived at `arrived` left with its reply at `now`.
    pub fn depart(&mut self, arrived: SimTime, now: SimTime) {
        if self.counts(arrived) {
            self.served += 1;
            self.response_sum_ns += u128::from(now.since(arrived).0);
        }
        self.in_system.add(now, -1);
    }

    /// Workers (or cores, connections, consumers) busy and requests queued
    /// now.
    pub fn load(&self) -> (u32, usize) {
        (self.busy.level() as u32, self.queued.level() as usize)
    }

    /// Mean queueing delay of served requests, ms.
    pub fn mean_wait_ms(&self) -> f64 {
        ratio(self.wait_sum_ns as f64 / 1e6, self.served)
    }

    /// Mean time in the node of served requests, ms.
    pub fn mean_response_ms(&self) -> f64 {
        ratio(self.response_sum_ns as f64 / 1e6, self.served)
    }

    /// Share of served requests that waited (P(W > 0), Erlang C for M/M/c).
    pub fn p_wait(&self) -> f64 {
        ratio(self.waited as f64, self.served)
    }

    /// Accepted arrival rate λ (arrivals not refused) over the measured
    /// period ending `now`, req/s.
    pub fn accepted_rate_rps(&self, now: SimTime) -> f64 {
        self.rate_rps(self.arrivals - self.dropped, now)
    }

    /// Offered arrival rate (every arrival, refused or not) over the
    /// measured period ending `now`, req/s.
    pub fn offered_rate_rps(&self, now: SimTime) -> f64 {
        self.rate_rps(self.arrivals, now)
    }

    fn rate_rps(&self, n: u64, now: SimTime) -> f64 {
        let span = now.since(self.warmup).as_s();
        if span > 0.0 {
            n as f64 / span
        } else {
            0.0
        }
    }
}

fn ratio(sum: f64, n: u64) -> f64 {
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}
