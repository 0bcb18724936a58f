//! The behaviour every component kind implements, and the context it acts
//! through.

use crate::metrics::ClientMetrics;

use super::network::Link;
use super::report::NodeReport;
use super::request::{Origin, ReqId, Request, Requests};
use super::{EventQueue, SimTime};

/// Why a call failed, as its caller sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Refused for lack of capacity (a full queue, a connection limit).
    Rejected,
    /// An error reply.
    Error,
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
    /// A node (or one replica of it, unless [`ANY_REPLICA`]) crashes
    /// (`up` false) or recovers (`up` true).
    Fault {
        /// Node index.
        node: u32,
        /// Replica, or [`ANY_REPLICA`] for all.
        replica: u32,
        /// Recovers rather than crashes.
        up: bool,
    },
}

/// Something that happened to a node, for the report's `events`.
#[derive(Clone, Debug, PartialEq)]
pub struct Logged {
    /// When.
    pub t: SimTime,
    /// Node index.
    pub node: u32,
    /// What, in one word (`crash`, `recover`, `unhealthy`, `healthy`).
    pub what: &'static str,
    /// A sentence for people.
    pub detail: String,
}

/// The world components act in, and all they may touch while handling an
/// event: the clock and pending events, the live requests, the links, the
/// client metrics, which replicas are up, and the event log.
pub struct Ctx {
    /// Pending events (and the clock).
    pub queue: EventQueue<Event>,
    /// Live requests.
    pub requests: Requests,
    /// All links, by edge index.
    pub links: Vec<Link>,
    /// Client-level metrics.
    pub metrics: ClientMetrics,
    /// Per node, per replica: whether it is up (not crashed): the one
    /// record of it, which health checks observe; only the node it
    /// describes changes it.
    pub up: Vec<Vec<bool>>,
    /// What happened to nodes, in time order.
    pub log: Vec<Logged>,
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

impl Ctx {
    /// The current simulated time.
    pub fn now(&self) -> SimTime {
        self.queue.now()
    }

    /// Sends a call over link `edge` on behalf of `parent` (whose class,
    /// key, session and deadline it inherits), to `replica` of the callee
    /// (or [`ANY_REPLICA`]). Returns the child's id.
    pub fn call(&mut self, template: &Request, origin: Origin, edge: u32, replica: u32) -> ReqId {
        let link = &mut self.links[edge as usize];
        let arrive = self.queue.now().after(link.latency());
        let child = Request {
            origin,
            caller: link.from,
            edge,
            at: link.to,
            replica,
            arrived: arrive,
            next_call: 0,
            abandoned: false,
            ..*template
        };
        let id = self.requests.insert(child);
        self.queue.schedule(arrive, Event::Deliver(id));
        id
    }

    /// Sends the reply of `req` back over its link. A fire-and-forget call
    /// has nobody to reply to: it simply ends.
    pub fn reply(&mut self, req: ReqId, result: CallResult) {
        let Some(r) = self.requests.get(req) else { return };
        if r.origin == Origin::Detached {
            self.requests.remove(req);
            return;
        }
        let arrive = self.queue.now().after(self.links[r.edge as usize].latency());
        self.queue.schedule(arrive, Event::Reply(req, result));
    }

    /// Records an event of `node` now.
    pub fn log(&mut self, node: u32, what: &'static str, detail: String) {
        let t = self.now();
        self.log.push(Logged { t, node, what, detail });
    }

    /// Schedules `node`'s `timer` at `time`.
    pub fn set_timer(&mut self, node: u32, timer: Timer, time: SimTime) {
        self.queue.schedule(time, Event::Timer { node, timer });
    }
}

/// One component kind's behaviour. Each handler runs at the current time
/// and acts only through the [`Ctx`].
pub trait Behavior {
    /// Sets initial timers (clients start their traffic here).
    fn start(&mut self, _ctx: &mut Ctx) {}

    /// A timer set by this component fired.
    fn on_timer(&mut self, _ctx: &mut Ctx, _timer: Timer) {}

    /// A request arrived (`Request::at` is this node).
    fn on_deliver(&mut self, ctx: &mut Ctx, req: ReqId);

    /// Work on `req` scheduled by this component finished.
    fn on_done(&mut self, _ctx: &mut Ctx, _req: ReqId) {}

    /// The reply to a call this component made arrived. `child` is the call
    /// (already removed from the slab); its `origin` names the waiting
    /// request, or it is a client's own request.
    fn on_reply(&mut self, ctx: &mut Ctx, child: Request, result: CallResult);

    /// Crash (`up` false) or recover `replica` of this node
    /// ([`ANY_REPLICA`]: all of them): a scheduled or live fault.
    fn on_fault(&mut self, _ctx: &mut Ctx, _replica: u32, _up: bool) {}

    /// The node's figures for the report, measured up to `now`.
    fn report(&self, now: SimTime) -> NodeReport;
}
