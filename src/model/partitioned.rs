//! Partitioned store parameters: partitions, hash or range partitioning, a
//! replication factor and leader election.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
