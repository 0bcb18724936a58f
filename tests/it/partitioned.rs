//! Partitioned stores: under Zipf keys, range partitioning puts the popular
//! low ranks on the first partition, whose share of requests and load match
//! the Zipf masses of its range; hashing spreads them; a leader failure
//! fails its partition's requests until a follower is elected.

use archsim::model::{
    Arrivals, ClientParams, Fault, FaultKind, KeyDistribution, NodeKind, PartitionedParams, Partitioning, RateProfile,
    RequestMix, Scenario, ServiceTime,
};
use archsim::sim::Report;
use archsim::theory;

use crate::support::{call, check, node, replicate_many, run, scenario};

const KEYS: u64 = 10_000;

/// 2000 reads/s over `keys` into a store of 4 partitions with 16
/// connections each and exponential 2 ms reads.
fn store(keys: KeyDistribution, params: PartitionedParams, faults: Vec<Fault>) -> Scenario {
    let client = node(
        "c",
        NodeKind::Client(ClientParams {
            arrivals: Arrivals::Open { rate: RateProfile::Constant { rps: 2_000.0 } },
            mix: RequestMix { read: 1.0, write: 0.0, other: 0.0 },
            keys,
            sessions: 100,
            timeout_ms: 3_600_000.0,
        }),
    );
    let s = scenario(vec![client, node("kv", NodeKind::PartitionedStore(params))], vec![call("c", "kv")], 50.0, 2.0);
    Scenario { faults, ..s }
}

fn four(partitioning: Partitioning) -> PartitionedParams {
    PartitionedParams {
        partitions: 4,
        partitioning,
        key_space: KEYS,
        connections: 16,
        read_time: ServiceTime::Exponential { mean_ms: 2.0 },
        ..PartitionedParams::default()
    }
}

fn list(r: &Report, name: &str) -> Vec<f64> {
    r.nodes["kv"].lists[name].clone()
}

/// Range partitioning of 10,000 keys under Zipf(1.0): partition i holds
/// ranks 2500·i + 1 … 2500·(i + 1); its share of requests is their Zipf
/// mass and its load ρᵢ = λ·shareᵢ·E[S] / connections.
#[test]
fn range_partitions_get_the_zipf_mass_of_their_range() {
    let p = theory::zipf_popularity(KEYS, 1.0);
    let s = store(KeyDistribution::Zipf { keys: KEYS, s: 1.0 }, four(Partitioning::Range), Vec::new());
    let estimates: [_; 8] = replicate_many(&s, |r| {
        let (share, load) = (list(r, "partition_share"), list(r, "partition_load"));
        std::array::from_fn(|k| if k < 4 { share[k] } else { load[k - 4] })
    });
    for i in 0..4 {
        let mass: f64 = p[i * 2_500..(i + 1) * 2_500].iter().sum();
        check(&format!("partition {i} share"), estimates[i], mass, 0.03);
        check(&format!("partition {i} load"), estimates[4 + i], 2_000.0 * mass * 0.002 / 16.0, 0.03);
    }
}

/// Hashing spreads the popular keys: the hottest partition carries far less
/// than under range partitioning, but at least the hottest key's own
/// popularity p₁.
#[test]
fn hashing_spreads_hot_keys_but_not_the_hottest_key() {
    let zipf = KeyDistribution::Zipf { keys: KEYS, s: 1.0 };
    let max = |r: &Report| list(r, "partition_share").into_iter().fold(0.0, f64::max);
    let hashed = max(&run(&store(zipf, four(Partitioning::Hash), Vec::new()), 1));
    let ranged = max(&run(&store(zipf, four(Partitioning::Range), Vec::new()), 1));
    let p1 = theory::zipf_popularity(KEYS, 1.0)[0];
    assert!(hashed < 0.5 * ranged, "hash {hashed:.3}, range {ranged:.3}");
    assert!(hashed > p1, "hash {hashed:.3} < p1 {p1:.3}");
}

/// The leader of partition 2 fails at 10 s: a quarter of the (uniform)
/// requests fail until a follower is elected 3 s later (about 1500);
/// without followers, until the leader recovers at 15 s (about 2500).
#[test]
fn a_partition_fails_until_its_election_or_recovery() {
    for (replication_factor, window_s, second) in [(3, 3.0, (13.0, "failover")), (1, 5.0, (15.0, "recover"))] {
        let params = PartitionedParams { replication_factor, election_s: 3.0, ..four(Partitioning::Range) };
        let crash = Fault { replica: Some(2), ..Fault::on_node("kv", 10.0, Some(5.0), FaultKind::Crash) };
        let r = run(&store(KeyDistribution::Uniform { keys: KEYS }, params, vec![crash]), 2);
        let expected = 2_000.0 / 4.0 * window_s;
        let failed = r.requests.failed as f64;
        assert!((failed - expected).abs() < 4.0 * expected.sqrt() + 20.0, "RF {replication_factor}: {failed}");
        assert_eq!((r.events[0].t_s, r.events[1].t_s, r.events[1].what.as_str()), (10.0, second.0, second.1));
    }
}
