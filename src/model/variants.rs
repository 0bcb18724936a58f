//! The choices of every variant field (a distribution, a rate shape, an
//! algorithm…) with default parameters, so an editor can offer them and
//! switch between them. Keyed by the name of the field holding the enum.

use serde::Serialize;
use serde_json::Value;

use super::{
    Acks, Arrivals, Backoff, BackoffJitter, CallMode, Delivery, DnsPolicy, Eviction, HashOn, Jitter, KeyDistribution,
    LbAlgorithm, LbMode, PairMode, Partitioner, Partitioning, QueueStyle, RatePoint, RateProfile, ReadFrom,
    Replication, ScalingMetric, ServiceTime, WritePolicy,
};

/// The tag field naming the variant, and every variant with default
/// parameters as JSON, for the enum held in a field named `field`
/// (`service_time`, a database's `read_time` and `write_time`, a queue's
/// `consumer_time`, `rate`,
/// `arrivals`, `algorithm`, `mode`, `replication`, `keys`, `jitter`). None for other fields.
pub fn variants(field: &str) -> Option<(&'static str, Vec<Value>)> {
    fn json<T: Serialize>(items: &[T]) -> Vec<Value> {
        items.iter().filter_map(|v| serde_json::to_value(v).ok()).collect()
    }
    Some(match field {
        "service_time" | "read_time" | "write_time" | "consumer_time" => (
            "dist",
            json(&[
                ServiceTime::Exponential { mean_ms: 20.0 },
                ServiceTime::Constant { ms: 20.0 },
                ServiceTime::Lognormal { mean_ms: 20.0, p99_ms: 100.0 },
                ServiceTime::Empirical { samples_ms: vec![10.0, 15.0, 20.0, 25.0, 60.0] },
            ]),
        ),
        "rate" => (
            "shape",
            json(&[
                RateProfile::Constant { rps: 100.0 },
                RateProfile::Step { before_rps: 100.0, after_rps: 300.0, at_s: 30.0 },
                RateProfile::Ramp { from_rps: 100.0, to_rps: 500.0, start_s: 10.0, end_s: 50.0 },
                RateProfile::Spike { base_rps: 100.0, peak_rps: 1000.0, at_s: 20.0, duration_s: 10.0 },
                RateProfile::Sinusoidal { mean_rps: 100.0, amplitude_rps: 50.0, period_s: 60.0 },
                RateProfile::Piecewise {
                    points: vec![RatePoint { t_s: 0.0, rps: 100.0 }, RatePoint { t_s: 60.0, rps: 200.0 }],
                },
            ]),
        ),
        "arrivals" => (
            "model",
            json(&[
                Arrivals::Open { rate: RateProfile::Constant { rps: 100.0 } },
                Arrivals::Closed { users: 100, think_time_ms: 1000.0 },
            ]),
        ),
        "algorithm" => (
            "name",
            json(&[
                LbAlgorithm::RoundRobin,
                LbAlgorithm::WeightedRoundRobin,
                LbAlgorithm::Random,
                LbAlgorithm::LeastOutstanding,
                LbAlgorithm::PowerOfTwoChoices,
                LbAlgorithm::ConsistentHash { on: HashOn::Session },
            ]),
        ),
        "mode" => ("layer", json(&[LbMode::L4, LbMode::L7 { routes: Vec::new() }])),
        "replication" => ("mode", json(&[Replication::Async, Replication::SemiSync { acks: 1 }, Replication::Sync])),
        "keys" => {
            ("law", json(&[KeyDistribution::Uniform { keys: 10_000 }, KeyDistribution::Zipf { keys: 10_000, s: 0.9 }]))
        }
        "jitter" => {
            ("dist", json(&[Jitter::None, Jitter::Uniform { max_ms: 1.0 }, Jitter::Exponential { mean_ms: 1.0 }]))
        }
        _ => return None,
    })
}

/// The values of a plain choice field (a unit-only enum serialized as a
/// string) named `field`: `eviction`, `read_from`, `write_policy`,
/// `partitioner`, `partitioning`, `policy`, `style`, `acks` (a queue's; a database's semi-sync `acks` is a
/// number, so never a string), `delivery`, `on` (what a
/// consistent hash hashes), an edge's `mode`, an autoscaling `metric`, a
/// balancer pair's `sharing`, and
/// a retry's `backoff` and
/// `jitter` (a latency's `jitter` is a tagged variant, never a string).
/// None for other fields.
pub fn choices(field: &str) -> Option<Vec<String>> {
    fn names<T: Serialize>(items: &[T]) -> Vec<String> {
        items.iter().filter_map(|v| serde_json::to_value(v).ok()?.as_str().map(str::to_owned)).collect()
    }
    Some(match field {
        "eviction" => names(&[Eviction::Lru, Eviction::Lfu]),
        "read_from" => names(&[ReadFrom::Primary, ReadFrom::Replicas]),
        "partitioner" => names(&[Partitioner::KeyHash, Partitioner::RoundRobin]),
        "partitioning" => names(&[Partitioning::Hash, Partitioning::Range]),
        "policy" => names(&[DnsPolicy::Weighted, DnsPolicy::Latency, DnsPolicy::Geolocation]),
        "acks" => names(&[Acks::None, Acks::Leader, Acks::All]),
        "delivery" => names(&[Delivery::AtMostOnce, Delivery::AtLeastOnce]),
        "style" => names(&[QueueStyle::Log, QueueStyle::WorkQueue]),
        "write_policy" => names(&[WritePolicy::Invalidate, WritePolicy::WriteThrough]),
        "on" => names(&[HashOn::Session, HashOn::Key]),
        "mode" => names(&[CallMode::Sync, CallMode::Async]),
        "backoff" => names(&[Backoff::None, Backoff::Constant, Backoff::Exponential]),
        "metric" => names(&[ScalingMetric::Utilization, ScalingMetric::QueueLength]),
        "sharing" => names(&[PairMode::ActivePassive, PairMode::ActiveActive]),
        "jitter" => {
            names(&[BackoffJitter::None, BackoffJitter::Full, BackoffJitter::Equal, BackoffJitter::Decorrelated])
        }
        _ => return None,
    })
}

/// `choice` (one of [`variants`]) with the values of same-named fields of
/// `current` carried over, so switching e.g. exponential → lognormal keeps
/// the mean.
pub fn switch_to(current: &Value, choice: &Value) -> Value {
    let mut next = choice.clone();
    if let (Value::Object(next_map), Value::Object(old)) = (&mut next, current) {
        for (key, value) in next_map.iter_mut() {
            if let Some(previous) = old.get(key) {
                let same_kind = std::mem::discriminant(previous) == std::mem::discriminant(value);
                let is_tag = matches!(key.as_str(), "dist" | "shape" | "model" | "name" | "layer" | "law" | "mode");
                if same_kind && !is_tag {
                    *value = previous.clone();
                }
            }
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_deserializes_back() {
        for field in ["service_time", "rate", "arrivals", "algorithm", "mode", "keys", "jitter"] {
            let (tag, list) = variants(field).unwrap();
            assert!(list.len() >= 2, "{field}");
            for v in list {
                assert!(v.get(tag).is_some(), "{field}: {v}");
            }
        }
        let st: Vec<ServiceTime> =
            variants("service_time").unwrap().1.into_iter().map(|v| serde_json::from_value(v).unwrap()).collect();
        assert_eq!(st.len(), 4);
    }

    #[test]
    fn plain_choices_are_the_serialized_names() {
        assert_eq!(choices("write_policy").unwrap(), ["invalidate", "write_through"]);
        assert_eq!(choices("mode").unwrap(), ["sync", "async"]);
        assert!(choices("replicas").is_none());
    }

    #[test]
    fn switching_keeps_shared_fields() {
        let old = serde_json::json!({ "dist": "exponential", "mean_ms": 7.0 });
        let lognormal = &variants("service_time").unwrap().1[2];
        let next = switch_to(&old, lognormal);
        assert_eq!(next, serde_json::json!({ "dist": "lognormal", "mean_ms": 7.0, "p99_ms": 100.0 }));
    }
}
