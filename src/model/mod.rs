//! What the user draws: a [`Scenario`] of nodes, edges and settings.
//!
//! Plain serde data, versioned by [`FORMAT_VERSION`] and checked by
//! [`Scenario::validate`]. It knows nothing of simulation state or the DOM.
//! Units are part of every field name: `_ms` milliseconds, `_s` seconds,
//! `_rps` requests per second.

mod balancer;
mod cache;
pub mod cost;
mod database;
mod dns;
mod edge;
mod fault;
mod gateway;
mod kind;
mod limits;
mod objective;
pub mod params;
mod partitioned;
mod queue;
mod resilience;
mod service;
mod spof;
mod tagged;
mod traffic;
mod validate;
mod wiring;

pub use balancer::{HashOn, LbAlgorithm, LbMode, LbPair, LoadBalancerParams, OutlierDetection, PairMode, Route};
pub use cache::{CacheParams, CdnParams, Eviction, WritePolicy};
pub use database::{DatabaseParams, ReadFrom, Replication};
pub use dns::{DnsParams, DnsPolicy};
pub use edge::{CallMode, Edge, Jitter, Latency};
pub use fault::{CallRef, Fault, FaultKind, HealthCheck};
pub use gateway::GatewayParams;
pub use kind::{ComponentGroup, Crashable, Kind, KindInfo, Onward, Optional};
pub use limits::{RunLimits, CACHE_ITEM_BYTES, MESSAGE_BYTES, REQUEST_BYTES};
pub use objective::{Difficulty, ExerciseRef, Metric, Objective, Target, Targets};
pub use partitioned::{PartitionedParams, Partitioning};
pub use queue::{Acks, Delivery, Partitioner, QueueParams, QueueStyle};
pub use resilience::{Backoff, BackoffJitter, Bulkhead, CircuitBreaker, LoadShedding, RateLimit, Retry, RetryBudget};
pub use service::{lognormal_fit, Autoscaling, ScalingMetric, ServiceParams, ServiceTime, Usl, Z99};
pub use traffic::{
    key_partition, Arrivals, ClientParams, KeyDistribution, RatePoint, RateProfile, RequestClass, RequestMix,
};
pub use validate::{Checker, Problem, ValidationError, MAX_NAME_CHARS};
pub use wiring::{wiring, wiring_problem, Wiring};

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

// The registry of component kinds, in palette order: one line per kind,
// its parameters type (which implements [`Kind`] in the kind's own file).
kind::kinds! {
    /// A traffic source: open-loop arrivals or closed-loop users.
    Client(ClientParams),
    /// A DNS name routing client sessions to endpoints, with cached answers.
    Dns(DnsParams),
    /// A CDN edge caching the static class in front of an origin.
    Cdn(CdnParams),
    /// An API gateway: authentication, a rate limit per client, routing by
    /// request class.
    ApiGateway(GatewayParams),
    /// A load balancer (L4 or L7) spreading requests over backends.
    LoadBalancer(LoadBalancerParams),
    /// A pool of identical service replicas, each with a thread pool.
    Service(ServiceParams),
    /// A shared key–value cache (Memcached / Redis) read cache-aside in
    /// front of the nodes it calls.
    Cache(CacheParams),
    /// A replicated database: a primary for writes, read replicas, failover.
    Database(DatabaseParams),
    /// A store sharded over partitions, each with a leader and followers.
    PartitionedStore(PartitionedParams),
    /// A Kafka-style topic with partitions and a consumer group.
    Queue(QueueParams),
}

/// The scenario format version this build writes. Older versions are migrated
/// on load; newer ones are refused.
///
/// History: 1, the first release; 2 added the workshop fields
/// (`difficulty`, `hints`, `objectives`); 3 added `exercise` and
/// `participant`, and links of version 3 carry a checksum
/// (`share`).
pub const FORMAT_VERSION: u32 = 3;

/// A node's identifier: unique within a scenario, chosen by the user or the
/// editor (e.g. `api`, `db-1`). Edges and faults refer to nodes by it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct NodeId(pub String);

impl NodeId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for NodeId {
    fn from(s: &str) -> Self {
        NodeId(s.to_owned())
    }
}

/// A complete, shareable system design plus how to run it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version ([`FORMAT_VERSION`] when written by this build).
    pub version: u32,
    /// Short title shown in the header and the preset gallery.
    #[serde(default)]
    pub title: String,
    /// The shipped exercise this design was opened from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exercise: Option<ExerciseRef>,
    /// Who made this copy: a workshop participant's name, put in by the
    /// page when it makes a share link (shown in the class view).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub participant: String,
    /// Free text: the story of the exercise.
    #[serde(default)]
    pub description: String,
    /// How hard the exercise is (shown in the preset gallery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub difficulty: Option<Difficulty>,
    /// Hints for the workshop panel, in the order to reveal them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
    /// What the design must achieve, measured by the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objectives: Vec<Objective>,
    /// Run settings: seed, duration, warm-up, network defaults.
    #[serde(default)]
    pub settings: Settings,
    /// Availability zones nodes can be placed in.
    #[serde(default)]
    pub zones: Vec<Zone>,
    /// The components.
    pub nodes: Vec<Node>,
    /// The calls between components, in the order each caller makes them.
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Faults the run injects on schedule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<Fault>,
}

/// How a scenario is run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Seed of every random stream of the run.
    #[schemars(extend("x-help" = "Seed of the run's random streams: the same seed gives the same run", "x-unit" = "1"))]
    pub seed: u64,
    /// Simulated duration, s.
    #[schemars(range(max = validate::MAX_DURATION_S), extend("x-help" = "Simulated time of a run", "exclusiveMinimum" = 0.0))]
    pub duration_s: f64,
    /// Initial period excluded from latency, throughput and availability, s.
    #[schemars(range(min = 0.0, max = validate::MAX_DURATION_S), extend("x-help" = "Initial period left out of latency, throughput and availability (shorter than the duration)"))]
    pub warmup_s: f64,
    /// Extra one-way network latency added to edges between zones, ms.
    /// Default 0.5 ms: a cross-zone round trip of about 1 ms, as cloud
    /// providers document for zones of one region.
    #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "Extra one-way latency of a call between zones of a region"))]
    pub cross_zone_ms: f64,
    /// Extra one-way network latency added to edges between regions, ms.
    /// Default 35 ms (a 70 ms round trip, e.g. between the US coasts).
    #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "Extra one-way latency of a call between regions"))]
    pub cross_region_ms: f64,
    /// The service level objective the charts draw and the run panel
    /// measures the error budget against.
    pub slo: Slo,
    /// The run guards: event and memory budgets (omitted when default).
    #[serde(skip_serializing_if = "RunLimits::is_default")]
    pub limits: RunLimits,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seed: 1,
            duration_s: 60.0,
            warmup_s: 5.0,
            cross_zone_ms: 0.5,
            cross_region_ms: 35.0,
            slo: Slo::default(),
            limits: RunLimits::default(),
        }
    }
}

/// A service level objective for client requests (Google SRE book, ch. 4
/// "Service Level Objectives"): a target share of successful requests and a
/// p99 response-time target. The error budget is `1 − availability` of the
/// requests.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Slo {
    /// Target share of requests answered successfully before the client's
    /// timeout, 0–1 (default 0.999, "three nines").
    #[schemars(range(max = 1.0), extend("x-help" = "SLO: target share of requests answered successfully, 0–1", "x-unit" = "1", "exclusiveMinimum" = 0.0))]
    pub availability: f64,
    /// Target 99th percentile response time, ms (default 200 ms).
    #[schemars(range(max = 3_600_000.0), extend("x-help" = "SLO: target p99 response time", "exclusiveMinimum" = 0.0))]
    pub latency_p99_ms: f64,
}

impl Default for Slo {
    fn default() -> Self {
        Slo { availability: 0.999, latency_p99_ms: 200.0 }
    }
}

/// An availability zone inside a region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// Zone id, e.g. `eu-west-1a`.
    pub id: String,
    /// Region the zone belongs to, e.g. `eu-west-1`.
    pub region: String,
    /// Display label; the id when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Where the zone is drawn on the canvas; a zero-size rectangle is not
    /// drawn (its nodes name it explicitly).
    #[serde(default, skip_serializing_if = "Rect::is_empty")]
    pub rect: Rect,
}

/// An axis-aligned rectangle on the canvas, canvas units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// Whether the rectangle has no area (is not drawn).
    pub fn is_empty(&self) -> bool {
        self.w <= 0.0 || self.h <= 0.0
    }

    /// Whether `p` lies inside.
    pub fn contains(&self, p: Point) -> bool {
        !self.is_empty() && p.x >= self.x && p.x <= self.x + self.w && p.y >= self.y && p.y <= self.y + self.h
    }

    /// The smallest rectangle holding both.
    pub fn union(&self, other: &Rect) -> Rect {
        let (x, y) = (self.x.min(other.x), self.y.min(other.y));
        let (x1, y1) = ((self.x + self.w).max(other.x + other.w), (self.y + self.h).max(other.y + other.h));
        Rect { x, y, w: x1 - x, h: y1 - y }
    }
}

/// A point on the editor canvas, in canvas units (CSS pixels at zoom 1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Point {
    /// Horizontal position.
    pub x: f64,
    /// Vertical position.
    pub y: f64,
}

/// `base` followed by `path` (`$.nodes[2]`), or `base` alone at the root
/// (an empty `path`).
fn join_path(base: &str, path: &str) -> String {
    if path.is_empty() {
        base.to_owned()
    } else {
        format!("{base}.{path}")
    }
}

/// Reads a `T` from `value`; when it cannot, the path below `value` where
/// it went wrong (`nodes[2].id`, "" at the top) and what is wrong.
///
/// The page's build reports no path: tracking it would double the size of
/// every deserializer in the Wasm module (about 60 KB gzip, over the page
/// budget), so there the error says what is wrong only.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn from_value_at<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = if e.path().iter().next().is_some() { e.path().to_string() } else { String::new() };
        (path, e.into_inner().to_string())
    })
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn from_value_at<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, (String, String)> {
    serde_json::from_value(value).map_err(|e| (String::new(), e.to_string()))
}

/// Where a scenario's text goes wrong, ` (line L, column C)`, as serde_json
/// reports it when reading the text itself ("" where it does not, as for a
/// migrated older version; and in the page's build, for its size, as
/// above).
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn place_in(text: &str) -> String {
    match serde_json::from_str::<Scenario>(text) {
        Err(e) if e.line() > 0 => format!(" (line {}, column {})", e.line(), e.column()),
        _ => String::new(),
    }
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn place_in(_text: &str) -> String {
    String::new()
}

/// A problem with `$.version`.
fn version_problem(message: String) -> ValidationError {
    ValidationError::Invalid(vec![Problem { path: "$.version".into(), message }])
}

/// Brings a scenario of format `version` (1 ≤ `version` ≤
/// [`FORMAT_VERSION`]) to the current format, one version at a time.
///
/// - 1 → 2 and 2 → 3: each only added optional fields, so an older
///   scenario reads as the newer version unchanged.
fn migrate(mut value: serde_json::Value, version: u64) -> serde_json::Value {
    if version < u64::from(FORMAT_VERSION) {
        value["version"] = serde_json::Value::from(FORMAT_VERSION);
    }
    value
}

// Written with its kind flattened in, read through `NodeIn` (below).
/// One component on the canvas. Unknown fields are refused, here and in
/// each kind's parameters.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Node {
    /// Unique id.
    pub id: NodeId,
    /// Display label; the id when empty.
    #[serde(default)]
    pub label: String,
    /// Position on the canvas.
    #[serde(default)]
    pub pos: Point,
    /// Zone id (one of [`Scenario::zones`]), or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Kind and kind-specific parameters.
    #[serde(flatten)]
    pub kind: NodeKind,
}

/// A node on the wire, when read: its own fields beside its kind's name
/// and parameters. Read without serde's `flatten`, which buffers every
/// node through serde's generic `Content` (several KB of the page's Wasm).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeIn {
    id: NodeId,
    #[serde(default)]
    label: String,
    #[serde(default)]
    pos: Point,
    #[serde(default)]
    zone: Option<String>,
    kind: String,
    params: serde_json::Value,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let NodeIn { id, label, pos, zone, kind, params } = NodeIn::deserialize(d)?;
        Ok(Node { kind: NodeKind::from_wire(&kind, params)?, id, label, pos, zone })
    }
}

impl Scenario {
    /// Parses a scenario from JSON, migrating older format versions. A
    /// leading UTF-8 byte order mark is skipped.
    ///
    /// Errors: malformed JSON ([`ValidationError::Syntax`], with line and
    /// column); a missing or non-numeric `version`, or a field of the wrong
    /// type or shape ([`ValidationError::Invalid`], with its JSON path and,
    /// for the current version, line and column); a version newer than
    /// [`FORMAT_VERSION`]. The result is not yet validated: call
    /// [`Scenario::validate`].
    pub fn from_json(text: &str) -> Result<Scenario, ValidationError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ValidationError::Syntax(e.to_string()))?;
        let version = match value.get("version") {
            None => {
                return Err(version_problem(format!(
                    "missing: the format version, a whole number such as {FORMAT_VERSION}"
                )))
            }
            Some(v) => v
                .as_u64()
                .ok_or_else(|| version_problem(format!("must be a whole number such as {FORMAT_VERSION}, not {v}")))?,
        };
        let value = match version {
            v if v > u64::from(FORMAT_VERSION) => {
                return Err(ValidationError::NewerVersion { found: v, supported: FORMAT_VERSION })
            }
            0 => return Err(ValidationError::UnknownVersion(0)),
            v => migrate(value, v),
        };
        from_value_at(value).map_err(|(path, message)| {
            let place = place_in(text);
            ValidationError::Invalid(vec![Problem {
                path: join_path("$", &path),
                message: format!("{message}{place}"),
            }])
        })
    }

    /// The scenario as compact JSON (what [`Scenario::from_json`] reads).
    /// It goes through a JSON value, the one form the model serializes to
    /// in the Wasm build (one serializer per type keeps the page small).
    ///
    /// Errors: a value JSON cannot hold (a non-finite number).
    pub fn to_json(&self) -> Result<String, String> {
        serde_json::to_value(self).map(|v| v.to_string()).map_err(|e| e.to_string())
    }

    /// An empty scenario of the current format with default settings.
    pub fn empty() -> Scenario {
        Scenario {
            version: FORMAT_VERSION,
            title: String::new(),
            exercise: None,
            participant: String::new(),
            description: String::new(),
            difficulty: None,
            hints: Vec::new(),
            objectives: Vec::new(),
            settings: Settings::default(),
            zones: Vec::new(),
            nodes: Vec::new(),
            edges: Vec::new(),
            faults: Vec::new(),
        }
    }

    /// The node with this id, if any.
    pub fn node(&self, id: &NodeId) -> Option<&Node> {
        self.nodes.iter().find(|n| &n.id == id)
    }

    /// Each node's position in `nodes`, by id (one lookup per edge end
    /// instead of a scan). Built by inserting, not by `collect()`, which
    /// sorts a buffer first: that sort weighs about 2 KB in the page.
    pub fn node_indices(&self) -> BTreeMap<&NodeId, usize> {
        let mut index = BTreeMap::new();
        index.extend(self.nodes.iter().enumerate().map(|(i, n)| (&n.id, i)));
        index
    }

    /// The region of a node: its zone's region, or none.
    pub fn region_of(&self, node: &Node) -> Option<&str> {
        let zone = node.zone.as_deref()?;
        self.zones.iter().find(|z| z.id == zone).map(|z| z.region.as_str())
    }

    /// The one-way latency a call from `caller` to `callee` adds for
    /// crossing zones (`settings.cross_zone_ms`) or regions
    /// (`settings.cross_region_ms`), ms; 0 within a zone or without zones.
    pub fn placement_extra_ms(&self, caller: &Node, callee: &Node) -> f64 {
        match (caller.zone.as_ref(), callee.zone.as_ref()) {
            (Some(a), Some(b)) if a != b => {
                if self.region_of(caller) == self.region_of(callee) {
                    self.settings.cross_zone_ms
                } else {
                    self.settings.cross_region_ms
                }
            }
            _ => 0.0,
        }
    }

    /// The JSON Schema of the scenario format (draft 2020-12), as JSON text.
    pub fn json_schema() -> String {
        let schema = schemars::schema_for!(Scenario);
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    }
}
