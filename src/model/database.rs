//! Database parameters: a primary and read replicas, connection pools, read
//! and write times, replication mode and failover.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::ServiceTime;

/// A replicated database (MySQL / PostgreSQL style): one primary takes the
/// writes, `replicas` read replicas apply them through replication; reads
/// go where `read_from` says. Each instance serves at most `connections`
/// queries at once (its connection pool) and queues up to `queue_capacity`
/// more.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseParams {
    /// Read replicas besides the primary (0–100).
    pub replicas: u32,
    /// Queries an instance runs at once (its connection pool), ≥ 1.
    pub connections: u32,
    /// Queries waiting for a connection per instance before new ones are
    /// rejected.
    pub queue_capacity: u32,
    /// Time of one read query.
    pub read_time: ServiceTime,
    /// Time of one write on the primary, up to its commit.
    pub write_time: ServiceTime,
    /// Where reads go.
    pub read_from: ReadFrom,
    /// When the primary acknowledges a write.
    pub replication: Replication,
    /// One-way latency of the replication link from the primary to each
    /// replica, ms.
    pub ship_ms: f64,
    /// Mean time a replica takes to apply one write, ms (exponential; a
    /// replica applies writes one at a time, in commit order).
    pub apply_ms: f64,
    /// Heartbeat timeout: time from a primary crash to its being declared
    /// dead, s.
    pub detection_s: f64,
    /// Promotion delay: time from the detection to a replica taking over
    /// as the primary, s.
    pub promotion_s: f64,
}

impl Default for DatabaseParams {
    fn default() -> Self {
        DatabaseParams {
            replicas: 2,
            connections: 50,
            queue_capacity: 200,
            read_time: ServiceTime::Exponential { mean_ms: 5.0 },
            write_time: ServiceTime::Exponential { mean_ms: 10.0 },
            read_from: ReadFrom::Replicas,
            replication: Replication::Async,
            ship_ms: 1.0,
            apply_ms: 2.0,
            detection_s: 10.0,
            promotion_s: 20.0,
        }
    }
}

/// Where a database serves reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadFrom {
    /// Every read on the primary (no stale reads; replicas only stand by).
    Primary,
    /// Reads spread round robin over the replicas that are up (the primary
    /// when none is).
    #[default]
    Replicas,
}

/// When the primary acknowledges a write to its caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum Replication {
    /// At its own commit; replicas catch up later (MySQL's default).
    #[default]
    Async,
    /// Once `acks` replicas have received the write (MySQL semi-synchronous
    /// replication, `rpl_semi_sync_master_wait_for_slave_count`); with
    /// fewer replicas up, once all of those have (as MySQL falls back
    /// towards async after its timeout).
    SemiSync {
        /// Replicas whose receipt a commit waits for, ≥ 1.
        acks: u32,
    },
    /// Once every replica has applied the write (PostgreSQL
    /// `synchronous_commit = remote_apply` on all standbys): while a
    /// replica is down, commits wait for it.
    Sync,
    /// Every instance is a primary (master–master): each takes reads and
    /// writes and replicates its writes asynchronously to the others, so
    /// two writes to one key on different primaries, each made before the
    /// other arrived, conflict (resolved last writer wins).
    MultiPrimary,
}
