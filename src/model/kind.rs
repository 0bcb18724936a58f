//! The closed set of component kinds and what the palette shows of them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{
    CacheParams, CdnParams, ClientParams, DatabaseParams, DnsParams, LoadBalancerParams, PartitionedParams,
    QueueParams, ServiceParams,
};

/// A component kind with its parameters. Serialized as
/// `"kind": "<name>", "params": { … }` inside a node (the `serde`
/// attribute describes that form to the JSON Schema; the (de)serializers
/// are written below).
#[derive(Clone, Debug, PartialEq, JsonSchema)]
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
    /// A Kafka-style topic with partitions and a consumer group.
    Queue(QueueParams),
    /// A store sharded over partitions, each with a leader and followers.
    PartitionedStore(PartitionedParams),
    /// A CDN edge caching the static class in front of an origin.
    Cdn(CdnParams),
    /// A DNS name routing client sessions to endpoints, with cached answers.
    Dns(DnsParams),
}

/// A kind on the wire, when written.
#[derive(Serialize)]
struct WireOut<'a> {
    kind: &'a str,
    params: serde_json::Value,
}

/// A kind on the wire, when read.
#[derive(Deserialize)]
struct WireIn {
    kind: String,
    params: serde_json::Value,
}

/// The (de)serializers of [`NodeKind`] go through its parameters as a JSON
/// value, so each kind's parameter (de)serializer exists once in the Wasm
/// build: serde's derived adjacently tagged form made one copy per
/// (de)serializer in use (about 50 KB).
macro_rules! wire_kinds {
    ($($variant:ident => $name:literal),* $(,)?) => {
        impl Serialize for NodeKind {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let params = match self {
                    $(NodeKind::$variant(p) => serde_json::to_value(p),)*
                };
                let params = params.map_err(serde::ser::Error::custom)?;
                WireOut { kind: self.info().name, params }.serialize(s)
            }
        }

        impl<'de> Deserialize<'de> for NodeKind {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let WireIn { kind, params } = WireIn::deserialize(d)?;
                let parsed = match kind.as_str() {
                    $($name => super::from_value_at(params).map(NodeKind::$variant),)*
                    other => return Err(serde::de::Error::unknown_variant(other, &[$($name),*])),
                };
                // The path inside the parameters, which the caller's path
                // (the node) does not reach: `params.workers: …`.
                parsed.map_err(|(path, message)| serde::de::Error::custom(format!("{}: {message}", super::join_path("params", &path))))
            }
        }
    };
}

wire_kinds! {
    Client => "client",
    LoadBalancer => "load_balancer",
    Service => "service",
    Cache => "cache",
    Database => "database",
    Queue => "queue",
    PartitionedStore => "partitioned_store",
    Cdn => "cdn",
    Dns => "dns",
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

const CLIENT: KindInfo = KindInfo {
    name: "client",
    title: "Clients",
    summary: "Traffic source: Poisson arrivals at a rate profile, or N users with think time",
    group: ComponentGroup::Traffic,
};

const LOAD_BALANCER: KindInfo = KindInfo {
    name: "load_balancer",
    title: "Load balancer",
    summary: "L4/L7 balancer: round robin, least outstanding, power of two choices, consistent hashing",
    group: ComponentGroup::Edge,
};

const DNS: KindInfo = KindInfo {
    name: "dns",
    title: "DNS",
    summary: "DNS routing: weighted, latency or geolocation answers cached for a TTL, health-checked endpoints",
    group: ComponentGroup::Edge,
};

const CDN: KindInfo = KindInfo {
    name: "cdn",
    title: "CDN",
    summary: "CDN edge: caches static requests by key for a TTL, fetches misses from the origin",
    group: ComponentGroup::Edge,
};

const SERVICE: KindInfo = KindInfo {
    name: "service",
    title: "Service pool",
    summary: "Replicas × workers with a bounded accept queue and downstream calls",
    group: ComponentGroup::Compute,
};

const CACHE: KindInfo = KindInfo {
    name: "cache",
    title: "Cache",
    summary: "Shared key–value cache (Memcached/Redis), cache-aside: LRU or LFU, TTL, hit ratio measured",
    group: ComponentGroup::Data,
};

const DATABASE: KindInfo = KindInfo {
    name: "database",
    title: "Database",
    summary: "Primary + read replicas: async, semi-sync or sync replication, replication lag, stale reads, failover",
    group: ComponentGroup::Data,
};

const PARTITIONED_STORE: KindInfo = KindInfo {
    name: "partitioned_store",
    title: "Partitioned store",
    summary: "Sharded store: hash or range partitioning, hot partitions under Zipf, leader election",
    group: ComponentGroup::Data,
};

const QUEUE: KindInfo = KindInfo {
    name: "queue",
    title: "Message queue",
    summary: "Kafka-style topic: partitions, acks 0/1/all, a consumer group, consumer lag",
    group: ComponentGroup::Messaging,
};

/// Every kind, in palette order.
pub const KINDS: &[KindInfo] = &[CLIENT, DNS, CDN, LOAD_BALANCER, SERVICE, CACHE, DATABASE, PARTITIONED_STORE, QUEUE];

impl NodeKind {
    /// A new component of the kind named `name` (see [`KINDS`]) with its
    /// default parameters, or None for an unknown name.
    pub fn default_for(name: &str) -> Option<NodeKind> {
        match name {
            "client" => Some(NodeKind::Client(ClientParams::default())),
            "load_balancer" => Some(NodeKind::LoadBalancer(LoadBalancerParams::default())),
            "service" => Some(NodeKind::Service(ServiceParams::default())),
            "cache" => Some(NodeKind::Cache(CacheParams::default())),
            "cdn" => Some(NodeKind::Cdn(CdnParams::default())),
            "dns" => Some(NodeKind::Dns(DnsParams::default())),
            "database" => Some(NodeKind::Database(DatabaseParams::default())),
            "partitioned_store" => Some(NodeKind::PartitionedStore(PartitionedParams::default())),
            "queue" => Some(NodeKind::Queue(QueueParams::default())),
            _ => None,
        }
    }

    /// How many parts of a node of this kind crash one by one (a fault's
    /// `replica` 0 to n − 1): pool replicas, database instances, partition
    /// leaders, queue consumers; a cache or CDN edge is one part. None for
    /// kinds that do not crash (clients, balancers, DNS).
    pub fn crash_parts(&self) -> Option<u32> {
        match self {
            NodeKind::Service(p) => Some(p.slots()),
            NodeKind::Cache(_) | NodeKind::Cdn(_) => Some(1),
            NodeKind::Database(p) => Some(p.replicas + 1),
            NodeKind::PartitionedStore(p) => Some(p.partitions),
            NodeKind::Queue(p) => Some(p.consumers),
            NodeKind::LoadBalancer(p) => Some(if p.pair.is_some() { 2 } else { 1 }),
            NodeKind::Client(_) | NodeKind::Dns(_) => None,
        }
    }

    /// Whether a request can pass through a node of this kind, to its
    /// outgoing calls, in no simulated time (every time parameter on its
    /// way 0 ms; a DNS name answers from its cache in no time).
    pub fn can_take_no_time(&self) -> bool {
        match self {
            NodeKind::Service(p) => p.service_time.can_be_zero(),
            NodeKind::Cache(p) => p.op_ms == 0.0,
            NodeKind::Cdn(p) => p.edge_ms == 0.0,
            NodeKind::LoadBalancer(p) => p.processing_time_ms == 0.0,
            NodeKind::Queue(p) => p.append_ms == 0.0 && p.replication_ms == 0.0 && p.consumer_time.can_be_zero(),
            NodeKind::Dns(_) => true,
            NodeKind::Client(_) | NodeKind::Database(_) | NodeKind::PartitionedStore(_) => false,
        }
    }

    /// The palette entry of this kind.
    pub fn info(&self) -> &'static KindInfo {
        match self {
            NodeKind::Client(_) => &CLIENT,
            NodeKind::LoadBalancer(_) => &LOAD_BALANCER,
            NodeKind::Service(_) => &SERVICE,
            NodeKind::Cache(_) => &CACHE,
            NodeKind::Database(_) => &DATABASE,
            NodeKind::Queue(_) => &QUEUE,
            NodeKind::PartitionedStore(_) => &PARTITIONED_STORE,
            NodeKind::Cdn(_) => &CDN,
            NodeKind::Dns(_) => &DNS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_palette_kind_makes_a_node_of_that_kind() {
        for info in KINDS {
            let kind = NodeKind::default_for(info.name).unwrap_or_else(|| panic!("{}", info.name));
            assert_eq!(kind.info(), info);
            // The serialized tag is the palette name.
            assert_eq!(serde_json::to_value(&kind).unwrap()["kind"], info.name);
        }
    }
}
