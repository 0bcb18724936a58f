//! The price table behind the `monthly_cost_usd` objective.
//!
//! Each component kind is priced as the managed cloud service a team would
//! run it on, from AWS's public on-demand list prices for the US East
//! (N. Virginia) region, Linux, as listed on aws.amazon.com/pricing in
//! 2024 (EC2, Elastic Load Balancing, ElastiCache, RDS for MySQL, Amazon
//! MSK, CloudFront, Route 53). Prices change: the table is a teaching aid
//! to compare designs with one another, not a quote. Assumptions:
//!
//! - A month is 730 hours, as AWS bills it.
//! - Every instance is an `m5.large`-class machine (2 vCPU, 8 GiB): a
//!   service replica or a queue consumer on EC2 `m5.large` ($0.096/h), a
//!   cache node on ElastiCache `cache.m5.large` ($0.156/h), a database
//!   instance (primary or replica) or a partition copy on RDS
//!   `db.m5.large` single-AZ ($0.171/h), a queue as a three-broker Amazon
//!   MSK `kafka.m5.large` cluster ($0.21/h per broker).
//! - A load balancer is an Application Load Balancer at its hourly charge
//!   ($0.0225/h, one per instance of a pair); capacity units (LCU) are not
//!   modelled.
//! - A CDN is charged per request (CloudFront, $0.0075 per 10,000 HTTPS
//!   requests); data transfer is not modelled.
//! - DNS is one Route 53 hosted zone ($0.50/month) plus $0.40 per million
//!   standard queries.
//! - Clients are the users: free.

use super::Node;

/// Hours in a billing month, h.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Seconds in a billing month, s.
pub const SECONDS_PER_MONTH: f64 = HOURS_PER_MONTH * 3600.0;

/// Brokers of the managed Kafka cluster a queue stands for.
pub const QUEUE_BROKERS: f64 = 3.0;

/// What one kind costs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Price {
    /// Price of one running instance, US dollars per hour.
    pub instance_hour_usd: f64,
    /// Price per million requests the node receives, US dollars.
    pub million_requests_usd: f64,
    /// Flat monthly fee, US dollars.
    pub monthly_usd: f64,
}

/// Hourly prices of the instances kinds run on, US dollars (see the
/// module docs for the source).
pub(super) const EC2_M5_LARGE: f64 = 0.096;
pub(super) const ELASTICACHE_M5_LARGE: f64 = 0.156;
pub(super) const RDS_M5_LARGE: f64 = 0.171;
pub(super) const MSK_M5_LARGE: f64 = 0.21;
pub(super) const ALB_HOUR: f64 = 0.0225;

/// A price per instance-hour only.
pub(super) const fn hourly(instance_hour_usd: f64) -> Price {
    Price { instance_hour_usd, million_requests_usd: 0.0, monthly_usd: 0.0 }
}

/// Monthly cost of `node`, US dollars, with `instances` running on average
/// (from the run: an autoscaled pool's mean size) and `rate_rps` requests
/// per second reaching it.
pub fn monthly_usd(node: &Node, instances: f64, rate_rps: f64) -> f64 {
    let p = node.kind.price();
    p.monthly_usd
        + instances * p.instance_hour_usd * HOURS_PER_MONTH
        + rate_rps * SECONDS_PER_MONTH / 1e6 * p.million_requests_usd
        + node.kind.extra_monthly_usd()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{NodeId, NodeKind, Point, ServiceParams};

    #[test]
    fn a_replica_costs_an_m5_large_month() {
        let node = Node {
            id: NodeId::from("api"),
            label: String::new(),
            pos: Point::default(),
            zone: None,
            kind: NodeKind::Service(ServiceParams { replicas: 3, ..ServiceParams::default() }),
        };
        // 3 × $0.096/h × 730 h = $210.24.
        assert!((monthly_usd(&node, node.kind.instances(), 0.0) - 210.24).abs() < 1e-9);
    }

    #[test]
    fn a_cdn_pays_per_request() {
        let kind = NodeKind::default_for("cdn").unwrap();
        let node = Node { id: NodeId::from("cdn"), label: String::new(), pos: Point::default(), zone: None, kind };
        // 100 req/s for 2,628,000 s = 262.8 M requests at $0.75 per million.
        assert!((monthly_usd(&node, 0.0, 100.0) - 197.1).abs() < 1e-9);
    }
}
