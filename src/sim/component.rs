//! The behaviour every component kind implements, and the context it acts
//! through. What the kernel schedules is in [`super::event`].

use crate::metrics::{ClientMetrics, NodeStats};
use crate::model::{FaultKind, Kind, Node, Scenario};

use super::calls::Calls;
use super::event::{CallResult, Event, Failure, Timer};
use super::faults::{REPLIES, REQUESTS};
use super::guard::{BreakerState, Guard, Transition};
use super::keycache::CacheCounts;
use super::network::Link;
use super::random;
use super::report::NodeReport;
use super::request::{Origin, ReqId, Request, Requests};
use super::{EventQueue, SimTime};

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
    /// Per node, per replica: whether it takes new requests (registered
    /// with balancers and the service registry): false while an autoscaled
    /// replica is off, launching or draining. Same shape as `up`.
    pub in_service: Vec<Vec<bool>>,
    /// Bumped at every change of `in_service`, so balancers notice.
    pub registry_version: u64,
    /// What happened to nodes, in time order.
    pub log: Vec<Logged>,
    /// The kinds of the faults scheduled or injected so far (events refer
    /// to them by index, to stay small).
    pub faults: Vec<FaultKind>,
}

/// A fault's effect on a node that stays up (the normal values when it
/// ends).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Condition {
    /// Service times are multiplied by this (1: healthy).
    Slowdown(f64),
    /// This share of requests fails (0: healthy).
    Errors(f64),
    /// A client's rate is multiplied by this (1: normal).
    Surge(f64),
    /// A cache loses its items (nothing happens when it "ends").
    Flush(bool),
    /// Queue consumers stop taking messages (or start again).
    Stopped(bool),
}

impl Condition {
    /// The effect of node fault `fault` starting (`on`) or ending; None for
    /// a crash and for network faults.
    pub fn of(fault: FaultKind, on: bool) -> Option<Condition> {
        let pick = |active: f64, normal: f64| if on { active } else { normal };
        match fault {
            FaultKind::Slow { factor } => Some(Condition::Slowdown(pick(factor, 1.0))),
            FaultKind::ErrorRate { share } => Some(Condition::Errors(pick(share, 0.0))),
            FaultKind::Spike { factor } => Some(Condition::Surge(pick(factor, 1.0))),
            FaultKind::Flush => Some(Condition::Flush(on)),
            FaultKind::Stop => Some(Condition::Stopped(on)),
            FaultKind::Crash | FaultKind::Latency { .. } | FaultKind::Loss { .. } | FaultKind::Partition { .. } => None,
        }
    }
}

/// `Request::arrived` of a request whose request or reply message a
/// network fault lost: only its caller's timeout will end it.
pub const LOST: SimTime = SimTime::MAX;

/// What sending a try comes to.
struct Plan {
    /// The link it goes over.
    edge: u32,
    /// Refused at once by the caller's breaker or bulkhead.
    refused: Option<Failure>,
    /// When its timeout runs out.
    timeout: Option<SimTime>,
    /// When it arrives (None: lost on the way).
    arrive: Option<SimTime>,
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
        let link = &self.links[edge as usize];
        let child = Request {
            origin,
            caller: link.from,
            edge,
            at: link.to,
            replica,
            next_call: 0,
            abandoned: false,
            attempt: 0,
            waited_ms: 0.0,
            ..*template
        };
        self.send_new(child)
    }

    /// Sends the first try of a new request, addressed already (its
    /// `origin`, `caller`, `edge`, `at` and `replica` set, as
    /// [`Ctx::call`] sets them). Returns its id.
    #[inline(always)]
    pub fn send_new(&mut self, mut request: Request) -> ReqId {
        // Planned before the request is stored, so the hot path touches
        // the slab once.
        let plan = self.plan(&request);
        if plan.refused.is_none() {
            request.arrived = plan.arrive.unwrap_or(LOST);
        }
        let id = self.requests.insert(request);
        self.launch(id, plan);
        id
    }

    /// Sends the try `req` (a new call, or a retry) over its link, if the
    /// link's guard lets it go: then it arrives after the link's latency and
    /// its timeout (if any) starts; else it fails at once as refused.
    pub fn send(&mut self, req: ReqId) {
        let Some(r) = self.requests.get(req).copied() else { return };
        let plan = self.plan(&r);
        if let Some(r) = self.requests.get_mut(req).filter(|_| plan.refused.is_none()) {
            r.arrived = plan.arrive.unwrap_or(LOST);
        }
        self.launch(req, plan);
    }

    /// What sending try `r` comes to now: the guard's verdict (and a
    /// breaker change, logged), then the network's.
    #[inline(always)]
    fn plan(&mut self, r: &Request) -> Plan {
        let now = self.queue.now();
        let mut timeout = None;
        if r.origin != Origin::Detached {
            if let Some(guard) = self.links[r.edge as usize].guard.as_mut() {
                let (admitted, change) = guard.admit(now, r.attempt);
                if let Some(change) = change {
                    self.log_breaker(r.caller, r.edge, change);
                }
                match admitted {
                    Ok(deadline) => timeout = deadline,
                    Err(refused) => return Plan { edge: r.edge, refused: Some(refused), timeout: None, arrive: None },
                }
            }
        }
        let arrive = self.links[r.edge as usize].transit(REQUESTS).map(|t| now.after(t));
        Plan { edge: r.edge, refused: None, timeout, arrive }
    }

    /// Schedules what `plan` says for try `req`: a refusal now, or its
    /// timeout and its delivery (none when the network lost it).
    #[inline(always)]
    fn launch(&mut self, req: ReqId, plan: Plan) {
        if let Some(refused) = plan.refused {
            self.queue.schedule(self.queue.now(), Event::Reply(req, Err(refused)));
            return;
        }
        if let Some(deadline) = plan.timeout {
            self.watch(plan.edge, deadline, req);
        }
        if let Some(arrive) = plan.arrive {
            self.queue.schedule(arrive, Event::Deliver(req));
        }
    }

    /// Try `req` on link `edge` times out at `deadline` unless answered
    /// before (out of line: only links with a timeout come here).
    #[inline(never)]
    fn watch(&mut self, edge: u32, deadline: SimTime, req: ReqId) {
        let Some(guard) = self.links[edge as usize].guard.as_mut() else { return };
        if let Some(at) = guard.deadlines.add(deadline, req, &self.requests) {
            self.queue.schedule(at, Event::Timeouts(edge));
        }
    }

    /// Records a change of the breaker on link `edge` of `caller`.
    pub fn log_breaker(&mut self, caller: u32, edge: u32, change: Transition) {
        let callee = self.links[edge as usize].to_name.clone();
        let detail = match change.to {
            BreakerState::Open => format!(
                "circuit breaker on calls to `{callee}` opened: {} of {} calls failed",
                change.failed, change.calls
            ),
            BreakerState::HalfOpen => format!("circuit breaker on calls to `{callee}` is half-open: probing"),
            BreakerState::Closed => format!(
                "circuit breaker on calls to `{callee}` closed: {} of {} probes failed",
                change.failed, change.calls
            ),
        };
        let what = match change.to {
            BreakerState::Open => "breaker_open",
            BreakerState::HalfOpen => "breaker_half_open",
            BreakerState::Closed => "breaker_closed",
        };
        self.log(caller, what, detail);
    }

    /// The caller gives up on `req` (a client's deadline passed): a reply
    /// that still comes is dropped. A try whose request or reply was lost
    /// is forgotten at once, as nothing will come for it, unless its try
    /// timeout is pending (that forgets it, and the guard counts it).
    /// Returns when the request was born, or None when it was already
    /// answered or given up on.
    pub fn abandon(&mut self, req: ReqId) -> Option<SimTime> {
        let r = self.requests.get_mut(req).filter(|r| !r.abandoned)?;
        r.abandoned = true;
        let (born, lost, edge) = (r.born, r.arrived == LOST, r.edge as usize);
        if lost && !self.links[edge].guard.as_ref().is_some_and(Guard::times_out) {
            self.requests.remove(req);
        }
        Some(born)
    }

    /// Sends the reply of `req` back over its link. A fire-and-forget call
    /// has nobody to reply to: it simply ends. A reply a network fault
    /// loses never arrives (the caller's timeout, if any, ends the call).
    #[inline(always)]
    pub fn reply(&mut self, req: ReqId, result: CallResult) {
        let Some(r) = self.requests.get_mut(req) else { return };
        if r.origin == Origin::Detached {
            self.requests.remove(req);
            return;
        }
        match self.links[r.edge as usize].transit(REPLIES) {
            Some(t) => self.queue.schedule(self.queue.now().after(t), Event::Reply(req, result)),
            None => r.arrived = LOST,
        }
    }

    /// Sets whether `replica` of `node` takes new requests.
    pub fn register(&mut self, node: u32, replica: usize, taking: bool) {
        self.in_service[node as usize][replica] = taking;
        self.registry_version += 1;
    }

    /// Registers a fault of `kind`; events refer to it by the returned
    /// index.
    pub fn register_fault(&mut self, kind: FaultKind) -> u32 {
        self.faults.push(kind);
        (self.faults.len() - 1) as u32
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
    fn on_reply(&mut self, ctx: &mut Ctx, child: &Request, result: CallResult);

    /// A failed call of this component is retried: `new` replaces `old` (the
    /// failed try, gone) and will be sent when its backoff ends.
    fn retried(&mut self, _old: ReqId, _new: ReqId) {}

    /// Sends the retry `req` of a call of this component, its backoff over.
    /// By default to the same callee (and replica, if one was chosen).
    fn resend(&mut self, ctx: &mut Ctx, req: ReqId) {
        ctx.send(req);
    }

    /// A fault that leaves it up (a grey failure, a traffic spike, a
    /// flush) starts or ends at `replica` of this node ([`ANY_REPLICA`]:
    /// all of them).
    fn on_condition(&mut self, _ctx: &mut Ctx, _replica: u32, _condition: Condition) {}

    /// Crash (`up` false) or recover `replica` of this node
    /// ([`ANY_REPLICA`]: all of them): a scheduled or live fault.
    fn on_fault(&mut self, _ctx: &mut Ctx, _replica: u32, _up: bool) {}

    /// The node's figures for the report, measured up to `now`.
    fn report(&self, now: SimTime) -> NodeReport;

    /// Bytes of state that grows during a run (cached keys, queued
    /// messages), for the memory budget; requests are counted apart.
    fn memory_bytes(&self) -> u64 {
        0
    }

    /// Its workers' statistics and its worker slots (or cores) now; None
    /// for kinds without workers.
    fn load(&self) -> Option<(&NodeStats, u32)> {
        None
    }

    /// Of the `slots` [`Behavior::load`] gives, those in service now: of
    /// its parts up on the kernel's board (`up`, its row). By default each
    /// part holds an equal share (a database's instances, a store's
    /// partitions, a gateway's one part).
    fn slots_in_service(&self, slots: u32, up: &[bool]) -> u32 {
        if up.is_empty() {
            return slots;
        }
        let serving = up.iter().filter(|u| **u).count() as u64;
        (u64::from(slots) * serving / up.len() as u64) as u32
    }

    /// What the page shows of it besides its load.
    fn readouts(&self) -> Readouts {
        Readouts::default()
    }
}

/// A component's figures for the page, besides its load (see
/// `Snapshot`'s `NodeSnapshot`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Readouts {
    /// Lookup counts of its cache (or a pool's exclusive caches together).
    pub cache: Option<CacheCounts>,
    /// A database's mean replication lag from the warm-up on, ms.
    pub replication_lag_ms: Option<f64>,
    /// A balancer's backends out of rotation now.
    pub ejected: u32,
    /// A pool's replicas with a grey failure now.
    pub degraded: u32,
    /// A queue's messages published less those consumed from the warm-up
    /// on: how much its consumer lag grew over the measured period.
    pub lag_added: Option<i64>,
}

/// Where a component is built: its node in the scenario, the calls the
/// kernel compiled, and the run's seed and warm-up.
pub struct Site<'a> {
    /// The node's index in the scenario.
    pub index: u32,
    /// The scenario being built.
    pub scenario: &'a Scenario,
    /// Every edge, compiled, in scenario order.
    pub links: &'a [Link],
    /// The run's seed.
    pub seed: u64,
    /// The warm-up's end.
    pub warmup: SimTime,
}

impl Site<'_> {
    /// The node.
    pub fn node(&self) -> &Node {
        &self.scenario.nodes[self.index as usize]
    }

    /// The node's id, which names its random streams.
    pub fn name(&self) -> &str {
        self.node().id.as_str()
    }

    /// Its outgoing edges (indices into the links), in scenario order.
    pub fn outgoing(&self) -> Vec<u32> {
        (self.links.iter().enumerate()).filter(|(_, l)| l.from == self.index).map(|(k, _)| k as u32).collect()
    }

    /// The calls it makes over its outgoing edges (its random stream
    /// `calls`).
    pub fn calls(&self) -> Calls {
        Calls::new(&self.scenario.edges, self.outgoing(), random::stream(self.seed, self.name(), "calls"))
    }
}

/// A kind's simulation, built from the kind's parameters `P` (each kind's
/// sim file implements it; the engine's registry pairs them).
pub trait Build<P: Kind>: Behavior + Sized {
    /// The component of the node at `site` with parameters `p`.
    fn build(site: &Site, p: &P) -> Self;

    /// Takes edited parameters from the current time on (the engine has
    /// checked with [`Kind::restart_reason`] that a run can).
    fn reconfigure(&mut self, ctx: &mut Ctx, p: &P);

    /// Entries of its fault board (which parts are up): one per crashable
    /// part ([`Kind::crash_parts`]), by default.
    fn board(p: &P) -> usize {
        p.crash_parts().map_or(0, |n| n as usize)
    }
}

/// Declares the registry (in `sim/mod.rs`) from one line per simulation,
/// `Variant(Sim) <= Kinds`: a component variant holding that simulation, built (its [`Build`]) from
/// nodes of those [`NodeKind`] variants. It declares the `Component` enum
/// and `each_kind!`, which calls a [`Behavior`] method on whatever kind a
/// component is (a static call per kind, so the hot path needs no virtual
/// call, and one copy of each kind's handlers). `$d` is a `$`, for the
/// inner macro.
macro_rules! components {
    ($d:tt $($variant:ident($sim:ty) <= $($kind:ident)|+,)*) => {
        /// A component of any kind.
        pub(crate) enum Component {
            $($variant($sim),)*
        }

        macro_rules! each_kind {
            ($d component:expr, $d c:ident => $d call:expr) => {
                match $d component {
                    $(Component::$variant($d c) => $d call,)*
                }
            };
        }

        impl Component {
            /// The component of the node at `site`.
            pub(crate) fn build(site: &$crate::sim::component::Site) -> Component {
                match &site.node().kind {
                    $($($crate::model::NodeKind::$kind(p) => Component::$variant($crate::sim::component::Build::build(site, p)),)+)*
                }
            }

            /// Fault board entries of a node of `kind`.
            pub(crate) fn board(kind: &$crate::model::NodeKind) -> usize {
                match kind {
                    $($($crate::model::NodeKind::$kind(p) => <$sim as $crate::sim::component::Build<_>>::board(p),)+)*
                }
            }

            /// Takes `kind`'s parameters, of the kind it was built with.
            pub(crate) fn reconfigure(&mut self, ctx: &mut $crate::sim::component::Ctx, kind: &$crate::model::NodeKind) {
                match (self, kind) {
                    $($((Component::$variant(c), $crate::model::NodeKind::$kind(p)) => $crate::sim::component::Build::reconfigure(c, ctx, p),)+)*
                    // `update` checked that no node changed kind.
                    _ => {}
                }
            }
        }
    };
}
