//! The wiring table: which kind may call which, and how. `validate`, the
//! editor's connect gesture and (through `validate`) the engine all ask it,
//! so a pair the editor lets a user draw is a pair the engine simulates.

use super::{CallMode, ComponentGroup, NodeKind};

/// How a caller kind may call a callee kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wiring {
    /// Only a synchronous call (the caller waits for the reply).
    Sync,
    /// A synchronous call, or an asynchronous one (send and continue).
    SyncOrAsync,
    /// Not at all, for the reason given (shown to the user as it is).
    Refused(&'static str),
}

/// Why async calls are refused from the kinds that only call sync
/// (clients, DNS names, balancers, gateways: [`Wiring::Sync`]).
const WAITS: &str = "this caller waits for every reply (it starts or forwards requests): the call must be sync";

/// How `caller` may call `callee`: nothing calls a client (requests start
/// there); otherwise the caller's kind decides ([`super::Kind::may_call`]).
/// Today's kinds give this table, rows in the order a request meets them:
///
/// | caller | may call | mode |
/// | --- | --- | --- |
/// | client | any kind but a client (its entry node) | sync |
/// | DNS name | any kind but a client or a DNS name (its endpoints) | sync |
/// | API gateway | any kind but a client (its routes) | sync |
/// | load balancer | service pools, caches, CDN edges (its backends) | sync |
/// | service pool, cache, CDN edge, queue (its consumers) | any kind but a client | sync or async |
/// | database, partitioned store | nothing: their replicas and partitions are inside them | — |
pub fn wiring(caller: &NodeKind, callee: &NodeKind) -> Wiring {
    let callee = callee.info();
    if callee.group == ComponentGroup::Traffic {
        return Wiring::Refused("nothing can call a client: requests start there");
    }
    caller.may_call(callee)
}

/// Why `caller` may not call `callee` in `mode`, if it may not.
pub fn wiring_problem(caller: &NodeKind, callee: &NodeKind, mode: CallMode) -> Option<&'static str> {
    match (wiring(caller, callee), mode) {
        (Wiring::Refused(reason), _) => Some(reason),
        (Wiring::Sync, CallMode::Async) => Some(WAITS),
        _ => None,
    }
}
