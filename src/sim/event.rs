//! What the kernel schedules: [`Event`]s (deliveries, completions,
//! replies, timeouts, retries, faults) and the components' own [`Timer`]s,
//! and how a call ends ([`Failure`], [`CallResult`]).

use super::faults::Ways;
use super::request::ReqId;

/// Why a call failed, as its caller sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Refused for lack of capacity (a full queue, a connection limit).
    Rejected,
    /// An error reply.
    Error,
    /// No reply within the caller's timeout.
    Timeout,
    /// Not sent: the caller's own circuit breaker is open or its bulkhead
    /// is full (failing fast).
    Refused,
}

/// The result a reply carries.
pub type CallResult = Result<(), Failure>;

/// Timers a component can set on itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Next candidate arrival of an open-loop client.
    Arrival,
    /// A closed-loop user finished thinking.
    UserReady,
    /// The oldest pending client deadline may have passed.
    Deadlines,
    /// A load balancer probes its backends.
    HealthCheck,
    /// A replica of a pool with random failures fails or is repaired.
    Failure {
        /// Replica index.
        replica: u32,
    },
    /// A step of a database's replication reaches `instance`.
    Replication {
        /// Database instance index.
        instance: u32,
        /// Which step.
        step: ReplicationStep,
    },
    /// A failover deadline: a database promotes a replica if the primary is
    /// still down; a queue's partitions have new leaders.
    Failover,
    /// Something due at a partition: a queue's message becomes visible to
    /// consumers; a partitioned store's leader election ends.
    Partition {
        /// Partition index.
        partition: u32,
    },
    /// A queue's consumer group reassigns its partitions.
    Rebalance,
    /// An autoscaled pool evaluates its policy.
    Scale,
    /// A balancer's ejected backend returns to rotation.
    Outlier {
        /// Backend index.
        backend: u32,
    },
    /// A launched replica of an autoscaled pool enters service.
    Launched {
        /// Replica slot.
        replica: u32,
    },
}

/// The steps of replicating one write, each taking time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplicationStep {
    /// Writes shipped by the primary reach the replica.
    Shipped,
    /// The replica finished applying the write at the head of its backlog.
    Applied,
    /// The replica's acknowledgements reach the primary.
    Acked,
}

/// What the kernel schedules.
#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// A component's own timer.
    Timer {
        /// Node index.
        node: u32,
        /// Which timer.
        timer: Timer,
    },
    /// A request reaches the node it was sent to (`Request::at`).
    Deliver(ReqId),
    /// Work on a request at its node finished (service time, LB processing).
    Done(ReqId),
    /// A reply reaches the request's caller.
    Reply(ReqId, CallResult),
    /// The earliest pending try timeout on link (edge) `.0` is due (see
    /// [`super::deadlines::Deadlines`]).
    Timeouts(u32),
    /// A retry's backoff ended: the caller sends it (the request is the
    /// new try).
    Retry(ReqId),
    /// A fault starts (`on`) or ends at a node, or at one replica of it
    /// (unless [`ANY_REPLICA`]).
    Fault {
        /// Node index.
        node: u32,
        /// Replica, or [`ANY_REPLICA`] for all.
        replica: u32,
        /// Which fault: its index in [`Ctx::faults`](super::component::Ctx::faults).
        fault: u32,
        /// Starts rather than ends.
        on: bool,
    },
    /// A network fault starts (`on`) or ends acting on some messages of a
    /// link.
    LinkFault {
        /// Edge index.
        edge: u32,
        /// Which fault: its index in [`Ctx::faults`](super::component::Ctx::faults).
        fault: u32,
        /// Starts rather than ends.
        on: bool,
        /// Which messages.
        ways: Ways,
    },
}

/// Sentinel replica: "any replica of the pool".
pub const ANY_REPLICA: u32 = u32::MAX;

/// The replicas (or instances) of `n` that a fault on `replica` concerns:
/// all of them for [`ANY_REPLICA`], else that one if it exists.
pub fn fault_targets(replica: u32, n: usize) -> std::ops::Range<usize> {
    if replica == ANY_REPLICA {
        0..n
    } else {
        let r = (replica as usize).min(n);
        r..(r + 1).min(n)
    }
}
