//! One server instance's worker slots (threads, connections) and its FIFO
//! accept queue, shared by the kinds that have them (a pool's replica, a
//! database instance). A crash resets its connections: every request it
//! holds or queues fails at once.

use std::collections::VecDeque;

use slab::Slab;

use crate::metrics::NodeStats;

use super::component::Ctx;
use super::event::Failure;
use super::request::{ReqId, Request, Requests};
use super::SimTime;

/// `Request::next_call` of a request whose instance crashed under it: its
/// pending events are ignored.
const ABORTED: u32 = u32::MAX;

/// What became of a request offered to an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// A worker was free: it holds the request now (its slot is in
    /// `Request::worker`).
    Started,
    /// Every worker was busy: the request waits in the queue.
    Queued,
    /// The queue was full: the request is refused.
    Full,
}

/// A queued request that got a worker.
#[derive(Clone, Copy, Debug)]
pub struct Dequeued {
    /// The request.
    pub req: ReqId,
    /// When it arrived at the instance.
    pub arrived: SimTime,
    /// The worker slot it holds.
    pub worker: u32,
}

/// Worker slots and the accept queue of one instance.
///
/// A request holding a worker records its slot (`Request::worker`, a key
/// of the `slab` crate's free-list vector), so freeing the worker takes
/// constant time, whatever the number of workers (a search would also
/// mispredict a branch per request: where the request sits among the busy
/// workers is random). The hot methods are forced inline: out of line,
/// saving and restoring registers cost more than their work.
#[derive(Default)]
pub struct Workers {
    /// The request each busy worker holds (in service or waiting on a
    /// call), by worker slot.
    held: Slab<ReqId>,
    queue: VecDeque<ReqId>,
}

impl Workers {
    /// Workers busy now.
    pub fn busy(&self) -> u32 {
        self.held.len() as u32
    }

    /// Requests waiting in the queue now.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Offers `request` (`req`) to this instance, number `instance` of its
    /// node, of `workers` slots and a queue of `queue_capacity`; the
    /// request records the instance and the worker slot it gets.
    #[inline(always)]
    pub fn admit(
        &mut self,
        request: &mut Request,
        req: ReqId,
        instance: usize,
        workers: u32,
        queue_capacity: usize,
    ) -> Admission {
        request.replica = instance as u32;
        if self.busy() < workers {
            request.worker = self.held.insert(req) as u32;
            Admission::Started
        } else if self.queue.len() < queue_capacity {
            self.queue.push_back(req);
            Admission::Queued
        } else {
            Admission::Full
        }
    }

    /// The next queued request (still live) if a worker is free; it holds
    /// the worker now, and records its slot.
    #[inline(always)]
    pub fn next_queued(&mut self, requests: &mut Requests, workers: u32) -> Option<Dequeued> {
        while self.busy() < workers {
            let req = self.queue.pop_front()?;
            if let Some(request) = requests.get_mut(req) {
                request.worker = self.held.insert(req) as u32;
                return Some(Dequeued { req, arrived: request.arrived, worker: request.worker });
            }
        }
        None
    }

    /// `req` frees worker slot `worker` (nothing if that slot does not hold
    /// it).
    #[inline(always)]
    pub fn release(&mut self, req: ReqId, worker: u32) {
        if self.held.get(worker as usize) == Some(&req) {
            self.held.remove(worker as usize);
        }
    }

    /// The instance crashed: every request it holds or queues fails with
    /// an error reply now, and `stats` record them (held ones as served
    /// and freeing their worker, queued ones as dropped). Returns how many
    /// were held and queued.
    pub fn fail_all(&mut self, ctx: &mut Ctx, stats: &mut NodeStats) -> (usize, usize) {
        let now = ctx.now();
        let working: Vec<ReqId> = self.held.drain().collect();
        let queued = std::mem::take(&mut self.queue);
        for &req in &working {
            let Some(request) = ctx.requests.get_mut(req) else { continue };
            abort(request);
            let arrived = request.arrived;
            stats.depart(arrived, now);
            stats.busy.add(now, -1);
            ctx.reply(req, Err(Failure::Error));
        }
        for &req in &queued {
            stats.queued.add(now, -1);
            // Counted as dropped only if its arrival was counted (it may
            // have queued since before the end of the warm-up).
            let arrived = ctx.requests.get(req).map_or(now, |r| r.arrived);
            stats.drop_request(arrived, now);
            ctx.reply(req, Err(Failure::Error));
        }
        (working.len(), queued.len())
    }
}

/// Marks `request` as held by an instance that crashed under it: its
/// pending events (work done, replies) are ignored from now on.
pub fn abort(request: &mut Request) {
    request.next_call = ABORTED;
}

/// Replies to `req` for a node that is done with it (a balancer, a
/// gateway), so that a later crash of that node does not fail it again (its
/// reply may still be on the way).
pub fn answer(ctx: &mut Ctx, req: ReqId, result: super::event::CallResult) {
    if let Some(r) = ctx.requests.get_mut(req) {
        abort(r);
    }
    ctx.reply(req, result);
}

/// The request if it is live and its instance did not crash under it.
pub fn active(ctx: &Ctx, req: ReqId) -> Option<Request> {
    ctx.requests.get(req).copied().filter(active_request)
}

/// Whether the instance holding `request` did not crash under it.
pub fn active_request(request: &Request) -> bool {
    request.next_call != ABORTED
}
