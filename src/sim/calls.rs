//! A node's outgoing calls, made in edge order: each applies to some request
//! classes and is made with some probability, or a request makes one of
//! the calls of a split; fire-and-forget calls go at once, and a
//! synchronous call is awaited before the next one is made.

use crate::model::{CallMode, Edge};

use super::component::Ctx;
use super::event::ANY_REPLICA;
use super::random::{self, Stream};
use super::request::{Origin, ReqId, Request};

/// The outgoing calls of a node, in call order.
pub struct Calls {
    slots: Vec<Slot>,
    rng: Stream,
}

/// One step of the call order.
enum Slot {
    /// An edge (index), made with its own probability.
    One(u32),
    /// The edges of a split (see [`Edge::split`]), each with the sum of
    /// the probabilities up to and including its own: a request makes the
    /// first whose sum exceeds one uniform draw, or none.
    OneOf(Vec<(u32, f64)>),
}

impl Calls {
    /// Calls over the edges `outgoing` (indices into `edges`, in order), a
    /// split's edges taking the place of the first of them; drawing "is
    /// this call made" and "which of the split" from `rng`.
    pub fn new(edges: &[Edge], outgoing: Vec<u32>, rng: Stream) -> Self {
        let mut slots = Vec::new();
        for k in outgoing {
            let e = &edges[k as usize];
            if e.split.is_empty() {
                slots.push(Slot::One(k));
                continue;
            }
            let same = |members: &Vec<(u32, f64)>| edges[members[0].0 as usize].split == e.split;
            match slots.iter_mut().find_map(|s| match s {
                Slot::OneOf(members) if same(members) => Some(members),
                _ => None,
            }) {
                Some(members) => members.push((k, members[members.len() - 1].1 + e.probability)),
                None => slots.push(Slot::OneOf(vec![(k, e.probability)])),
            }
        }
        Calls { slots, rng }
    }

    /// Makes the calls of `req` (whose value is `request`) from its
    /// `next_call` position on. Returns true when a synchronous call was
    /// sent (its reply resumes the request), false when no call is left.
    #[inline]
    pub fn advance(&mut self, ctx: &mut Ctx, req: ReqId, request: &Request) -> bool {
        // Inline: a node without calls (or past its last) returns at once.
        (request.next_call as usize) < self.slots.len() && self.call_next(ctx, req)
    }

    /// [`Calls::advance`] when a call is left (out of line; it reads the
    /// request itself, so that a caller with no call left needs only the
    /// few fields it reads, not a copy of the request).
    #[inline(never)]
    fn call_next(&mut self, ctx: &mut Ctx, req: ReqId) -> bool {
        let Some(request) = ctx.requests.get(req).copied() else { return false };
        for position in request.next_call as usize..self.slots.len() {
            // The edge, and whether it draws its own coin (a split's member
            // was drawn already).
            let (edge, coin) = match &self.slots[position] {
                &Slot::One(edge) => (edge, true),
                Slot::OneOf(members) => {
                    let u = random::unit(&mut self.rng);
                    match members.iter().find(|m| u < m.1) {
                        Some(&(edge, _)) => (edge, false),
                        None => continue,
                    }
                }
            };
            let link = &ctx.links[edge as usize];
            if !link.applies_to(request.class)
                || (coin && link.probability < 1.0 && random::unit(&mut self.rng) >= link.probability)
            {
                continue;
            }
            match link.mode {
                CallMode::Async => {
                    ctx.call(&request, Origin::Detached, edge, ANY_REPLICA);
                }
                CallMode::Sync => {
                    if let Some(r) = ctx.requests.get_mut(req) {
                        r.next_call = position as u32 + 1;
                    }
                    ctx.call(&request, Origin::Call { parent: req }, edge, ANY_REPLICA);
                    return true;
                }
            }
        }
        false
    }
}
