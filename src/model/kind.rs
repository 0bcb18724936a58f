//! The closed set of component kinds and what the palette shows of them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CacheParams, ClientParams, DatabaseParams, LoadBalancerParams, ServiceParams};

/// A component kind with its parameters. Serialized as
/// `"kind": "<name>", "params": { … }` inside a node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "params", rename_all = "snake_case")]
pub enum NodeKind {
    /// A traffic source: open-loop arrivals or closed-loop users.
    Client(ClientParams),
    /// A load balancer (L4 or L7) spreading requests over backends.
    LoadBalancer(LoadBalancerParams),
    /// A pool of identical service replicas, each with a thread pool.
    Service(ServiceParams),
    /// A shared key–value cache (Memcached / Redis) read cache-aside in
    /// front of the nodes it calls.
    Cache(CacheParams),
    /// A replicated database: a primary for writes, read replicas, failover.
    Database(DatabaseParams),
}

/// Palette groups, in the order a request usually meets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComponentGroup {
    /// Clients and traffic sources.
    Traffic,
    /// Load balancers, gateways, CDN and DNS.
    Edge,
    /// Service pools.
    Compute,
    /// Caches, databases, partitioned stores.
    Data,
    /// Queues and logs.
    Messaging,
}

impl ComponentGroup {
    /// Heading shown in the palette.
    pub fn title(self) -> &'static str {
        match self {
            ComponentGroup::Traffic => "Traffic",
            ComponentGroup::Edge => "Edge",
            ComponentGroup::Compute => "Compute",
            ComponentGroup::Data => "Data",
            ComponentGroup::Messaging => "Messaging",
        }
    }
}

/// What the palette and the docs say about a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindInfo {
    /// Serialized kind name (`client`, `load_balancer`, …); also the suffix
    /// of the palette's `data-testid="palette-<kind>"`.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// One-line description for tooltips.
    pub summary: &'static str,
    /// Palette group.
    pub group: ComponentGroup,
}

/// Every kind, in palette order.
pub const KINDS: &[KindInfo] = &[
    KindInfo {
        name: "client",
        title: "Clients",
        summary: "Traffic source: Poisson arrivals at a rate profile, or N users with think time",
        group: ComponentGroup::Traffic,
    },
    KindInfo {
        name: "load_balancer",
        title: "Load balancer",
        summary: "L4/L7 balancer: round robin, least outstanding, power of two choices, consistent hashing",
        group: ComponentGroup::Edge,
    },
    KindInfo {
        name: "service",
        title: "Service pool",
        summary: "Replicas × workers with a bounded accept queue and downstream calls",
        group: ComponentGroup::Compute,
    },
    KindInfo {
        name: "cache",
        title: "Cache",
        summary: "Shared key–value cache (Memcached/Redis), cache-aside: LRU or LFU, TTL, hit ratio measured",
        group: ComponentGroup::Data,
    },
    KindInfo {
        name: "database",
        title: "Database",
        summary:
            "Primary + read replicas: async, semi-sync or sync replication, replication lag, stale reads, failover",
        group: ComponentGroup::Data,
    },
];

impl NodeKind {
    /// A new component of the kind named `name` (see [`KINDS`]) with its
    /// default parameters, or None for an unknown name.
    pub fn default_for(name: &str) -> Option<NodeKind> {
        match name {
            "client" => Some(NodeKind::Client(ClientParams::default())),
            "load_balancer" => Some(NodeKind::LoadBalancer(LoadBalancerParams::default())),
            "service" => Some(NodeKind::Service(ServiceParams::default())),
            "cache" => Some(NodeKind::Cache(CacheParams::default())),
            "database" => Some(NodeKind::Database(DatabaseParams::default())),
            _ => None,
        }
    }

    /// The palette entry of this kind.
    pub fn info(&self) -> &'static KindInfo {
        match self {
            NodeKind::Client(_) => &KINDS[0],
            NodeKind::LoadBalancer(_) => &KINDS[1],
            NodeKind::Service(_) => &KINDS[2],
            NodeKind::Cache(_) => &KINDS[3],
            NodeKind::Database(_) => &KINDS[4],
        }
    }
}
