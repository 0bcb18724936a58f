//! DNS parameters: record TTL, routing policy, health checks.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    pub ttl_s: f64,
    /// How an answer is chosen among the healthy endpoints.
    pub policy: DnsPolicy,
    /// Time of a resolution (a recursive lookup), paid when the answer is
    /// not cached, ms.
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
