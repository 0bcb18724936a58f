//! The wiring table: which kind may call which, and how. `validate`, the
//! editor's connect gesture and (through `validate`) the engine all ask it,
//! so a pair the editor lets a user draw is a pair the engine simulates.

use super::{CallMode, NodeKind};

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

/// Why async calls are refused from clients, balancers and DNS names.
const WAITS: &str = "clients, load balancers and DNS wait for replies: the call must be sync";

/// The table. Rows are callers, in the order a request meets them:
///
/// | caller | may call | mode |
/// | --- | --- | --- |
/// | client | any kind but a client (its entry node) | sync |
/// | DNS name | any kind but a client or a DNS name (its endpoints) | sync |
/// | load balancer | service pools, caches, CDN edges (its backends) | sync |
/// | service pool, cache, CDN edge, queue (its consumers) | any kind but a client | sync or async |
/// | database, partitioned store | nothing: their replicas and partitions are inside them | — |
pub fn wiring(caller: &NodeKind, callee: &NodeKind) -> Wiring {
    use NodeKind as K;
    match (caller, callee) {
        (_, K::Client(_)) => Wiring::Refused("nothing can call a client: requests start there"),
        (K::Database(_), _) => {
            Wiring::Refused("a database calls no other node: its replicas are part of it (call it from a service pool)")
        }
        (K::PartitionedStore(_), _) => Wiring::Refused(
            "a partitioned store calls no other node: its partitions are part of it (call it from a service pool)",
        ),
        (K::LoadBalancer(_), K::Service(_) | K::Cache(_) | K::Cdn(_)) => Wiring::Sync,
        (K::LoadBalancer(_), K::LoadBalancer(_)) => {
            Wiring::Refused("a load balancer forwards to service pools, not to another balancer")
        }
        (K::LoadBalancer(_), _) => Wiring::Refused(
            "a load balancer forwards to service pools, caches or CDN edges; call databases, stores, queues and DNS from a service pool",
        ),
        (K::Dns(_), K::Dns(_)) => Wiring::Refused("a DNS name answers with endpoints, not with another DNS name"),
        (K::Client(_) | K::Dns(_), _) => Wiring::Sync,
        (K::Service(_) | K::Cache(_) | K::Cdn(_) | K::Queue(_), _) => Wiring::SyncOrAsync,
    }
}

/// Why `caller` may not call `callee` in `mode`, if it may not.
pub fn wiring_problem(caller: &NodeKind, callee: &NodeKind, mode: CallMode) -> Option<&'static str> {
    match (wiring(caller, callee), mode) {
        (Wiring::Refused(reason), _) => Some(reason),
        (Wiring::Sync, CallMode::Async) => Some(WAITS),
        _ => None,
    }
}
