//! Passive outlier detection at a balancer (Envoy's consecutive-5xx
//! detector): backends whose replies keep failing leave rotation for a
//! growing time, within a cap on how many may be out at once.

use crate::model::OutlierDetection;

use super::SimTime;

#[derive(Clone, Copy, Default)]
struct Record {
    /// Failed replies in a row.
    streak: u32,
    /// Times ejected so far.
    ejections: u32,
    /// Out of rotation.
    ejected: bool,
}

/// The detector's view of every backend of a balancer.
pub struct Outliers {
    cfg: OutlierDetection,
    records: Vec<Record>,
}

impl Outliers {
    /// A detector for `backends` backends.
    pub fn new(cfg: OutlierDetection, backends: usize) -> Outliers {
        Outliers { cfg, records: vec![Record::default(); backends] }
    }

    /// Whether backend `b` is ejected now.
    pub fn ejected(&self, b: usize) -> bool {
        self.records[b].ejected
    }

    /// A reply from backend `b` arrived at `now`, failed or not. When it
    /// ejects the backend, returns when it returns and the failures that
    /// ejected it.
    pub fn record(&mut self, b: usize, failed: bool, now: SimTime) -> Option<SimTime> {
        let cap = ((self.records.len() as f64 * self.cfg.max_ejection_percent / 100.0) as usize).max(1);
        let out = self.records.iter().filter(|r| r.ejected).count();
        let r = &mut self.records[b];
        r.streak = if failed { r.streak + 1 } else { 0 };
        if r.ejected || r.streak < self.cfg.consecutive_errors || out >= cap {
            return None;
        }
        (r.ejected, r.streak) = (true, 0);
        r.ejections += 1;
        Some(now.after(SimTime::from_s(self.cfg.base_ejection_s * f64::from(r.ejections))))
    }

    /// The same detector with new parameters (ejections in force stay).
    pub fn reconfigure(self, cfg: OutlierDetection) -> Outliers {
        Outliers { cfg, ..self }
    }

    /// Backend `b` returns to rotation.
    pub fn release(&mut self, b: usize) {
        self.records[b].ejected = false;
    }

    /// Failed replies in a row that eject a backend.
    pub fn threshold(&self) -> u32 {
        self.cfg.consecutive_errors
    }
}
