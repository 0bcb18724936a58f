//! DNS parameters: record TTL, routing policy, health checks.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cost::Price;
use super::{ComponentGroup, Kind, KindInfo, NodeId, Onward, Wiring};

use super::HealthCheck;

/// A DNS name whose records point at the endpoints the node calls (e.g. the
/// load balancers of several regions). A client session resolves the name,
/// keeps the answer for `ttl_s` (its resolver's cache) and sends its
/// requests to that endpoint meanwhile; health checks take a dead endpoint
/// out of new answers, but cached answers keep pointing at it until they
/// expire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DnsParams {
    /// Time a resolved answer stays cached, s; 0: every request resolves.
    #[schemars(range(min = 0.0, max = super::validate::MAX_DURATION_S), extend("x-main" = true, "x-help" = "Time to live of a DNS answer in the resolvers (0: none)"))]
    pub ttl_s: f64,
    /// How an answer is chosen among the healthy endpoints.
    #[schemars(extend("x-main" = true, "x-help" = "DNS routing: weighted by the calls' weights, lowest latency, or the client's region first"))]
    pub policy: DnsPolicy,
    /// Time of a resolution (a recursive lookup), paid when the answer is
    /// not cached, ms.
    #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "Time of a DNS resolution, paid when the answer is not cached"))]
    pub resolve_ms: f64,
    /// Health checks of the endpoints (Route 53 style).
    pub health_check: HealthCheck,
}

impl Default for DnsParams {
    fn default() -> Self {
        DnsParams {
            ttl_s: 60.0,
            policy: DnsPolicy::Weighted,
            resolve_ms: 20.0,
            health_check: HealthCheck { interval_ms: 10_000.0, unhealthy_threshold: 3, healthy_threshold: 3 },
        }
    }
}

/// DNS routing policies (Amazon Route 53's names).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DnsPolicy {
    /// At random in proportion to the edges' weights.
    #[default]
    Weighted,
    /// The endpoint with the lowest network latency from the client (its
    /// zone and region against the endpoint's, plus the edge's base).
    Latency,
    /// An endpoint in the client's region, else weighted among the others.
    Geolocation,
}

/// The DNS kind.
impl Kind for DnsParams {
    const INFO: &'static KindInfo = &KindInfo {
        name: "dns",
        title: "DNS",
        plural: "DNS names",
        summary: "DNS routing: weighted, latency or geolocation answers cached for a TTL, health-checked endpoints",
        group: ComponentGroup::Edge,
        id_prefix: "dns",
        icon: "M4 6H20M4 12H14M4 18H10M16 14L20 18L16 22",
        slots: "",
        backlog: ("queued", "q"),
        onward: Onward::OneOf,
        backend: false,
        crash: None,
    };

    /// A cached answer takes no time.
    fn can_take_no_time(&self) -> bool {
        true
    }

    fn may_call(callee: &KindInfo) -> Wiring {
        if callee.name == Self::INFO.name {
            Wiring::Refused("a DNS name answers with endpoints, not with another DNS name")
        } else {
            Wiring::Sync
        }
    }

    fn calls_problem(&self, id: &NodeId, outgoing: usize) -> Option<String> {
        (outgoing == 0).then(|| format!("DNS name `{id}` has no endpoint"))
    }

    /// A Route 53 hosted zone, $0.50 a month, plus $0.40 per million
    /// standard queries.
    fn price(&self) -> Price {
        Price { instance_hour_usd: 0.0, million_requests_usd: 0.40, monthly_usd: 0.50 }
    }
}
