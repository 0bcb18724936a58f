//! A node's outgoing calls, made in edge order: each applies to some request
//! classes and is made with some probability; fire-and-forget calls go at
//! once, and a synchronous call is awaited before the next one is made.

use crate::model::CallMode;

use super::component::Ctx;
use super::event::ANY_REPLICA;
use super::random::{self, Stream};
use super::request::{Origin, ReqId, Request};

/// The outgoing edges (indices) of a node, in call order.
pub struct Calls {
    edges: Vec<u32>,
    rng: Stream,
}

impl Calls {
    /// Calls over `edges` (in order), drawing "is this call made" from
    /// `rng`.
    pub fn new(edges: Vec<u32>, rng: Stream) -> Self {
        Calls { edges, rng }
    }

    /// Makes the calls of `req` (whose value is `request`) from its
    /// `next_call` position on. Returns true when a synchronous call was
    /// sent (its reply resumes the request), false when no call is left.
    #[inline]
    pub fn advance(&mut self, ctx: &mut Ctx, req: ReqId, request: &Request) -> bool {
        // Inline: a node without calls (or past its last) returns at once.
        (request.next_call as usize) < self.edges.len() && self.call_next(ctx, req)
    }

    /// [`Calls::advance`] when a call is left (out of line; it reads the
    /// request itself, so that a caller with no call left needs only the
    /// few fields it reads, not a copy of the request).
    #[inline(never)]
    fn call_next(&mut self, ctx: &mut Ctx, req: ReqId) -> bool {
        let Some(request) = ctx.requests.get(req).copied() else { return false };
        for position in request.next_call as usize..self.edges.len() {
            let edge = self.edges[position];
            let link = &ctx.links[edge as usize];
            if !link.applies_to(request.class) {
                continue;
            }
            if link.probability < 1.0 && random::unit(&mut self.rng) >= link.probability {
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
