//! API gateway parameters: authentication, a rate limit per client,
//! routing by request class.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cost::Price;
use super::kind::optional;
use super::limits::requests_bytes;
use super::validate::{check_service_time, Checker};
use super::{ComponentGroup, Crashable, Kind, KindInfo, NodeId, Onward, Optional, RateLimit, ServiceTime, Wiring};

/// An API gateway in front of services (Amazon API Gateway, Kong, an Envoy
/// edge proxy). Each request is first authenticated by one of its workers
/// (a token checked: `auth_time`; requests wait in a FIFO queue of
/// `queue_capacity` for a free worker, so the authentication stage is an
/// M/G/c/K queue), then held to its client's rate limit (a token bucket
/// per traffic source, as a gateway keeps one per API key: a client over
/// its limit gets 429 and the others are not slowed), then routed by its
/// request class to one of the gateway's calls: those whose `classes`
/// include it (a call without classes takes every class), in turn. The
/// gateway waits for the reply without holding a worker (an event-driven
/// proxy). A request of a class no call takes fails (404).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct GatewayParams {
    /// Requests authenticated at once (c of the authentication stage).
    #[schemars(
        range(min = 1, max = super::validate::MAX_WORKERS),
        extend("x-main" = true, "x-help" = "Requests the gateway authenticates at once", "x-unit" = "workers")
    )]
    pub workers: u32,
    /// Requests waiting for a worker before new ones are rejected (503).
    #[schemars(
        range(max = super::validate::MAX_QUEUE),
        extend("x-main" = true, "x-help" = "Requests waiting to be authenticated before new ones are rejected", "x-unit" = "requests")
    )]
    pub queue_capacity: u32,
    /// Time a worker takes to authenticate one request (validate its token,
    /// or ask an identity provider).
    #[schemars(extend("x-main" = true, "x-help" = "Time to authenticate one request (check its token)"))]
    pub auth_time: ServiceTime,
    /// A rate limit per client: each traffic source gets its own token
    /// bucket of this rate and burst.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_limit: Option<RateLimit>,
}

impl Default for GatewayParams {
    fn default() -> Self {
        GatewayParams {
            workers: 16,
            queue_capacity: 1_000,
            auth_time: ServiceTime::Exponential { mean_ms: 2.0 },
            client_limit: None,
        }
    }
}

/// The API gateway kind.
impl Kind for GatewayParams {
    const INFO: &'static KindInfo = &KindInfo {
        name: "api_gateway",
        title: "API gateway",
        plural: "API gateways",
        summary: "API gateway: authenticates each request, limits each client's rate (token bucket), routes by request class",
        group: ComponentGroup::Edge,
        id_prefix: "gateway",
        icon: "M3 21V9L12 3L21 9V21M8 21V13H16V21M12 13V21",
        slots: "workers",
        backlog: ("queued", "q"),
        onward: Onward::OneOf,
        backend: false,
        crash: Some(Crashable {
            part: "gateway",
            whole: "Crash gateway",
            help: "A crashed gateway refuses every request and fails those it holds: with one gateway, every API call fails until it recovers",
            apart: false,
        }),
    };

    fn check(&self, c: &mut Checker, path: &str) {
        check_service_time(c, &format!("{path}.auth_time"), &self.auth_time);
    }

    fn can_take_no_time(&self) -> bool {
        self.auth_time.can_be_zero()
    }

    /// A gateway waits for its backends' replies.
    fn may_call(_callee: &KindInfo) -> Wiring {
        Wiring::Sync
    }

    fn calls_problem(&self, id: &NodeId, outgoing: usize) -> Option<String> {
        (outgoing == 0).then(|| format!("API gateway `{id}` has no route (call a service from it)"))
    }

    /// Amazon API Gateway's HTTP APIs: $1.00 per million requests (US East,
    /// the first 300 million a month; aws.amazon.com/api-gateway/pricing,
    /// 2024).
    fn price(&self) -> Price {
        Price { instance_hour_usd: 0.0, million_requests_usd: 1.00, monthly_usd: 0.0 }
    }

    /// One gateway: nothing takes over when it crashes.
    fn single_instance(&self) -> bool {
        true
    }

    fn worst_case_bytes(&self, _sent: f64) -> u64 {
        requests_bytes(1, self.workers.saturating_add(self.queue_capacity))
    }

    /// Its workers are made when a run starts.
    fn restart_reason(&self, running: &Self) -> Option<&'static str> {
        (self.workers != running.workers).then_some("workers")
    }

    const OPTIONAL: &'static [Optional<Self>] =
        &[optional!("client-limit", "rate limit per client", client_limit, RateLimit::default())];
    const OPTIONAL_HELP: &'static str =
        "Each client (traffic source, as one API key) gets its own token bucket: a client over its rate gets 429 while the others keep theirs";
}
