//! Requests as entities, kept in a slab of reusable slots.
//!
//! A request is created by a client (a root request) or by a node calling
//! another (a child). Ids carry a generation, so an event that outlives its
//! request (a timeout after the reply) is recognised as stale. Memory grows
//! with requests in flight, not with requests served.

use crate::model::RequestClass;

use super::SimTime;

/// Handle to a live request: slot index plus generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReqId {
    index: u32,
    generation: u32,
}

/// Where a request's reply goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A client's own request: the reply ends it.
    Client,
    /// A synchronous call made while handling `parent` at the caller.
    Call {
        /// The caller's request, waiting for this reply.
        parent: ReqId,
    },
    /// A fire-and-forget call: nobody waits for the reply.
    Detached,
}

/// One request in flight.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    /// Client node index that started the request tree.
    pub client: u32,
    /// Read, write or other.
    pub class: RequestClass,
    /// Key touched (rank under the client's key law, 1-based).
    pub key: u64,
    /// Session id.
    pub session: u64,
    /// Client deadline of the tree.
    pub deadline: SimTime,
    /// When the client issued the root request.
    pub born: SimTime,
    /// Who waits for the reply.
    pub origin: Origin,
    /// The calling node's index.
    pub caller: u32,
    /// The edge (index in the scenario) the call travels on.
    pub edge: u32,
    /// Node now handling the request.
    pub at: u32,
    /// Replica (of a pool) or backend slot now handling it.
    pub replica: u32,
    /// The worker slot it holds at that instance, while it holds one (see
    /// [`super::workers::Workers`]).
    pub worker: u32,
    /// When it arrived at `at`.
    pub arrived: SimTime,
    /// Next outgoing edge (position in the node's call list) to consider.
    pub next_call: u32,
    /// The client already recorded an outcome (it timed out), or the caller
    /// gave up on this call (its timeout); the rest of the tree still runs
    /// to completion but counts for nothing.
    pub abandoned: bool,
    /// Which try of its call this is: 0 for the first, n for retry n.
    pub attempt: u8,
    /// The backoff wait before this try, ms (0 for the first try).
    pub waited_ms: f32,
}

struct Slot {
    generation: u32,
    request: Option<Request>,
}

/// All live requests.
#[derive(Default)]
pub struct Requests {
    slots: Vec<Slot>,
    free: Vec<u32>,
    live: usize,
}

impl Requests {
    /// Stores a request and returns its id, reusing a free slot if any.
    pub fn insert(&mut self, request: Request) -> ReqId {
        self.live += 1;
        if let Some(index) = self.free.pop() {
            let slot = &mut self.slots[index as usize];
            slot.request = Some(request);
            return ReqId { index, generation: slot.generation };
        }
        let index = u32::try_from(self.slots.len()).unwrap_or(u32::MAX);
        self.slots.push(Slot { generation: 0, request: Some(request) });
        ReqId { index, generation: 0 }
    }

    /// The request, if `id` is still live.
    pub fn get(&self, id: ReqId) -> Option<&Request> {
        let slot = self.slots.get(id.index as usize)?;
        if slot.generation == id.generation {
            slot.request.as_ref()
        } else {
            None
        }
    }

    /// Whether `id` is still live (its slot has not been freed since),
    /// without a branch on the answer: a slot's generation moves on when
    /// it is freed.
    #[inline(always)]
    pub fn is_live(&self, id: ReqId) -> bool {
        self.slots.get(id.index as usize).is_some_and(|slot| slot.generation == id.generation)
    }

    /// The request, mutably, if `id` is still live.
    pub fn get_mut(&mut self, id: ReqId) -> Option<&mut Request> {
        let slot = self.slots.get_mut(id.index as usize)?;
        if slot.generation == id.generation {
            slot.request.as_mut()
        } else {
            None
        }
    }

    /// Frees the slot of `id` and returns its request (None if stale).
    pub fn remove(&mut self, id: ReqId) -> Option<Request> {
        let slot = self.slots.get_mut(id.index as usize)?;
        if slot.generation != id.generation {
            return None;
        }
        let request = slot.request.take()?;
        slot.generation = slot.generation.wrapping_add(1);
        self.free.push(id.index);
        self.live -= 1;
        Some(request)
    }

    /// Number of live requests.
    pub fn live(&self) -> usize {
        self.live
    }

    /// Bytes the table takes (its slots, live or free).
    pub fn memory_bytes(&self) -> u64 {
        (self.slots.capacity() * std::mem::size_of::<Slot>() + self.free.capacity() * 4) as u64
    }

    /// The ids of the live requests at node `node` that still have a
    /// caller waiting (not fire-and-forget, not orphaned), in slot order.
    pub fn held_at(&self, node: u32) -> Vec<ReqId> {
        (self.slots.iter().enumerate())
            .filter(|(_, s)| s.request.is_some_and(|r| r.at == node && r.origin != Origin::Detached))
            .map(|(i, s)| ReqId { index: i as u32, generation: s.generation })
            .collect()
    }

    /// Every live request.
    pub fn iter(&self) -> impl Iterator<Item = &Request> {
        self.slots.iter().filter_map(|s| s.request.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_slot_fits_the_bytes_the_memory_estimates_assume() {
        // `Scenario::warnings` and the memory budget count REQUEST_BYTES a
        // request; a slot and its free-list entry must not take more.
        let bytes = std::mem::size_of::<Slot>() + 4;
        assert!(bytes as u64 <= crate::model::REQUEST_BYTES, "{bytes} bytes");
    }
}
