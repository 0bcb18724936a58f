//! Which instance of a load balancer takes new requests: the one instance;
//! the active one of an active–passive pair, the standby taking the virtual
//! IP over once the active's crash is noticed (VRRP, as keepalived runs
//! it); or both of an active–active pair in turn, a crashed one leaving
//! rotation once noticed.

use crate::model::{LbPair, PairMode};

use super::SimTime;

/// A balancer's instances, as the traffic sees them.
pub struct Pair {
    cfg: Option<LbPair>,
    /// Active–passive: the instance holding the virtual IP.
    active: usize,
    /// Active–active: the instances in rotation.
    rotation: Vec<usize>,
    turn: usize,
}

impl Pair {
    /// One instance (`None`) or a pair.
    pub fn new(cfg: Option<LbPair>) -> Pair {
        let both = cfg.is_some_and(|c| c.sharing == PairMode::ActiveActive);
        Pair { cfg, active: 0, rotation: if both { vec![0, 1] } else { vec![0] }, turn: 0 }
    }

    /// The instance the next request goes to.
    pub fn serving(&mut self) -> usize {
        match self.cfg.map(|c| c.sharing) {
            None => 0,
            Some(PairMode::ActivePassive) => self.active,
            Some(PairMode::ActiveActive) => {
                self.turn = self.turn.wrapping_add(1);
                self.rotation.get(self.turn % self.rotation.len().max(1)).copied().unwrap_or(0)
            }
        }
    }

    /// How long after a crash or a recovery the pair acts on it (None for
    /// a single instance).
    pub fn detection(&self) -> Option<SimTime> {
        self.cfg.map(|c| {
            let takeover = if c.sharing == PairMode::ActivePassive { c.takeover_s } else { 0.0 };
            SimTime::from_s(c.detection_s + takeover)
        })
    }

    /// The pair acts on which instances are `up`: a standby takes over
    /// from a crashed active; the rotation follows. Returns what changed.
    pub fn notice(&mut self, up: &[bool]) -> Option<String> {
        match self.cfg?.sharing {
            PairMode::ActivePassive => {
                let standby = 1 - self.active;
                (!up[self.active] && up[standby]).then(|| {
                    self.active = standby;
                    format!("instance {standby} took the virtual IP over")
                })
            }
            PairMode::ActiveActive => {
                let live: Vec<usize> = (0..up.len()).filter(|&k| up[k]).collect();
                (live != self.rotation).then(|| {
                    self.rotation = live;
                    format!("instances in rotation: {:?}", self.rotation)
                })
            }
        }
    }

    /// What the event log calls instance `k`.
    pub fn name(&self, k: usize) -> String {
        match self.cfg {
            None => "load balancer".to_owned(),
            Some(_) => format!("load balancer instance {k}"),
        }
    }
}
