//! Load balancer parameters: algorithm, L4/L7 mode, its own capacity.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cost::{hourly, Price, ALB_HOUR};
use super::kind::optional;
use super::{ComponentGroup, Crashable, Kind, KindInfo, Onward, Optional, RateLimit, Wiring};

use super::tagged::read_tagged;
use super::{HealthCheck, NodeId, RequestClass};

/// A load balancer. Its backends are the replicas of the service pools it
/// has edges to (a pool with 3 replicas is 3 backends).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LoadBalancerParams {
    /// How a backend is chosen.
    #[schemars(extend("x-main" = true, "x-help" = "How the balancer picks a backend for each request"))]
    pub algorithm: LbAlgorithm,
    /// L4 (connection level) or L7 (request level, with routing by class).
    #[schemars(extend("x-main" = true, "x-help" = "L4 (connections) or L7 (requests, with routes by request class)"))]
    pub mode: LbMode,
    /// Maximum requests in progress through the balancer; more are rejected.
    #[schemars(range(min = 1), extend("x-main" = true, "x-help" = "Requests in progress before the balancer rejects", "x-unit" = "requests"))]
    pub max_connections: u32,
    /// Processing time per request, ms (L7 parsing costs more than L4
    /// forwarding).
    #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "Balancer time per request"))]
    pub processing_time_ms: f64,
    /// Processing cores: the balancer forwards at most
    /// `cores / processing_time` requests per second.
    #[schemars(range(min = 1, max = 1024), extend("x-help" = "Requests the balancer processes at once", "x-unit" = "cores"))]
    pub cores: u32,
    /// Active health checks of the backends.
    pub health_check: HealthCheck,
    /// A rate limiter on the requests arriving (an API gateway's limit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<super::RateLimit>,
    /// Passive outlier detection (ejection of backends that keep failing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlier_detection: Option<OutlierDetection>,
    /// A second instance (a pair); a single instance when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pair: Option<LbPair>,
}

/// A pair of balancer instances sharing the work of one (each with the
/// node's cores and connections as the pair's whole).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LbPair {
    /// Active–passive (keepalived/VRRP style: the passive takes the
    /// virtual IP over) or active–active (both serve).
    #[schemars(extend("x-help" = "Balancer pair: one active and one standby, or both active"))]
    pub sharing: PairMode,
    /// Time before the crash of an instance is noticed (missed heartbeats,
    /// or health checks of the clients' DNS / ECMP), s.
    #[schemars(range(min = 0.0, max = 3600.0), extend("x-help" = "Heartbeat timeout: time before the crash of a balancer instance is noticed"))]
    pub detection_s: f64,
    /// Active–passive: time for the passive instance to take the virtual
    /// IP over once the crash is noticed, s.
    #[schemars(range(min = 0.0, max = 3600.0), extend("x-help" = "Balancer pair: time for the standby to take the virtual IP over"))]
    pub takeover_s: f64,
}

impl Default for LbPair {
    fn default() -> Self {
        LbPair { sharing: PairMode::ActivePassive, detection_s: 3.0, takeover_s: 2.0 }
    }
}

/// How the two instances of a balancer pair share the traffic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PairMode {
    /// Instance 0 serves; instance 1 takes over when 0 crashes.
    #[default]
    ActivePassive,
    /// Both serve, in turn; a crashed one leaves rotation once noticed.
    ActiveActive,
}

/// Passive outlier detection, as Envoy's consecutive-5xx detector: a
/// backend whose replies fail `consecutive_errors` times in a row (errors,
/// rejections, timeouts) is ejected for `base_ejection_s` × the number of
/// times it was ejected, unless `max_ejection_percent` of the backends
/// (at least one) are out already. It catches what active health checks
/// miss: a backend that is up but failing.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OutlierDetection {
    /// Failed replies in a row that eject a backend.
    #[schemars(range(min = 1), extend("x-help" = "Outlier detection: failed replies in a row that eject a backend", "x-unit" = "replies"))]
    pub consecutive_errors: u32,
    /// Base ejection time, s.
    #[schemars(range(max = 3600.0), extend("x-help" = "Outlier detection: first ejection time; each later one is longer by as much", "exclusiveMinimum" = 0.0))]
    pub base_ejection_s: f64,
    /// Most backends out at once, % (at least one is always allowed).
    #[schemars(range(min = 0.0, max = 100.0), extend("x-help" = "Outlier detection: most backends out at once (at least one)"))]
    pub max_ejection_percent: f64,
}

impl Default for OutlierDetection {
    fn default() -> Self {
        OutlierDetection { consecutive_errors: 5, base_ejection_s: 30.0, max_ejection_percent: 10.0 }
    }
}

impl Default for LoadBalancerParams {
    fn default() -> Self {
        LoadBalancerParams {
            algorithm: LbAlgorithm::RoundRobin,
            mode: LbMode::L4,
            max_connections: 10_000,
            processing_time_ms: 0.05,
            cores: 4,
            health_check: HealthCheck::default(),
            rate_limit: None,
            outlier_detection: None,
            pair: None,
        }
    }
}

/// Backend selection algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "name", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(extend("x-choices" = [{"name": "round_robin"}, {"name": "weighted_round_robin"}, {"name": "random"}, {"name": "least_outstanding"}, {"name": "power_of_two_choices"}, {"name": "consistent_hash", "on": "session"}]))]
pub enum LbAlgorithm {
    /// Each backend in turn.
    RoundRobin,
    /// In turn, in proportion to each edge's `weight` (smooth weighted round
    /// robin, as nginx does).
    WeightedRoundRobin,
    /// Uniformly at random.
    Random,
    /// The backend with the fewest requests in progress from this balancer.
    LeastOutstanding,
    /// Two backends at random, the less loaded of the two (Mitzenmacher,
    /// *The Power of Two Choices in Randomized Load Balancing*, 2001).
    PowerOfTwoChoices,
    /// A hash ring with virtual nodes (Karger et al. 1997) on the session or
    /// the key, so the same session or key sticks to one backend.
    ConsistentHash {
        /// What is hashed.
        #[schemars(extend("x-help" = "What the hash ring hashes: the session (sticky sessions) or the request key"))]
        on: HashOn,
    },
}

read_tagged!(LbAlgorithm by "name" { on: HashOn }
    RoundRobin {},
    WeightedRoundRobin {},
    Random {},
    LeastOutstanding {},
    PowerOfTwoChoices {},
    ConsistentHash { on },
);

/// The request attribute a consistent-hash balancer hashes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HashOn {
    /// The user session (sticky sessions).
    Session,
    /// The request key (e.g. a cache key).
    Key,
}

/// Layer-4 or layer-7 operation.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "layer", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(extend("x-choices" = [{"layer": "l4"}, {"layer": "l7", "routes": []}]))]
pub enum LbMode {
    /// Forwards connections to any backend.
    L4,
    /// Reads each request and can route request classes to different pools
    /// (application-gateway path routing); classes without a route go to
    /// every pool.
    L7 {
        /// Routes by request class.
        #[serde(default)]
        routes: Vec<Route>,
    },
}

read_tagged!(LbMode by "layer" { routes: Vec<Route> }
    L4 {},
    L7 { routes: default },
);

impl LbMode {
    /// The pools requests of `class` go to, of the balancer's `pools` (the
    /// nodes it has edges to): its route's targets, or every pool.
    pub fn routed_to(&self, class: RequestClass, pools: &[NodeId]) -> Vec<NodeId> {
        let route = match self {
            LbMode::L7 { routes } => routes.iter().find(|r| r.class == class),
            LbMode::L4 => None,
        };
        route.map_or_else(|| pools.to_vec(), |r| pools.iter().filter(|p| r.targets.contains(p)).cloned().collect())
    }

    /// This mode with `pool` added to (`on`) or taken from the pools
    /// `class` goes to, of `pools`. A class left going to every pool, or
    /// to none, keeps no route: it goes to every pool. L4 stays L4 (it
    /// cannot read a request's class).
    pub fn with_route(&self, class: RequestClass, pool: &NodeId, on: bool, pools: &[NodeId]) -> LbMode {
        let LbMode::L7 { routes } = self else { return LbMode::L4 };
        let mut targets = self.routed_to(class, pools);
        targets.retain(|t| t != pool);
        if on {
            targets.push(pool.clone());
        }
        let mut routes: Vec<Route> = routes.iter().filter(|r| r.class != class).cloned().collect();
        if !targets.is_empty() && targets.len() < pools.len() {
            routes.push(Route { class, targets });
        }
        LbMode::L7 { routes }
    }
}

/// An L7 route: requests of `class` go only to the pools in `targets`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// The request class routed.
    pub class: RequestClass,
    /// Pools (node ids this balancer has edges to) serving that class.
    pub targets: Vec<NodeId>,
}

/// The load balancer kind.
impl Kind for LoadBalancerParams {
    const INFO: &'static KindInfo = &KindInfo {
        name: "load_balancer",
        title: "Load balancer",
        plural: "load balancers",
        summary: "L4/L7 balancer: round robin, least outstanding, power of two choices, consistent hashing",
        group: ComponentGroup::Edge,
        id_prefix: "lb",
        icon: "M9 5a3 3 0 1 0 6 0a3 3 0 1 0 -6 0M12 8V12M5 19L12 12L19 19M12 12V19",
        slots: "cores",
        backlog: ("queued", "q"),
        onward: Onward::OneOf,
        backend: false,
        crash: Some(Crashable {
            part: "balancer",
            whole: "Crash balancer",
            help: "A single balancer is a single point of failure: while it is down every request through it fails",
            apart: false,
        }),
    };

    /// One instance, or two for a pair.
    fn crash_parts(&self) -> Option<u32> {
        Some(if self.pair.is_some() { 2 } else { 1 })
    }

    fn can_take_no_time(&self) -> bool {
        self.processing_time_ms == 0.0
    }

    fn may_call(callee: &KindInfo) -> Wiring {
        if callee.backend {
            Wiring::Sync
        } else if callee.name == Self::INFO.name {
            Wiring::Refused("a load balancer forwards to service pools, not to another balancer")
        } else {
            Wiring::Refused(
                "a load balancer forwards to service pools, caches or CDN edges; call databases, stores, queues and DNS from a service pool",
            )
        }
    }

    fn calls_problem(&self, id: &crate::model::NodeId, outgoing: usize) -> Option<String> {
        (outgoing == 0).then(|| format!("load balancer `{id}` has no backend pool"))
    }

    /// An Application Load Balancer's hourly charge, per instance.
    fn price(&self) -> Price {
        hourly(ALB_HOUR)
    }

    fn instances(&self) -> f64 {
        1.0 + f64::from(u8::from(self.pair.is_some()))
    }

    fn single_instance(&self) -> bool {
        self.pair.is_none()
    }

    /// L4 and L7 (with routes) balancers are built differently.
    fn restart_reason(&self, running: &Self) -> Option<&'static str> {
        (self.mode != running.mode).then_some("mode")
    }

    const OPTIONAL: &'static [Optional<Self>] = &[
        optional!("rate-limit", "rate limiter", rate_limit, RateLimit::default()),
        optional!("outlier-detection", "outlier detection", outlier_detection, OutlierDetection::default()),
        optional!("pair", "second instance (pair)", pair, LbPair::default()),
    ];
    const OPTIONAL_HELP: &'static str = "A token bucket (an API gateway's limit) rejects requests over its rate with 429; outlier detection ejects a backend whose replies keep failing, which health checks miss when it stays up; a pair removes the balancer as a single point of failure";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pools() -> Vec<NodeId> {
        ["a", "b", "c"].map(NodeId::from).to_vec()
    }

    #[test]
    fn a_class_without_a_route_goes_to_every_pool() {
        let l7 = LbMode::L7 { routes: Vec::new() };
        assert_eq!(l7.routed_to(RequestClass::Read, &pools()), pools());
        assert_eq!(LbMode::L4.routed_to(RequestClass::Write, &pools()), pools());
    }

    #[test]
    fn unticking_a_pool_routes_the_class_to_the_others_and_ticking_it_back_drops_the_route() {
        let all = pools();
        let (b, write) = (NodeId::from("b"), RequestClass::Write);
        let routed = LbMode::L7 { routes: Vec::new() }.with_route(write, &b, false, &all);
        assert_eq!(
            routed,
            LbMode::L7 { routes: vec![Route { class: write, targets: ["a", "c"].map(NodeId::from).to_vec() }] }
        );
        assert_eq!(routed.routed_to(write, &all), ["a", "c"].map(NodeId::from).to_vec());
        assert_eq!(routed.routed_to(RequestClass::Read, &all), all);
        assert_eq!(routed.with_route(write, &b, true, &all), LbMode::L7 { routes: Vec::new() });
    }

    #[test]
    fn unticking_the_last_pool_leaves_the_class_going_everywhere() {
        let all = ["a", "b"].map(NodeId::from).to_vec();
        let read = RequestClass::Read;
        let one = LbMode::L7 { routes: Vec::new() }.with_route(read, &all[0], false, &all);
        assert_eq!(one.routed_to(read, &all), vec![all[1].clone()]);
        assert_eq!(one.with_route(read, &all[1], false, &all), LbMode::L7 { routes: Vec::new() });
        assert_eq!(LbMode::L4.with_route(read, &all[0], false, &all), LbMode::L4);
    }
}
