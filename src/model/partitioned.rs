//! Partitioned store parameters: partitions, hash or range partitioning, a
//! replication factor and leader election.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cost::{hourly, Price, RDS_M5_LARGE};
use super::limits::requests_bytes;
use super::validate::{check_service_time, Checker};
use super::{ComponentGroup, Crashable, Kind, KindInfo, Onward, Wiring};

use super::ServiceTime;

/// A store split into `partitions` (shards), each led by one replica that
/// serves its reads and writes with `connections` at once and a queue of
/// `queue_capacity`; `replication_factor` − 1 followers stand by to take
/// over. Keys are the ranks the clients draw (1 = the most popular under
/// Zipf).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PartitionedParams {
    /// Partitions (1–1000).
    #[schemars(range(min = 1, max = super::validate::MAX_PARTITIONS), extend("x-main" = true, "x-help" = "Partitions (shards) the keys are split over", "x-unit" = "partitions"))]
    pub partitions: u32,
    /// How a key finds its partition.
    #[schemars(extend("x-main" = true, "x-help" = "By key hash (even on average) or by key range (neighbours together, hot ranges hot)"))]
    pub partitioning: Partitioning,
    /// Keys 1..=`key_space` that range partitioning splits into equal
    /// ranges (keys beyond go to the last partition), ≥ 1.
    #[schemars(range(min = 1), extend("x-help" = "Keys 1 to this that range partitioning splits into equal ranges", "x-unit" = "keys"))]
    pub key_space: u64,
    /// Copies of each partition: one leader and `replication_factor` − 1
    /// followers (1–9).
    #[schemars(range(min = 1, max = 9), extend("x-main" = true, "x-help" = "Copies of each partition: a leader and followers that can take over", "x-unit" = "copies"))]
    pub replication_factor: u32,
    /// Operations a partition leader serves at once, ≥ 1.
    #[schemars(range(min = 1, max = super::validate::MAX_WORKERS), extend("x-main" = true, "x-help" = "Queries a partition leader runs at once", "x-unit" = "connections"))]
    pub connections: u32,
    /// Operations waiting per partition before new ones are rejected.
    #[schemars(range(max = super::validate::MAX_QUEUE), extend("x-help" = "Queries waiting per partition before new ones are rejected", "x-unit" = "queries"))]
    pub queue_capacity: u32,
    /// Time of one read.
    #[schemars(extend("x-help" = "Time of one read on a partition"))]
    pub read_time: ServiceTime,
    /// Time of one write.
    #[schemars(extend("x-help" = "Time of one write on a partition"))]
    pub write_time: ServiceTime,
    /// Time to elect a follower after a leader fails, s.
    #[schemars(range(min = 0.0, max = super::validate::MAX_DURATION_S), extend("x-help" = "Time to elect a new leader after a leader crash"))]
    pub election_s: f64,
}

impl Default for PartitionedParams {
    fn default() -> Self {
        PartitionedParams {
            partitions: 4,
            partitioning: Partitioning::Hash,
            key_space: 10_000,
            replication_factor: 3,
            connections: 16,
            queue_capacity: 200,
            read_time: ServiceTime::Exponential { mean_ms: 2.0 },
            write_time: ServiceTime::Exponential { mean_ms: 4.0 },
            election_s: 10.0,
        }
    }
}

/// How keys map to partitions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Partitioning {
    /// By a hash of the key: even on average, but a hot key still makes its
    /// partition hot.
    #[default]
    Hash,
    /// By key range (keys 1 to K/N on the first partition, …): neighbouring
    /// keys together, and under Zipf the popular low ranks on one partition.
    Range,
}

/// The partitioned store kind.
impl Kind for PartitionedParams {
    const INFO: &'static KindInfo = &KindInfo {
        name: "partitioned_store",
        title: "Partitioned store",
        plural: "partitioned stores",
        summary: "Sharded store: hash or range partitioning, hot partitions under Zipf, leader election",
        group: ComponentGroup::Data,
        id_prefix: "store",
        icon: "M4.5 4h5a1.5 1.5 0 0 1 1.5 1.5v4a1.5 1.5 0 0 1 -1.5 1.5h-5a1.5 1.5 0 0 1 -1.5 -1.5v-4a1.5 1.5 0 0 1 1.5 -1.5zM14.5 4h5a1.5 1.5 0 0 1 1.5 1.5v4a1.5 1.5 0 0 1 -1.5 1.5h-5a1.5 1.5 0 0 1 -1.5 -1.5v-4a1.5 1.5 0 0 1 1.5 -1.5zM4.5 13h5a1.5 1.5 0 0 1 1.5 1.5v4a1.5 1.5 0 0 1 -1.5 1.5h-5a1.5 1.5 0 0 1 -1.5 -1.5v-4a1.5 1.5 0 0 1 1.5 -1.5zM14.5 13h5a1.5 1.5 0 0 1 1.5 1.5v4a1.5 1.5 0 0 1 -1.5 1.5h-5a1.5 1.5 0 0 1 -1.5 -1.5v-4a1.5 1.5 0 0 1 1.5 -1.5z",
        slots: "connections",
        backlog: ("queued", "q"),
        onward: Onward::Each,
        backend: false,
        crash: Some(Crashable {
            part: "partition leader",
            whole: "Crash all leaders",
            help: "A leader crash fails its partition's requests until a follower is elected (or, with no follower left, until it recovers)",
            apart: false,
        }),
    };

    fn check(&self, c: &mut Checker, path: &str) {
        check_service_time(c, &format!("{path}.read_time"), &self.read_time);
        check_service_time(c, &format!("{path}.write_time"), &self.write_time);
    }

    /// Each partition's leader.
    fn crash_parts(&self) -> Option<u32> {
        Some(self.partitions)
    }

    fn may_call(_callee: &KindInfo) -> Wiring {
        Wiring::Refused(
            "a partitioned store calls no other node: its partitions are part of it (call it from a service pool)",
        )
    }

    /// An RDS `db.m5.large` per copy of each partition.
    fn price(&self) -> Price {
        hourly(RDS_M5_LARGE)
    }

    fn instances(&self) -> f64 {
        f64::from(self.partitions) * f64::from(self.replication_factor)
    }

    fn worst_case_bytes(&self, _sent: f64) -> u64 {
        requests_bytes(u64::from(self.partitions), self.connections.saturating_add(self.queue_capacity))
    }
}
