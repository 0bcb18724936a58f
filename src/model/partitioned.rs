//! Partitioned store parameters: partitions, hash or range partitioning, a
//! replication factor and leader election.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cost::{hourly, Price, RDS_M5_LARGE};
use super::limits::requests_bytes;
use super::validate::{check_service_time, check_slots, Checker, MAX_DURATION_S, MAX_PARTITIONS};
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
    pub partitions: u32,
    /// How a key finds its partition.
    pub partitioning: Partitioning,
    /// Keys 1..=`key_space` that range partitioning splits into equal
    /// ranges (keys beyond go to the last partition), ≥ 1.
    pub key_space: u64,
    /// Copies of each partition: one leader and `replication_factor` − 1
    /// followers (1–9).
    pub replication_factor: u32,
    /// Operations a partition leader serves at once, ≥ 1.
    pub connections: u32,
    /// Operations waiting per partition before new ones are rejected.
    pub queue_capacity: u32,
    /// Time of one read.
    pub read_time: ServiceTime,
    /// Time of one write.
    pub write_time: ServiceTime,
    /// Time to elect a follower after a leader fails, s.
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
        }),
    };

    fn check(&self, c: &mut Checker, path: &str) {
        if self.partitions == 0 || self.partitions > MAX_PARTITIONS {
            c.fail(format!("{path}.partitions"), format!("must be 1 to {MAX_PARTITIONS}"));
        }
        if self.key_space == 0 {
            c.fail(format!("{path}.key_space"), "must be at least 1");
        }
        if !(1..=9).contains(&self.replication_factor) {
            c.fail(format!("{path}.replication_factor"), "must be 1 to 9");
        }
        check_slots(c, path, "connections", self.connections, self.queue_capacity);
        check_service_time(c, &format!("{path}.read_time"), &self.read_time);
        check_service_time(c, &format!("{path}.write_time"), &self.write_time);
        c.range(&format!("{path}.election_s"), self.election_s, 0.0, MAX_DURATION_S);
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
