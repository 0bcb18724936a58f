//! Message queue parameters: a Kafka-style topic with partitions and a
//! consumer group.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::cost::{hourly, Price, EC2_M5_LARGE, HOURS_PER_MONTH, MSK_M5_LARGE, QUEUE_BROKERS};
use super::limits::MESSAGE_BYTES;
use super::validate::{check_service_time, Checker};
use super::{ComponentGroup, Crashable, FaultKind, Kind, KindInfo, Onward, Wiring};

use super::ServiceTime;

/// A topic of `partitions` partitioned logs on a broker cluster, read by a
/// consumer group of `consumers`. A request sent to the node publishes one
/// message and completes on the broker's acknowledgement, so the producer's
/// latency does not depend on the consumers. Each consumer processes the
/// messages of its partitions one at a time (`consumer_time`, then the
/// node's outgoing calls) and commits its offset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct QueueParams {
    /// A partitioned log read by a consumer group (Kafka), or one queue
    /// shared by competing consumers with acknowledgements (RabbitMQ).
    #[schemars(extend("x-main" = true, "x-help" = "A partitioned log read by a consumer group (Kafka) or one queue of competing consumers (RabbitMQ)"))]
    pub style: QueueStyle,
    /// Partitions of the topic (1–1000; a work queue has one).
    #[schemars(range(min = 1, max = super::validate::MAX_PARTITIONS), extend("x-main" = true, "x-help" = "Partitions of the topic: at most one consumer of the group reads each", "x-unit" = "partitions"))]
    pub partitions: u32,
    /// Consumers in the group (1–1000); at most one per partition, so extra
    /// consumers stay idle.
    #[schemars(range(min = 1, max = super::validate::MAX_PARTITIONS), extend("x-main" = true, "x-help" = "Consumers in the group; more than the partitions stay idle", "x-unit" = "consumers"))]
    pub consumers: u32,
    /// Time a consumer takes to process one message (before its calls).
    #[schemars(extend("x-main" = true, "x-help" = "Time a consumer takes to process one message"))]
    pub consumer_time: ServiceTime,
    /// How a message picks its partition.
    #[schemars(extend("x-help" = "By key hash (per-key order) or in turn"))]
    pub partitioner: Partitioner,
    /// When the broker acknowledges a publish.
    #[schemars(extend("x-help" = "Replicas a publish waits for: none, the leader, or all in-sync replicas"))]
    pub acks: Acks,
    /// Time for the partition leader to append a message to its log, ms.
    #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "Time for the partition leader to append a message"))]
    pub append_ms: f64,
    /// Time for the in-sync followers to replicate an appended message, ms;
    /// consumers see a message once it is replicated (the high watermark).
    #[schemars(range(min = 0.0, max = 60_000.0), extend("x-help" = "Time for the in-sync followers to replicate it; consumers see it after"))]
    pub replication_ms: f64,
    /// When a consumer commits its offset, which decides what its crash
    /// loses or repeats.
    #[schemars(extend("x-help" = "Commit or acknowledge before processing (at most once) or after (at least once)"))]
    pub delivery: Delivery,
    /// Time for the group to reassign a crashed consumer's partitions
    /// (session timeout plus rebalance), s.
    #[schemars(range(min = 0.0, max = super::validate::MAX_DURATION_S), extend("x-help" = "Time to reassign a crashed consumer's partitions"))]
    pub rebalance_s: f64,
    /// Time to elect new partition leaders after a broker failure, s.
    #[schemars(range(min = 0.0, max = super::validate::MAX_DURATION_S), extend("x-help" = "Time to elect new partition leaders after a broker failure"))]
    pub election_s: f64,
    /// Work queue: deliveries of a message (the first and the redeliveries
    /// after a failed processing or a consumer crash) before it goes to the
    /// dead-letter queue (RabbitMQ's `delivery-limit`), ≥ 1.
    #[schemars(range(min = 1, max = 1000), extend("x-help" = "Work queue: deliveries of a failing message before it is dead-lettered", "x-unit" = "deliveries"))]
    pub max_deliveries: u32,
}

impl Default for QueueParams {
    fn default() -> Self {
        QueueParams {
            style: QueueStyle::Log,
            partitions: 6,
            consumers: 3,
            consumer_time: ServiceTime::Exponential { mean_ms: 10.0 },
            partitioner: Partitioner::KeyHash,
            acks: Acks::Leader,
            append_ms: 2.0,
            replication_ms: 5.0,
            delivery: Delivery::AtLeastOnce,
            rebalance_s: 10.0,
            election_s: 5.0,
            max_deliveries: 5,
        }
    }
}

/// What kind of queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueStyle {
    /// Kafka: partitioned logs, one consumer of the group per partition,
    /// offsets committed.
    #[default]
    Log,
    /// RabbitMQ: one queue whose messages go to whichever consumer is free;
    /// a consumer acknowledges a message after processing it, a failed or
    /// unacknowledged one is redelivered, up to `max_deliveries`, then
    /// dead-lettered.
    WorkQueue,
}

/// How a message picks its partition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Partitioner {
    /// By a hash of the request key: one key, one partition, in order.
    #[default]
    KeyHash,
    /// In turn, as for messages without a key.
    RoundRobin,
}

/// The producer's `acks` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Acks {
    /// `acks=0`: no acknowledgement; the producer moves on at once and a
    /// message the broker never took is silently lost.
    None,
    /// `acks=1`: once the leader appended it; lost if the leader fails
    /// before the followers replicated it.
    #[default]
    Leader,
    /// `acks=all`: once every in-sync replica has it; survives a leader
    /// failure.
    All,
}

/// Offset commit (log) or acknowledgement (work queue) policy of the
/// consumers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Commit before processing (a work queue's automatic acknowledgement):
    /// a consumer crash loses the message it was processing.
    AtMostOnce,
    /// Commit (acknowledge) after processing: a consumer crash makes the
    /// message processed again (a duplicate).
    #[default]
    AtLeastOnce,
}

/// The message queue kind.
impl Kind for QueueParams {
    const INFO: &'static KindInfo = &KindInfo {
        name: "queue",
        title: "Message queue",
        plural: "queues",
        summary: "Kafka-style topic: partitions, acks 0/1/all, a consumer group, consumer lag",
        group: ComponentGroup::Messaging,
        id_prefix: "queue",
        icon: "M4.5 7h15a1.5 1.5 0 0 1 1.5 1.5v7a1.5 1.5 0 0 1 -1.5 1.5h-15a1.5 1.5 0 0 1 -1.5 -1.5v-7a1.5 1.5 0 0 1 1.5 -1.5zM8 7V17M13 7V17",
        slots: "consumers",
        backlog: ("messages of lag", "lag"),
        onward: Onward::Decoupled,
        backend: false,
        crash: Some(Crashable {
            part: "consumer",
            whole: "Fail broker",
            help: "A broker failure fails publishes until new partition leaders are elected and loses unreplicated messages (unless acks = all); a consumer crash loses or repeats its message and its partitions wait for the rebalance",
            apart: true,
        }),
    };

    fn check(&self, c: &mut Checker, path: &str) {
        check_service_time(c, &format!("{path}.consumer_time"), &self.consumer_time);
    }

    /// Each consumer (the broker fails as a whole).
    fn crash_parts(&self) -> Option<u32> {
        Some(self.consumers)
    }

    /// Besides crashes, the consumers stopped (they stay in the group).
    fn takes(&self, fault: FaultKind) -> bool {
        matches!(fault, FaultKind::Crash | FaultKind::Stop)
    }

    fn can_take_no_time(&self) -> bool {
        self.append_ms == 0.0 && self.replication_ms == 0.0 && self.consumer_time.can_be_zero()
    }

    fn may_call(_callee: &KindInfo) -> Wiring {
        Wiring::SyncOrAsync
    }

    /// An Amazon MSK `kafka.m5.large` per broker.
    fn price(&self) -> Price {
        hourly(MSK_M5_LARGE)
    }

    fn instances(&self) -> f64 {
        QUEUE_BROKERS
    }

    /// The consumers run on EC2 `m5.large` instances of their own.
    fn extra_monthly_usd(&self) -> f64 {
        f64::from(self.consumers) * EC2_M5_LARGE * HOURS_PER_MONTH
    }

    /// The backlog has no retention limit: at most every message sent.
    fn worst_case_bytes(&self, sent: f64) -> u64 {
        (sent.min(u64::MAX as f64) as u64).saturating_mul(MESSAGE_BYTES)
    }

    /// Partitions and consumers are made when a run starts.
    fn restart_reason(&self, running: &Self) -> Option<&'static str> {
        ((self.partitions, self.consumers) != (running.partitions, running.consumers))
            .then_some("partitions or consumers")
    }
}
