//! Database parameters: a primary and read replicas, connection pools, read
//! and write times, replication mode and failover.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cost::{hourly, Price, RDS_M5_LARGE};
use super::limits::requests_bytes;
use super::validate::{check_service_time, check_slots, Checker, MAX_DB_REPLICAS, MAX_DURATION_S};
use super::{ComponentGroup, Crashable, Kind, KindInfo, Onward, Wiring};

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

/// The database kind.
impl Kind for DatabaseParams {
    const INFO: &'static KindInfo = &KindInfo {
        name: "database",
        title: "Database",
        plural: "databases",
        summary: "Primary + read replicas: async, semi-sync or sync replication, replication lag, stale reads, failover",
        group: ComponentGroup::Data,
        id_prefix: "db",
        icon: "M4 5a8 3 0 1 0 16 0a8 3 0 1 0 -16 0M4 5V19C4 21 20 21 20 19V5M4 12C4 14 20 14 20 12",
        slots: "connections",
        backlog: ("queued", "q"),
        onward: Onward::Each,
        backend: false,
        crash: Some(Crashable {
            part: "instance",
            whole: "Crash all",
            help: "Instance 0 is the first primary: crash it and writes fail until a replica is promoted (failover); with async replication the writes still in flight are lost",
        }),
    };

    fn check(&self, c: &mut Checker, path: &str) {
        if self.replicas > MAX_DB_REPLICAS {
            c.fail(format!("{path}.replicas"), format!("must be at most {MAX_DB_REPLICAS}"));
        }
        check_slots(c, path, "connections", self.connections, self.queue_capacity);
        check_service_time(c, &format!("{path}.read_time"), &self.read_time);
        check_service_time(c, &format!("{path}.write_time"), &self.write_time);
        c.range(&format!("{path}.ship_ms"), self.ship_ms, 0.0, 60_000.0);
        c.range(&format!("{path}.apply_ms"), self.apply_ms, 0.0, 3.6e6);
        c.range(&format!("{path}.detection_s"), self.detection_s, 0.0, MAX_DURATION_S);
        c.range(&format!("{path}.promotion_s"), self.promotion_s, 0.0, MAX_DURATION_S);
        if let Replication::SemiSync { acks } = self.replication {
            if acks == 0 || acks > self.replicas {
                c.fail(
                    format!("{path}.replication.acks"),
                    format!("must be 1 to the number of replicas ({})", self.replicas),
                );
            }
        }
    }

    /// The primary and every replica.
    fn crash_parts(&self) -> Option<u32> {
        Some(self.replicas + 1)
    }

    fn may_call(_callee: &KindInfo) -> Wiring {
        Wiring::Refused("a database calls no other node: its replicas are part of it (call it from a service pool)")
    }

    /// An RDS `db.m5.large` per instance.
    fn price(&self) -> Price {
        hourly(RDS_M5_LARGE)
    }

    fn instances(&self) -> f64 {
        f64::from(self.replicas) + 1.0
    }

    fn single_instance(&self) -> bool {
        self.replicas == 0
    }

    fn worst_case_bytes(&self, _sent: f64) -> u64 {
        requests_bytes(u64::from(self.replicas) + 1, self.connections.saturating_add(self.queue_capacity))
    }

    /// Instances are made when a run starts.
    fn restart_reason(&self, running: &Self) -> Option<&'static str> {
        (self.replicas != running.replicas).then_some("replicas")
    }
}
