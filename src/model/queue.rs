//! Message queue parameters: a Kafka-style topic with partitions and a
//! consumer group.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    pub style: QueueStyle,
    /// Partitions of the topic (1–1000; a work queue has one).
    pub partitions: u32,
    /// Consumers in the group (1–1000); at most one per partition, so extra
    /// consumers stay idle.
    pub consumers: u32,
    /// Time a consumer takes to process one message (before its calls).
    pub consumer_time: ServiceTime,
    /// How a message picks its partition.
    pub partitioner: Partitioner,
    /// When the broker acknowledges a publish.
    pub acks: Acks,
    /// Time for the partition leader to append a message to its log, ms.
    pub append_ms: f64,
    /// Time for the in-sync followers to replicate an appended message, ms;
    /// consumers see a message once it is replicated (the high watermark).
    pub replication_ms: f64,
    /// When a consumer commits its offset, which decides what its crash
    /// loses or repeats.
    pub delivery: Delivery,
    /// Time for the group to reassign a crashed consumer's partitions
    /// (session timeout plus rebalance), s.
    pub rebalance_s: f64,
    /// Time to elect new partition leaders after a broker failure, s.
    pub election_s: f64,
    /// Work queue: deliveries of a message (the first and the redeliveries
    /// after a failed processing or a consumer crash) before it goes to the
    /// dead-letter queue (RabbitMQ's `delivery-limit`), ≥ 1.
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
