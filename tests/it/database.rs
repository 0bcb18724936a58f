//! Replicated databases: replication lag against the M/M/1 a replica's
//! apply queue is, stale reads by replication mode, lost writes at an async
//! failover against the writes in flight, none with semi-sync or sync, and
//! the failover timeline.

use archsim::model::{
    Arrivals, ClientParams, DatabaseParams, Fault, FaultKind, KeyDistribution, NodeKind, RateProfile, ReadFrom,
    Replication, RequestMix, Scenario, ServiceTime,
};
use archsim::sim::Report;

use crate::support::{call, check, node, replicate_many, run, scenario};

/// Poisson requests at `rps`, a share `writes` of them writes, over 1000
/// uniform keys.
fn client(rps: f64, writes: f64) -> archsim::model::Node {
    node(
        "c",
        NodeKind::Client(ClientParams {
            arrivals: Arrivals::Open { rate: RateProfile::Constant { rps } },
            mix: RequestMix { read: 1.0 - writes, write: writes, other: 0.0 },
            keys: KeyDistribution::Uniform { keys: 1_000 },
            sessions: 100,
            timeout_ms: 3_600_000.0,
        }),
    )
}

/// Client → database with parameters `db`, for `duration_s` after a 2 s
/// warm-up, with `faults`.
fn with_db(rps: f64, writes: f64, db: DatabaseParams, duration_s: f64, faults: Vec<Fault>) -> Scenario {
    let s =
        scenario(vec![client(rps, writes), node("db", NodeKind::Database(db))], vec![call("c", "db")], duration_s, 2.0);
    Scenario { faults, ..s }
}

/// Plenty of connections, constant 1 ms queries: no query ever waits.
fn roomy(replication: Replication) -> DatabaseParams {
    DatabaseParams {
        connections: 1_000,
        read_time: ServiceTime::Constant { ms: 1.0 },
        write_time: ServiceTime::Constant { ms: 1.0 },
        replication,
        ..DatabaseParams::default()
    }
}

fn figure(r: &Report, name: &str) -> f64 {
    r.nodes["db"].extra[name]
}

fn crash_primary(at_s: f64) -> Fault {
    Fault { replica: Some(0), ..Fault::on_node("db", at_s, None, FaultKind::Crash) }
}

/// Writes commit 1 ms after Poisson arrivals (no queueing), so commits are
/// a Poisson stream; a replica applies them one at a time in exponential
/// times: an M/M/1 queue. Lag = ship latency + its mean response time
/// 1/(μ − λ) (Kleinrock 1975). λ = 2000/s, apply 0.25 ms (μ = 4000/s,
/// ρ = 0.5), ship 1 ms: 1 + 0.5 = 1.5 ms.
#[test]
fn replication_lag_is_the_ship_latency_plus_an_mm1_response() {
    let db = DatabaseParams { apply_ms: 0.25, ship_ms: 1.0, ..roomy(Replication::Async) };
    let s = with_db(2_000.0, 1.0, db, 75.0, Vec::new());
    let [lag] = replicate_many(&s, |r| [figure(r, "replication_lag_ms")]);
    check("replication lag, ms", lag, 1.0 + 1e3 / (4_000.0 - 2_000.0), 0.03);
}

/// Reads from replicas see a write only once the replica applied it. With
/// async replication a replica serves key k stale for the lag L after each
/// acknowledged write to it; Poisson reads see that state for a share
/// λₖ·E[L] of the time (the windows rarely overlap at λₖ·E[L] ≈ 8·10⁻⁴):
/// λₖ = 600 writes/s over 1000 keys, E[L] = 1 ms + 1/(4000 − 600) s, over
/// 1400 reads/s for 20 s. With sync replication (acknowledged once every
/// replica applied) or reads on the primary no read is stale.
#[test]
fn stale_reads_need_async_replicas() {
    let slow = DatabaseParams { apply_ms: 0.25, ..roomy(Replication::Async) };
    let [stale] =
        replicate_many(&with_db(2_000.0, 0.3, slow.clone(), 20.0, Vec::new()), |r| [figure(r, "stale_reads")]);
    check("stale reads", stale, 1_400.0 * 20.0 * 0.6 * (1e-3 + 1.0 / 3_400.0), 0.25);
    let stale = |db: DatabaseParams| figure(&run(&with_db(2_000.0, 0.3, db, 20.0, Vec::new()), 1), "stale_reads");
    assert_eq!(stale(DatabaseParams { replication: Replication::Sync, ..slow.clone() }), 0.0);
    assert_eq!(stale(DatabaseParams { read_from: ReadFrom::Primary, ..slow }), 0.0);
}

/// With async replication the primary acknowledges at commit; a crash loses
/// the commits still on the wire, those of the last `ship_ms`: Poisson with
/// mean λ·d = 1000/s × 20 ms = 20. Semi-sync (one acknowledgement) and sync
/// lose none.
#[test]
fn an_async_failover_loses_the_writes_in_flight_and_semi_sync_none() {
    let failover = |replication| {
        let db = DatabaseParams { ship_ms: 20.0, detection_s: 2.0, promotion_s: 3.0, ..roomy(replication) };
        with_db(1_000.0, 1.0, db, 20.0, vec![crash_primary(10.0)])
    };
    let [lost] = replicate_many(&failover(Replication::Async), |r| [figure(r, "lost_writes")]);
    check("lost writes", lost, 20.0, 0.2);
    for safe in [Replication::SemiSync { acks: 1 }, Replication::Sync] {
        for seed in 1..=5 {
            assert_eq!(figure(&run(&failover(safe), seed), "lost_writes"), 0.0, "{safe:?}");
        }
    }
}

/// The failover timeline: writes fail from the crash until the primary is
/// declared dead (`detection_s`, 2 s) and a replica promoted (`promotion_s`,
/// 3 s later); reads on the replicas carry on, and the old primary rejoins
/// as a replica.
#[test]
fn writes_fail_until_the_failover_and_reads_carry_on() {
    let db = DatabaseParams { detection_s: 2.0, promotion_s: 3.0, ..roomy(Replication::Async) };
    let mut crash = crash_primary(10.0);
    crash.for_s = Some(20.0);
    let r = run(&with_db(1_000.0, 0.2, db, 40.0, vec![crash]), 3);
    let events: Vec<(f64, &str)> = r.events.iter().map(|e| (e.t_s, e.what.as_str())).collect();
    assert_eq!(events, [(10.0, "crash"), (12.0, "detected"), (15.0, "failover"), (30.0, "recover")]);
    assert!(r.events[3].detail.contains("rejoined as a replica"), "{}", r.events[3].detail);
    // 200 writes/s fail for 5 s: 1000 expected (Poisson, sd ≈ 32), plus the
    // few queries the primary held at the crash.
    let failed = r.requests.failed as f64;
    assert!((failed - 1_000.0).abs() < 4.0 * 1_000f64.sqrt() + 10.0, "{failed}");
    assert_eq!(figure(&r, "failovers"), 1.0);
}

/// With sync replication a commit waits for every replica, so while one is
/// down (10 s to 15 s) writes wait: none fails, and the slowest took the
/// whole outage. Semi-sync with one acknowledgement carries on with the
/// replica still up.
#[test]
fn sync_writes_wait_while_a_replica_is_down_semi_sync_ones_do_not() {
    let outage = |replication| {
        let crash = Fault { replica: Some(2), ..Fault::on_node("db", 10.0, Some(5.0), FaultKind::Crash) };
        run(&with_db(500.0, 0.5, roomy(replication), 20.0, vec![crash]), 4)
    };
    let sync = outage(Replication::Sync);
    assert_eq!(sync.requests.failed, 0);
    assert!(sync.latency_ms.unwrap().max > 4_900.0, "slowest write {} ms", sync.latency_ms.unwrap().max);
    let semi = outage(Replication::SemiSync { acks: 1 });
    assert_eq!(semi.requests.failed, 0);
    assert!(semi.latency_ms.unwrap().max < 100.0, "slowest write {} ms", semi.latency_ms.unwrap().max);
}

/// Two primaries (master–master) replicating to each other asynchronously
/// over d = 10 ms: a write conflicts when the other primary writes the same
/// key before it arrives. Writes to one key come at λₖ = 1/s (1000 writes/s
/// over 1000 keys), each on either primary with probability 1/2 (round
/// robin), so a write meets a concurrent one on the other primary with
/// probability λₖ·d/2 (to first order; λₖ·d = 0.01): 1000 × 0.005 = 5
/// conflicts per second, 500 over 100 s. One primary: none.
#[test]
fn multi_primary_writes_conflict_within_the_replication_delay() {
    let db = |replication| DatabaseParams { replicas: 1, ship_ms: 10.0, apply_ms: 0.0, ..roomy(replication) };
    let s = with_db(1_000.0, 1.0, db(Replication::MultiPrimary), 100.0, Vec::new());
    let [conflicts] = replicate_many(&s, |r| [figure(r, "write_conflicts")]);
    check("write conflicts", conflicts, 500.0, 0.05);
    let single = run(&with_db(1_000.0, 1.0, db(Replication::Async), 100.0, Vec::new()), 1);
    assert_eq!(figure(&single, "write_conflicts"), 0.0);
}
