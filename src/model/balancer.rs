//! Load balancer parameters: algorithm, L4/L7 mode, its own capacity.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{HealthCheck, NodeId, RequestClass};

/// A load balancer. Its backends are the replicas of the service pools it
/// has edges to (a pool with 3 replicas is 3 backends).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LoadBalancerParams {
    /// How a backend is chosen.
    pub algorithm: LbAlgorithm,
    /// L4 (connection level) or L7 (request level, with routing by class).
    pub mode: LbMode,
    /// Maximum requests in progress through the balancer; more are rejected.
    pub max_connections: u32,
    /// Processing time per request, ms (L7 parsing costs more than L4
    /// forwarding).
    pub processing_time_ms: f64,
    /// Processing cores: the balancer forwards at most
    /// `cores / processing_time` requests per second.
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
    pub sharing: PairMode,
    /// Time before the crash of an instance is noticed (missed heartbeats,
    /// or health checks of the clients' DNS / ECMP), s.
    pub detection_s: f64,
    /// Active–passive: time for the passive instance to take the virtual
    /// IP over once the crash is noticed, s.
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
    pub consecutive_errors: u32,
    /// Base ejection time, s.
    pub base_ejection_s: f64,
    /// Most backends out at once, % (at least one is always allowed).
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "name", rename_all = "snake_case", deny_unknown_fields)]
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
        on: HashOn,
    },
}

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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "layer", rename_all = "snake_case", deny_unknown_fields)]
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

/// An L7 route: requests of `class` go only to the pools in `targets`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// The request class routed.
    pub class: RequestClass,
    /// Pools (node ids this balancer has edges to) serving that class.
    pub targets: Vec<NodeId>,
}
