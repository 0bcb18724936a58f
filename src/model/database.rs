//! Database parameters: a primary and read replicas, connection pools, read
//! and write times, replication mode and failover.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cost::{hourly, Price, RDS_M5_LARGE};
use super::limits::requests_bytes;
use super::validate::{check_service_time, Checker};
use super::{ComponentGroup, Crashable, Kind, KindInfo, Onward, Wiring};

use super::tagged::read_tagged;
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
    #[schemars(range(min = 0, max = super::validate::MAX_DB_REPLICAS), extend("x-main" = true, "x-help" = "Read replicas besides the primary", "x-unit" = "replicas"))]
    pub replicas: u32,
    /// Queries an instance runs at once (its connection pool), ≥ 1.
    #[schemars(range(min = 1, max = super::validate::MAX_WORKERS), extend("x-main" = true, "x-help" = "Queries an instance runs at once (its connection pool)", "x-unit" = "connections"))]
    pub connections: u32,
    /// Queries waiting for a connection per instance before new ones are
    /// rejected.
    #[schemars(range(max = super::validate::MAX_QUEUE), extend("x-help" = "Queries waiting per instance before new ones are rejected", "x-unit" = "queries"))]
    pub queue_capacity: u32,
    /// Time of one read query.
    #[schemars(extend("x-help" = "Time of one read query on a connection"))]
    pub read_time: ServiceTime,
    /// Time of one write on the primary, up to its commit.
    #[schemars(extend("x-help" = "Time of one write query on the primary"))]
    pub write_time: ServiceTime,
    /// Where reads go.
    #[schemars(extend("x-main" = true, "x-help" = "Reads on the primary, or spread over the replicas (which may lag)"))]
    pub read_from: ReadFrom,
    /// When the primary acknowledges a write.
    #[schemars(extend("x-main" = true, "x-help" = "How a commit waits for the replicas: async, semi-sync (some acks), sync, or multi-primary"))]
    pub replication: Replication,
    /// One-way latency of the replication link from the primary to each
    /// replica, ms.
    #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "One-way latency of the replication link to each replica"))]
    pub ship_ms: f64,
    /// Mean time a replica takes to apply one write, ms (exponential; a
    /// replica applies writes one at a time, in commit order).
    #[schemars(range(min = 0.0, max = 3.6e6), extend("x-help" = "Mean time a replica takes to apply one write (one at a time)"))]
    pub apply_ms: f64,
    /// Heartbeat timeout: time from a primary crash to its being declared
    /// dead, s.
    #[schemars(range(min = 0.0, max = super::validate::MAX_DURATION_S), extend("x-help" = "Heartbeat timeout: time before a primary's crash is noticed"))]
    pub detection_s: f64,
    /// Promotion delay: time from the detection to a replica taking over
    /// as the primary, s.
    #[schemars(range(min = 0.0, max = super::validate::MAX_DURATION_S), extend("x-help" = "Time from the detection to a replica promoted as the primary"))]
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(extend("x-choices" = [{"mode": "async"}, {"mode": "semi_sync", "acks": 1}, {"mode": "sync"}]))]
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
        #[schemars(range(min = 1, max = super::validate::MAX_DB_REPLICAS), extend("x-help" = "Replicas whose receipt a commit waits for (1 to the replicas)", "x-unit" = "replicas"))]
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

read_tagged!(Replication by "mode" { acks: u32 }
    Async {},
    SemiSync { acks },
    Sync {},
    MultiPrimary {},
);

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
            apart: false,
        }),
    };

    fn check(&self, c: &mut Checker, path: &str) {
        check_service_time(c, &format!("{path}.read_time"), &self.read_time);
        check_service_time(c, &format!("{path}.write_time"), &self.write_time);
        if let Replication::SemiSync { acks } = self.replication {
            if acks > self.replicas {
                let message = format!("must be 1 to the number of replicas ({})", self.replicas);
                c.fail(format!("{path}.replication.acks"), message);
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
