//! Every hint that proposes a remedy is a claim: each test here applies
//! exactly that remedy to the shipped exercise and checks the effect the
//! hint's text claims, graded for the exercise over every graded seed (and
//! from the report of the exercise's own seed where the hint names a
//! figure). A hint whose remedy does not do what it says fails here.
//!
//! Hints that only explain (Little's law, how lag grows, why range
//! partitions get hot) propose no remedy; where a remedy is exactly the
//! exercise's reference solution (read-replicas' reads from the primary,
//! hot-partition's hashing, master-master's semi-sync), the solution test
//! in `exercises.rs` checks it. Writing these tests corrected five hints:
//! a breaker in cache-aside, the retry-storm remedies, least outstanding
//! requests in load-balanced and sticky-sessions (it feeds a dead replica
//! that fails fast), and synchronous replication in failover-lost-writes.

use archsim::model::{Scenario, Usl};
use archsim::sim::{Report, Simulation};
use archsim::workshop::exercises;
use archsim::workshop::verdict::{ExerciseVerdict, Grading};
use serde_json::{json, Value};

/// The shipped exercise with `remedy` applied to its JSON.
fn remedied(slug: &str, remedy: impl Fn(&mut Value)) -> Scenario {
    let shipped = exercises::find(slug).unwrap().scenario().unwrap();
    let mut v: Value = serde_json::from_str(&shipped.to_json().unwrap()).unwrap();
    remedy(&mut v);
    let s = Scenario::from_json(&v.to_string()).unwrap();
    s.validate().unwrap_or_else(|e| panic!("{slug}: {e}"));
    s
}

fn shipped(slug: &str) -> Scenario {
    remedied(slug, |_| {})
}

/// The parameters of node `id`.
fn params<'a>(v: &'a mut Value, id: &str) -> &'a mut Value {
    let nodes = v["nodes"].as_array_mut().unwrap();
    &mut nodes.iter_mut().find(|n| n["id"] == id).unwrap()["params"]
}

/// The call from `from` to `to`.
fn call<'a>(v: &'a mut Value, from: &str, to: &str) -> &'a mut Value {
    let edges = v["edges"].as_array_mut().unwrap();
    edges.iter_mut().find(|e| e["from"] == from && e["to"] == to).unwrap()
}

fn graded(s: &Scenario) -> ExerciseVerdict {
    let v = Grading::new(s, false, None).run_to_end();
    assert!(v.changes.is_empty() && v.refusal.is_none(), "a remedy changes the design only: {v:?}");
    v
}

/// In how many graded seeds objective `n` passed, of how many.
fn passed(v: &ExerciseVerdict, n: usize) -> (usize, usize) {
    (v.by_objective()[n].passed, v.runs.len())
}

fn report(s: &Scenario) -> Report {
    let mut sim = Simulation::new(s, s.settings.seed).unwrap();
    sim.run_to_end();
    sim.report()
}

fn figure(r: &Report, node: &str, name: &str) -> f64 {
    let n = &r.nodes[node];
    match name {
        "utilization" => n.utilization,
        "mean_queue_len" => n.mean_queue_len,
        _ => n.extra[name],
    }
}

fn breaker() -> Value {
    json!({ "failure_rate": 0.5, "window_s": 10, "min_calls": 20, "open_s": 5, "half_open_calls": 5 })
}

/// Hint 1: "a second database replica doubles its capacity" (and carries
/// the reads through the crash and the warm-up).
#[test]
fn cache_aside_a_second_database_replica_passes() {
    let s = remedied("cache-aside", |v| params(v, "db")["replicas"] = json!(2));
    let v = graded(&s);
    assert!(v.passes(), "{}", v.summary());
}

/// Hint 2: "a larger cache raises the hit ratio … and lowers the
/// database's ρ in normal times, but it does nothing for the minutes after
/// the crash".
#[test]
fn cache_aside_a_larger_cache_hits_more_but_not_after_the_crash() {
    let before = report(&shipped("cache-aside"));
    let s = remedied("cache-aside", |v| params(v, "cache")["capacity_items"] = json!(8000));
    let after = report(&s);
    assert!(figure(&after, "cache", "hit_ratio") > figure(&before, "cache", "hit_ratio") + 0.03);
    assert!(figure(&after, "db", "utilization") < figure(&before, "db", "utilization") - 0.05);
    // Objective 1 is p99 from 80 s (the crash) to the end.
    assert_eq!(passed(&graded(&s), 1).0, 0);
}

/// Hint 3: "a timeout and a circuit breaker add no capacity … both
/// objectives still fail" (the issue that made it: the old hint promised
/// they would help).
#[test]
fn cache_aside_a_breaker_adds_no_capacity() {
    let s = remedied("cache-aside", |v| {
        let c = call(v, "cache", "db");
        c["timeout_ms"] = json!(300);
        c["circuit_breaker"] = breaker();
    });
    let v = graded(&s);
    assert_eq!((passed(&v, 0).0, passed(&v, 1).0), (0, 0), "{:#?}", v.by_objective());
}

/// Hint 2: "a retry budget with exponential backoff and jitter … is not
/// enough here: Inventory's queue still holds thousands of requests".
#[test]
fn retry_storm_a_retry_budget_with_backoff_is_not_enough() {
    let s = remedied("retry-storm", |v| {
        let retry = &mut call(v, "api", "inventory")["retry"];
        retry["backoff"] = json!("exponential");
        retry["jitter"] = json!("full");
        retry["budget"] = json!({ "ratio": 0.2, "min_per_s": 10, "ttl_s": 10 });
    });
    let v = graded(&s);
    assert_eq!(passed(&v, 0).0, 0, "recovered after the spike: {:#?}", v.by_objective());
    assert!(figure(&report(&s), "inventory", "mean_queue_len") > 1000.0);
}

/// Hint 3: "a circuit breaker … stops the storm (the system recovers after
/// the spike), but … availability over the whole run stays under 85 %".
#[test]
fn retry_storm_a_breaker_ends_the_storm_but_fails_too_many() {
    let s = remedied("retry-storm", |v| call(v, "api", "inventory")["circuit_breaker"] = breaker());
    let v = graded(&s);
    assert_eq!(passed(&v, 0), (5, 5), "{:#?}", v.by_objective());
    assert_eq!(passed(&v, 1).0, 0, "{:#?}", v.by_objective());
    assert!(v.by_objective()[1].worst.unwrap() < 0.85);
}

/// Hint 4: load shedding with "a maximum wait under the 500 ms timeout …
/// the system recovers" (and the exercise passes).
#[test]
fn retry_storm_load_shedding_recovers() {
    let s = remedied("retry-storm", |v| params(v, "inventory")["load_shedding"] = json!({ "max_wait_ms": 400 }));
    let v = graded(&s);
    assert!(v.passes(), "{}", v.summary());
}

/// Hint 2: "adding replicas anywhere else [than the saturated tiers]
/// changes nothing but the bill": doubling the database pool still misses
/// p99 after 60 s, and costs more.
#[test]
fn bottleneck_replicas_off_the_bottleneck_only_cost() {
    let before = graded(&shipped("bottleneck"));
    let s = remedied("bottleneck", |v| params(v, "db")["replicas"] = json!(4));
    let v = graded(&s);
    assert_eq!(passed(&v, 1).0, 0, "{:#?}", v.by_objective());
    assert!(v.by_objective()[2].worst.unwrap() > before.by_objective()[2].worst.unwrap());
}

/// Hints 2 and 3: sizing the saturated tiers (web, API) fixes p99; with
/// the default 5 s health checks the crashed web replica still gets
/// requests and availability misses; 1 s checks cut the failures and pass.
#[test]
fn bottleneck_faster_health_checks_shorten_the_error_window() {
    let sized = |v: &mut Value| {
        params(v, "web")["replicas"] = json!(4);
        params(v, "api")["replicas"] = json!(6);
    };
    let slow = remedied("bottleneck", sized);
    let v = graded(&slow);
    assert_eq!((passed(&v, 0).0, passed(&v, 1)), (0, (5, 5)), "{:#?}", v.by_objective());
    let fast = remedied("bottleneck", |v| {
        sized(v);
        params(v, "lb")["health_check"] = json!({ "interval_ms": 1000 });
    });
    assert!(report(&fast).requests.failed * 3 < report(&slow).requests.failed);
    assert!(graded(&fast).passes());
}

/// An extra load balancer in front of `app` (single-server has none).
fn behind_a_balancer(v: &mut Value, replicas: u32, workers: u32) {
    params(v, "app")["replicas"] = json!(replicas);
    params(v, "app")["workers"] = json!(workers);
    v["nodes"].as_array_mut().unwrap().push(json!({ "id": "lb", "kind": "load_balancer", "params": {} }));
    v["edges"][0]["to"] = json!("lb");
    v["edges"].as_array_mut().unwrap().push(json!({ "from": "lb", "to": "app" }));
}

/// Hint 2: "≈ 13 busy workers … add replicas behind a load balancer":
/// four replicas of four workers (ρ = 0.56 at the peak) keep p99 (objective
/// 1, the window before the pause) in every seed.
#[test]
fn single_server_replicas_behind_a_balancer_keep_p99() {
    let v = graded(&remedied("single-server", |v| behind_a_balancer(v, 4, 4)));
    assert_eq!(passed(&v, 1), (5, 5), "{:#?}", v.by_objective());
}

/// Hint 3: the pause "overloads a pool that is comfortable at the peak …
/// requests that wait past the client's timeout cost the three nines":
/// sixteen workers miss availability with timeouts; twenty pass.
#[test]
fn single_server_the_pause_needs_more_headroom() {
    let comfortable = remedied("single-server", |v| behind_a_balancer(v, 4, 4));
    let v = graded(&comfortable);
    assert_eq!(passed(&v, 0).0, 0, "{:#?}", v.by_objective());
    assert!(report(&comfortable).requests.timed_out > 0);
    assert!(graded(&remedied("single-server", |v| behind_a_balancer(v, 5, 4))).passes());
}

/// Hint 1 (N + 1): four replicas keep p99 after the crash (objective 1) in
/// every seed.
#[test]
fn load_balanced_n_plus_one_keeps_p99_after_the_crash() {
    let v = graded(&remedied("load-balanced", |v| params(v, "api")["replicas"] = json!(4)));
    assert_eq!(passed(&v, 1), (5, 5), "{:#?}", v.by_objective());
}

/// Hint 2: faster health checks shorten the window in which the balancer
/// still sends requests to the dead replica: fewer failed requests.
#[test]
fn load_balanced_faster_health_checks_fail_fewer() {
    let before = report(&shipped("load-balanced"));
    let after = report(&remedied("load-balanced", |v| params(v, "lb")["health_check"]["interval_ms"] = json!(1000)));
    assert!(
        after.requests.failed * 2 < before.requests.failed,
        "{} vs {}",
        after.requests.failed,
        before.requests.failed
    );
}

/// Hint 3: least outstanding requests "draws more traffic [to the dead
/// replica] than under round robin": more failed requests.
#[test]
fn load_balanced_least_outstanding_feeds_a_dead_replica() {
    let before = report(&shipped("load-balanced"));
    let after =
        report(&remedied("load-balanced", |v| params(v, "lb")["algorithm"] = json!({ "name": "least_outstanding" })));
    assert!(after.requests.failed > before.requests.failed, "{} vs {}", after.requests.failed, before.requests.failed);
}

/// Hint 1: semi-synchronous replication: "a failover … loses nothing"
/// (objective 0, every seed).
#[test]
fn failover_semi_sync_loses_nothing() {
    let semi = remedied("failover-lost-writes", |v| {
        params(v, "db")["replication"] = json!({ "mode": "semi_sync", "acks": 1 })
    });
    assert_eq!(passed(&graded(&semi), 0), (5, 5));
}

/// Hint 2: fully synchronous replication "loses nothing either, but …
/// fails far more requests around the failover than semi-synchronous".
#[test]
fn failover_sync_loses_nothing_but_fails_more() {
    let semi = remedied("failover-lost-writes", |v| {
        params(v, "db")["replication"] = json!({ "mode": "semi_sync", "acks": 1 })
    });
    let sync = remedied("failover-lost-writes", |v| params(v, "db")["replication"] = json!({ "mode": "sync" }));
    let v = graded(&sync);
    assert_eq!(passed(&v, 0), (5, 5));
    let worst = |v: &ExerciseVerdict| v.by_objective()[2].worst.unwrap();
    assert!(worst(&v) + 0.1 < worst(&graded(&semi)), "{} vs {}", worst(&v), worst(&graded(&semi)));
}

/// Hint 3 (hot-partition): more partitions help "only when the load is
/// spread": eight range partitions still miss p99; eight hashed pass.
#[test]
fn hot_partition_more_partitions_help_only_when_hashed() {
    let range = graded(&remedied("hot-partition", |v| params(v, "kv")["partitions"] = json!(8)));
    assert_eq!(passed(&range, 0).0, 0, "{:#?}", range.by_objective());
    let hashed = remedied("hot-partition", |v| {
        params(v, "kv")["partitions"] = json!(8);
        params(v, "kv")["partitioning"] = json!("hash");
    });
    assert!(graded(&hashed).passes());
}

/// Hint 3 (consumer-lag): "leave headroom" for a consumer's crash: four
/// consumers (444 events/s against 450) do not catch up; six do.
#[test]
fn consumer_lag_needs_headroom_for_a_crash() {
    let four = graded(&remedied("consumer-lag", |v| params(v, "orders")["consumers"] = json!(4)));
    assert_eq!(passed(&four, 0).0, 0, "{:#?}", four.by_objective());
    assert!(graded(&remedied("consumer-lag", |v| params(v, "orders")["consumers"] = json!(6))).passes());
}

/// Hints 1 and 3 (zone-outage): a second pool in eu-west-1b survives the
/// outage (p99 during it, every seed); with faster health checks the
/// error window shrinks and the exercise passes. Hint 2: three zones of two
/// replicas cost less than two zones of four and pass too.
#[test]
fn zone_outage_a_second_zone_survives_and_three_are_cheaper() {
    let pool = |id: &str, zone: &str, replicas: u32| {
        json!({ "id": id, "zone": zone, "kind": "service", "params": { "replicas": replicas, "workers": 8,
            "queue_capacity": 500, "service_time": { "dist": "exponential", "mean_ms": 20 } } })
    };
    let add = |v: &mut Value, id: &str, zone: &str, replicas: u32| {
        v["nodes"].as_array_mut().unwrap().push(pool(id, zone, replicas));
        let edges = v["edges"].as_array_mut().unwrap();
        edges.push(json!({ "from": "lb", "to": id }));
        edges.push(json!({ "from": id, "to": "db" }));
    };
    let two = |v: &mut Value| add(v, "api-b", "eu-west-1b", 4);
    let v = graded(&remedied("zone-outage", two));
    assert_eq!(passed(&v, 1), (5, 5), "{:#?}", v.by_objective());
    let two_fast = graded(&remedied("zone-outage", |v| {
        two(v);
        params(v, "lb")["health_check"]["interval_ms"] = json!(1000);
    }));
    assert!(two_fast.passes(), "{}", two_fast.summary());
    let three = graded(&exercises::find("zone-outage").unwrap().solution().unwrap());
    assert!(three.passes());
    let cost = |v: &ExerciseVerdict| v.by_objective()[2].worst.unwrap();
    assert!(cost(&three) < cost(&two_fast), "{} vs {}", cost(&three), cost(&two_fast));
}

/// Hints 1 and 2 (global-shop): a shorter DNS TTL and faster DNS health
/// checks each move Europe to the US region sooner: higher availability.
#[test]
fn global_shop_shorter_ttl_and_faster_checks_each_help() {
    let availability = |s: &Scenario| graded(s).by_objective()[0].worst.unwrap();
    let before = availability(&shipped("global-shop"));
    let ttl = availability(&remedied("global-shop", |v| params(v, "dns")["ttl_s"] = json!(5)));
    let checks = availability(&remedied("global-shop", |v| {
        params(v, "dns")["health_check"] =
            json!({ "interval_ms": 1000, "unhealthy_threshold": 2, "healthy_threshold": 2 })
    }));
    assert!(ttl > before + 0.03 && checks > before + 0.03, "{before} → TTL {ttl}, checks {checks}");
}

/// The autoscaling exercise's hints, one remedy at a time.
fn scaled(target: f64, interval_s: f64, cooldown_s: f64) -> Scenario {
    remedied("autoscaling", |v| {
        params(v, "api")["autoscaling"] = json!({ "min_replicas": 2, "max_replicas": 12, "metric": "utilization",
            "target": target, "interval_s": interval_s, "cooldown_s": cooldown_s, "provisioning_s": 20, "warmup_s": 10 })
    })
}

/// Hint 1: autoscaling "adds replicas when ρ exceeds the target"; hint 2:
/// a lower target (0.45 rather than 0.7) keeps headroom: availability
/// passes in every seed where 0.7 misses it.
#[test]
fn autoscaling_adds_replicas_and_a_lower_target_keeps_headroom() {
    let high = scaled(0.7, 15.0, 120.0);
    assert!(figure(&report(&high), "api", "mean_replicas") > 2.5);
    assert_eq!(passed(&graded(&high), 0).0, 0);
    assert_eq!(passed(&graded(&scaled(0.45, 15.0, 120.0)), 0), (5, 5));
}

/// Hint 3: shorter evaluation intervals react faster (p99, objective 1,
/// passes); a shorter scale-in cool-down is cheaper (objective 2).
#[test]
fn autoscaling_faster_intervals_and_shorter_cooldown() {
    let slow = graded(&scaled(0.45, 15.0, 120.0));
    let fast = graded(&scaled(0.45, 5.0, 120.0));
    assert_eq!((passed(&slow, 1).0, passed(&fast, 1)), (0, (5, 5)));
    let cost = |v: &ExerciseVerdict| v.by_objective()[2].worst.unwrap();
    assert!(cost(&graded(&scaled(0.45, 15.0, 20.0))) < cost(&slow) - 50.0);
}

/// Hints 1 and 2 (sticky-sessions): a shared session store alone makes
/// the crash invisible; least outstanding requests on top fails more
/// requests than the consistent hashing it replaces.
#[test]
fn sticky_sessions_a_shared_store_is_enough_and_least_outstanding_hurts() {
    let shared = |v: &mut Value| {
        params(v, "web").as_object_mut().unwrap().remove("cache");
        v["nodes"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "store", "kind": "cache", "params": { "capacity_items": 20000 } }));
        v["edges"][2]["to"] = json!("store");
        v["edges"].as_array_mut().unwrap().push(json!({ "from": "store", "to": "sessions" }));
    };
    let hashed = remedied("sticky-sessions", shared);
    assert!(graded(&hashed).passes());
    let least = remedied("sticky-sessions", |v| {
        shared(v);
        params(v, "lb")["algorithm"] = json!({ "name": "least_outstanding" });
    });
    assert!(report(&least).requests.failed > report(&hashed).requests.failed);
}

/// Hint 1 (master-master): a single primary "orders every write to a key:
/// no conflicts" (objective 0, every seed).
#[test]
fn master_master_a_single_primary_has_no_conflicts() {
    let single = remedied("master-master", |v| params(v, "db")["replication"] = json!({ "mode": "async" }));
    assert_eq!(passed(&graded(&single), 0), (5, 5));
}

/// Hint 2 (uneven-service-times): two random choices keep p99 "at no
/// cost": the exercise passes. Hint 3: eight round-robin replicas still
/// miss p99 (the slow replica keeps its share) and break the budget.
#[test]
fn uneven_service_times_two_choices_pass_and_more_replicas_do_not() {
    let p2c =
        remedied("uneven-service-times", |v| params(v, "lb")["algorithm"] = json!({ "name": "power_of_two_choices" }));
    assert!(graded(&p2c).passes());
    let more = graded(&remedied("uneven-service-times", |v| params(v, "api")["replicas"] = json!(8)));
    assert_eq!((passed(&more, 0).0, passed(&more, 2).0), (0, 0), "{:#?}", more.by_objective());
}

/// The USL figures the scale-out-not-up story and hints quote, from
/// C(n) = n / (1 + α(n − 1) + βn(n − 1)) with α = 0.05, β = 0.001
/// worked by hand: C(16) = 16 / 1.99 = 8.04, C(32) = 32 / 3.542 = 9.03
/// (+12 %), one of 8 workers does 1 / 1.406 = 0.71 of a worker's work,
/// one of 32 does 1 / 3.542 = 0.28; the peak is near √(0.95 / 0.001) ≈ 31.
#[test]
fn scale_out_not_up_quotes_the_usl_right() {
    let usl = Usl { alpha: 0.05, beta: 0.001 };
    let capacity = |n: u32| f64::from(n) / usl.slowdown(n);
    assert!((capacity(16) - 8.04).abs() < 0.01 && (capacity(32) - 9.03).abs() < 0.01);
    assert!((capacity(32) / capacity(16) - 1.12).abs() < 0.01);
    assert!((1.0 / usl.slowdown(8) - 0.71).abs() < 0.005 && (1.0 / usl.slowdown(32) - 0.28).abs() < 0.005);
    let peak = (1..100).max_by(|&a, &b| capacity(a).total_cmp(&capacity(b))).unwrap();
    assert!((30..=32).contains(&peak), "{peak}");
}

/// Hint 1: 32 workers on the one server still fail; hint 2: four replicas
/// of 8 workers behind a balancer pass.
#[test]
fn scale_out_not_up_replicas_pass_where_workers_do_not() {
    let up = graded(&remedied("scale-out-not-up", |v| params(v, "pricing")["workers"] = json!(32)));
    assert_eq!(passed(&up, 0).0, 0);
    let out = remedied("scale-out-not-up", |v| {
        params(v, "pricing")["workers"] = json!(8);
        params(v, "pricing")["replicas"] = json!(4);
        v["nodes"].as_array_mut().unwrap().push(json!({ "id": "lb", "kind": "load_balancer", "params": {} }));
        v["edges"][0]["to"] = json!("lb");
        v["edges"].as_array_mut().unwrap().push(json!({ "from": "lb", "to": "pricing" }));
    });
    assert!(graded(&out).passes());
}

/// Hint 2 (grey-failure): outlier detection passes; hint 3: round robin
/// changes nothing (the failing replica still gets a quarter).
#[test]
fn grey_failure_outlier_detection_passes_and_round_robin_does_not() {
    let ejected = remedied("grey-failure", |v| {
        params(v, "lb")["outlier_detection"] =
            json!({ "consecutive_errors": 5, "base_ejection_s": 30, "max_ejection_percent": 50 })
    });
    assert!(graded(&ejected).passes());
    let rr = graded(&remedied("grey-failure", |v| params(v, "lb")["algorithm"] = json!({ "name": "round_robin" })));
    let worst = rr.by_objective()[0].worst.unwrap();
    // Half of a quarter of the requests fail: 87.5 % availability.
    assert!((worst - 0.875).abs() < 0.01, "{worst}");
}

/// Hint 2 (bulkhead): a bulkhead of 16 on the payment call passes; hint 3:
/// a timeout alone misses p99 (objective 1).
#[test]
fn bulkhead_saves_the_reads_and_a_timeout_alone_does_not() {
    let payments =
        |v: &mut Value| -> usize { v["edges"].as_array().unwrap().iter().position(|e| e["to"] == "payments").unwrap() };
    let bulkhead = remedied("bulkhead", |v| {
        let i = payments(v);
        v["edges"][i]["bulkhead"] = json!({ "max_concurrent": 16 });
    });
    assert!(graded(&bulkhead).passes());
    let timeout = graded(&remedied("bulkhead", |v| {
        let i = payments(v);
        v["edges"][i]["timeout_ms"] = json!(1000);
    }));
    assert_eq!(passed(&timeout, 1).0, 0, "{:#?}", timeout.by_objective());
}

/// Hints 1–3 (cdn-ttl): the 10 s TTL hits under half the time (λT/(1 + λT)
/// with λ = 850 / 10,000 per s and T = 10 s: 0.46; the spike lifts the
/// run's figure a little); 5 minutes lifts it to about 90 % and passes;
/// two more origin replicas pass p99 but break the budget.
#[test]
fn cdn_ttl_a_longer_ttl_is_the_cheap_capacity() {
    let before = report(&shipped("cdn-ttl"));
    let hit = figure(&before, "cdn", "hit_ratio");
    assert!((0.4..0.62).contains(&hit), "{hit}");
    let longer = remedied("cdn-ttl", |v| params(v, "cdn")["ttl_s"] = json!(300));
    let after = report(&longer);
    assert!(figure(&after, "cdn", "hit_ratio") > 0.85);
    assert!(figure(&after, "web", "utilization") < figure(&before, "web", "utilization") / 2.0);
    assert!(graded(&longer).passes());
    let origin = graded(&remedied("cdn-ttl", |v| params(v, "web")["replicas"] = json!(4)));
    assert_eq!((passed(&origin, 1), passed(&origin, 2).0), ((5, 5), 0), "{:#?}", origin.by_objective());
}

/// Hints 2 and 3 (async-calls): a timeout on the optional call still fails
/// the pages; an asynchronous call passes.
#[test]
fn async_calls_do_not_wait_for_what_is_optional() {
    let recs =
        |v: &mut Value| -> usize { v["edges"].as_array().unwrap().iter().position(|e| e["to"] == "recs").unwrap() };
    let timeout = graded(&remedied("async-calls", |v| {
        let i = recs(v);
        v["edges"][i]["timeout_ms"] = json!(200);
    }));
    assert_eq!(passed(&timeout, 0).0, 0, "{:#?}", timeout.by_objective());
    let fire_and_forget = remedied("async-calls", |v| {
        let i = recs(v);
        v["edges"][i]["mode"] = json!("async");
    });
    assert!(graded(&fire_and_forget).passes());
}

/// Hints 2 and 3 (balancer-spof): the outage of an active–passive pair is
/// detection + takeover (3 + 2 s of the 110 s measured: about 4.5 % of the
/// requests fail); active–active with the same detection fails fewer.
#[test]
fn balancer_spof_a_pair_costs_detection_plus_takeover() {
    let pair = |sharing: &str| {
        remedied("balancer-spof", |v| {
            params(v, "lb")["pair"] = json!({ "sharing": sharing, "detection_s": 3, "takeover_s": 2 })
        })
    };
    let passive = report(&pair("active_passive"));
    let failed = |r: &Report| r.requests.failed as f64 / r.requests.offered as f64;
    assert!((failed(&passive) - 5.0 / 110.0).abs() < 0.01, "{}", failed(&passive));
    assert!(failed(&report(&pair("active_active"))) < failed(&passive));
}

/// Hints 1–3 (failover-time): availability ≈ 1 − (30 + 40 s) / 170 s;
/// 3 + 5 s passes; a second replica changes nothing.
#[test]
fn failover_time_is_detection_plus_promotion() {
    let shipped_v = graded(&shipped("failover-time"));
    let worst = |v: &ExerciseVerdict| v.by_objective()[0].worst.unwrap();
    assert!((worst(&shipped_v) - (1.0 - 70.0 / 170.0)).abs() < 0.02, "{}", worst(&shipped_v));
    let fast = remedied("failover-time", |v| {
        params(v, "db")["detection_s"] = json!(3);
        params(v, "db")["promotion_s"] = json!(5);
    });
    assert!(graded(&fast).passes());
    let two = graded(&remedied("failover-time", |v| params(v, "db")["replicas"] = json!(2)));
    assert!((worst(&two) - worst(&shipped_v)).abs() < 0.01, "{} vs {}", worst(&two), worst(&shipped_v));
}

/// A topic in front of fulfilment, with `partitions` and as many consumers.
fn queued(partitions: u32) -> Scenario {
    remedied("queue-buffer", |v| {
        v["nodes"].as_array_mut().unwrap().push(json!({ "id": "orders", "kind": "queue", "params": {
            "partitions": partitions, "consumers": partitions, "consumer_time": { "dist": "exponential", "mean_ms": 1 } } }));
        v["edges"][1]["to"] = json!("orders");
        v["edges"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "from": "orders", "to": "fulfil", "latency": { "base_ms": 1 } }));
    })
}

/// Hints 1–3 (queue-buffer): a topic makes checkout available and fast in
/// every seed (objectives 0, 1); 12 consumers (about 119 a second, against
/// a backlog of some 3,600 after the sale) do not catch up; 16 (about 158)
/// do.
#[test]
fn queue_buffer_absorbs_the_burst_and_needs_enough_consumers() {
    let twelve = graded(&queued(12));
    assert_eq!((passed(&twelve, 0), passed(&twelve, 1), passed(&twelve, 2).0), ((5, 5), (5, 5), 0));
    assert!(graded(&queued(16)).passes());
}

/// Hints 1–3 (transient-errors): with independent errors at p = 5 %, one
/// retry leaves about p² = 0.25 % failing (short of three nines), two pass;
/// a 2 % retry budget leaves most errors unretried.
#[test]
fn transient_errors_retries_multiply_the_odds() {
    let retried = |retries: u32, budget: Option<f64>| {
        remedied("transient-errors", |v| {
            let mut retry = json!({ "max_retries": retries, "backoff": "exponential", "base_ms": 10, "cap_ms": 100,
                "jitter": "full" });
            if let Some(ratio) = budget {
                retry["budget"] = json!({ "ratio": ratio, "min_per_s": 1, "ttl_s": 10 });
            }
            call(v, "lb", "api")["retry"] = retry;
        })
    };
    let once = graded(&retried(1, None));
    let availability = |v: &ExerciseVerdict| v.by_objective()[0].worst.unwrap();
    // p² of the requests after 20 s; the 10 s before have no errors.
    assert!((1.0 - availability(&once) - 0.0025 * 100.0 / 110.0).abs() < 0.001, "{}", availability(&once));
    assert_eq!(passed(&once, 0).0, 0);
    assert!(graded(&retried(2, None)).passes());
    assert!(1.0 - availability(&graded(&retried(2, Some(0.02)))) > 0.02);
}
