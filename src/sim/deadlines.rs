//! Deadlines of requests in flight, for a client's timeout and for a
//! link's try timeout: one list per owner, in deadline order, with a
//! single pending timer at the earliest deadline that still matters,
//! instead of one timer event per request. Nearly every request is
//! answered before its deadline, so one timer each would fill the event
//! heap with events that fire for nothing (with a 1 s try timeout on the
//! seven calls of the 10-node benchmark design, the run took 1.6 times as
//! long).

use std::collections::VecDeque;

use super::request::{ReqId, Requests};
use super::SimTime;

/// Fewest entries before answered requests are forgotten. With a few
/// requests in flight, the list then stays within 4 KB and is scanned
/// about once per 250 requests (256 rather than 64 saves 6.5 of the 1,619
/// instructions per M/M/10 customer).
const MIN_PRUNE: usize = 256;

/// Requests and their deadlines, in deadline order.
pub struct Deadlines {
    list: VecDeque<(SimTime, ReqId)>,
    /// Length at which answered requests are next forgotten.
    prune_at: usize,
    /// The latest deadline added so far: an earlier one (the timeout was
    /// shortened during the run) goes in place, not at the back. (The
    /// back's deadline while the list is not empty; kept apart because
    /// reading a `VecDeque`'s back costs more on every request than this
    /// compare.)
    latest: SimTime,
    /// When the earliest pending timer fires ([`SimTime::MAX`]: none is
    /// pending).
    armed: SimTime,
}

impl Deadlines {
    /// An empty list with no timer pending.
    pub fn new() -> Self {
        Deadlines { list: VecDeque::new(), prune_at: MIN_PRUNE, latest: SimTime::ZERO, armed: SimTime::MAX }
    }

    /// Adds request `id`, due at `deadline`. Returns the time for which the
    /// owner must set a timer (`deadline`, when no pending timer fires by
    /// then).
    #[inline(always)]
    pub fn add(&mut self, deadline: SimTime, id: ReqId, requests: &Requests) -> Option<SimTime> {
        if self.list.len() >= self.prune_at {
            self.forget_answered(requests);
        }
        if deadline < self.latest {
            let at = self.list.partition_point(|&(d, _)| d <= deadline);
            self.list.insert(at, (deadline, id));
        } else {
            self.latest = deadline;
            self.list.push_back((deadline, id));
        }
        self.arm(deadline)
    }

    /// Called from the owner's timer, fired at `now` (so no longer
    /// pending): removes and returns the next request due by `now` for
    /// which `waiting` holds, forgetting the others before it; None when
    /// the earliest one still waiting is not due yet (or none is left).
    /// Then [`Deadlines::rearm`] says when to look again.
    pub fn pop_due(&mut self, now: SimTime, waiting: impl Fn(ReqId) -> bool) -> Option<ReqId> {
        if self.armed <= now {
            self.armed = SimTime::MAX;
        }
        while let Some(&(deadline, id)) = self.list.front() {
            let live = waiting(id);
            if live && deadline > now {
                return None;
            }
            self.list.pop_front();
            if live {
                return Some(id);
            }
        }
        None
    }

    /// The time for which the owner must set a timer after
    /// [`Deadlines::pop_due`] returned None: the earliest deadline left,
    /// when no pending timer fires by then.
    pub fn rearm(&mut self) -> Option<SimTime> {
        let &(deadline, _) = self.list.front()?;
        self.arm(deadline)
    }

    /// Request `new` (a retry) takes over the deadline of `old`.
    pub fn replace(&mut self, old: ReqId, new: ReqId) {
        if let Some(entry) = self.list.iter_mut().rev().find(|(_, id)| *id == old) {
            entry.1 = new;
        }
    }

    #[inline(always)]
    fn arm(&mut self, deadline: SimTime) -> Option<SimTime> {
        (deadline < self.armed).then(|| {
            self.armed = deadline;
            deadline
        })
    }

    /// Forgets answered requests, run whenever the list doubled since last
    /// time, so that it holds about the requests in flight, not every
    /// request ever added. Checking the oldest at every request would
    /// mispredict a branch per request (whether it is answered is random),
    /// and so would `retain`: the list is compacted by writing every entry
    /// and advancing past the live ones only.
    fn forget_answered(&mut self, requests: &Requests) {
        let list = self.list.make_contiguous();
        let mut kept = 0;
        for i in 0..list.len() {
            let entry = list[i];
            list[kept] = entry;
            kept += usize::from(requests.is_live(entry.1));
        }
        self.list.truncate(kept);
        self.prune_at = MIN_PRUNE.max(2 * kept);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RequestClass;
    use crate::sim::request::{Origin, Request};

    fn request() -> Request {
        Request {
            client: 0,
            class: RequestClass::Read,
            key: 1,
            session: 0,
            deadline: SimTime::MAX,
            born: SimTime::ZERO,
            origin: Origin::Client,
            caller: 0,
            edge: 0,
            at: 1,
            replica: 0,
            worker: 0,
            arrived: SimTime::ZERO,
            next_call: 0,
            abandoned: false,
            attempt: 0,
            waited_ms: 0.0,
        }
    }

    #[test]
    fn due_requests_come_in_deadline_order_and_answered_ones_are_skipped() {
        let mut requests = Requests::default();
        let ids: Vec<ReqId> = (0..3).map(|_| requests.insert(request())).collect();
        let mut d = Deadlines::new();
        // Only the first deadline needs a timer: later ones wait behind it.
        assert_eq!(d.add(SimTime(10), ids[0], &requests), Some(SimTime(10)));
        assert_eq!(d.add(SimTime(20), ids[1], &requests), None);
        assert_eq!(d.add(SimTime(30), ids[2], &requests), None);
        requests.remove(ids[0]);
        let live = |id| requests.is_live(id);
        assert_eq!(d.pop_due(SimTime(25), live), Some(ids[1]));
        assert_eq!(d.pop_due(SimTime(25), live), None);
        // The timer that fired is spent: the next one is for 30.
        assert_eq!(d.rearm(), Some(SimTime(30)));
        assert_eq!(d.rearm(), None);
    }

    #[test]
    fn a_shorter_deadline_goes_in_place_and_gets_an_earlier_timer() {
        let mut requests = Requests::default();
        let (a, b) = (requests.insert(request()), requests.insert(request()));
        let mut d = Deadlines::new();
        assert_eq!(d.add(SimTime(100), a, &requests), Some(SimTime(100)));
        assert_eq!(d.add(SimTime(50), b, &requests), Some(SimTime(50)));
        let live = |id| requests.is_live(id);
        assert_eq!(d.pop_due(SimTime(50), live), Some(b));
        assert_eq!(d.pop_due(SimTime(50), live), None);
        // Only the earliest pending timer is tracked: the one for 100 set
        // first is forgotten, so another is asked for (the spare fires for
        // nothing).
        assert_eq!(d.rearm(), Some(SimTime(100)));
    }

    #[test]
    fn answered_requests_are_forgotten_once_the_list_doubled() {
        let mut requests = Requests::default();
        let mut d = Deadlines::new();
        for t in 0..MIN_PRUNE as u64 {
            let id = requests.insert(request());
            d.add(SimTime(1_000 + t), id, &requests);
            requests.remove(id);
        }
        let last = requests.insert(request());
        d.add(SimTime(2_000), last, &requests);
        assert_eq!(d.list.iter().map(|&(_, id)| id).collect::<Vec<_>>(), [last]);
        assert_eq!(d.prune_at, MIN_PRUNE);
    }
}
