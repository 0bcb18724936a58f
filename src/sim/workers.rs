//! One server instance's worker slots (threads, connections) and its FIFO
//! accept queue, shared by the kinds that have them (a pool's replica, a
//! database instance). A crash resets its connections: every request it
//! holds or queues fails at once.

use std::collections::VecDeque;

use crate::metrics::NodeStats;

use super::component::{Ctx, Failure};
use super::request::{ReqId, Request};

/// `Request::next_call` of a request whose instance crashed under it: its
/// pending events are ignored.
const ABORTED: u32 = u32::MAX;

/// What became of a request offered to an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// A worker was free: it holds the request now.
    Started,
    /// Every worker was busy: the request waits in the queue.
    Queued,
    /// The queue was full: the request is refused.
    Full,
}

/// Worker slots and the accept queue of one instance.
#[derive(Default)]
pub struct Workers {
    /// Requests holding a worker (in service or waiting on a call).
    working: Vec<ReqId>,
    queue: VecDeque<ReqId>,
}

impl Workers {
    /// Workers busy now.
    pub fn busy(&self) -> u32 {
        self.working.len() as u32
    }

    /// Requests waiting in the queue now.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// Offers `req` to an instance of `workers` slots and a queue of
    /// `queue_capacity`.
    pub fn admit(&mut self, req: ReqId, workers: u32, queue_capacity: usize) -> Admission {
        if self.busy() < workers {
            self.working.push(req);
            Admission::Started
        } else if self.queue.len() < queue_capacity {
            self.queue.push_back(req);
            Admission::Queued
        } else {
            Admission::Full
        }
    }

    /// The next queued request if a worker is free; it holds the worker.
    pub fn next_queued(&mut self, workers: u32) -> Option<ReqId> {
        if self.busy() >= workers {
            return None;
        }
        let next = self.queue.pop_front()?;
        self.working.push(next);
        Some(next)
    }

    /// `req` frees its worker.
    pub fn release(&mut self, req: ReqId) {
        if let Some(k) = self.working.iter().position(|w| *w == req) {
            self.working.swap_remove(k);
        }
    }

    /// The instance crashed: every request it holds or queues fails with
    /// an error reply now, and `stats` record them (held ones as served
    /// and freeing their worker, queued ones as dropped). Returns how many
    /// were held and queued.
    pub fn fail_all(&mut self, ctx: &mut Ctx, stats: &mut NodeStats) -> (usize, usize) {
        let now = ctx.now();
        let (working, queued) = (std::mem::take(&mut self.working), std::mem::take(&mut self.queue));
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
            stats.drop_request(now, now);
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

/// The request if it is live and its instance did not crash under it.
pub fn active(ctx: &Ctx, req: ReqId) -> Option<Request> {
    ctx.requests.get(req).copied().filter(active_request)
}

/// Whether the instance holding `request` did not crash under it.
pub fn active_request(request: &Request) -> bool {
    request.next_call != ABORTED
}
