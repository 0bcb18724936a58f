//! The preset exercises: every file in `scenarios/` is a preset, opens, has
//! its story, hints, fault script and objectives, runs, and starts out
//! failing an objective; a known answer to each passes every objective
//! (so every exercise can be solved, measured by the simulation).

use archsim::model::Scenario;
use archsim::presets::{self, PRESETS};
use archsim::sim::grade::{grade, Status, Verdict};
use archsim::sim::Simulation;
use serde_json::{json, Value};

fn run_and_grade(s: &Scenario) -> Vec<Verdict> {
    let mut sim = Simulation::new(s, s.settings.seed).unwrap();
    sim.run_to_end();
    let q = sim.report().requests;
    assert_eq!(q.offered, q.completed + q.failed + q.timed_out + q.rejected + q.in_flight, "{}", s.title);
    grade(&sim)
}

/// Every file of `scenarios/` but the first visit's sandbox design
/// (`three-tier`, which must open) is a preset.
#[test]
fn every_scenario_file_is_a_preset_and_the_presets_are_the_course() {
    assert_eq!(presets::starter().title, "Three-tier web application");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut slugs: Vec<String> = PRESETS.iter().map(|p| p.slug.to_owned()).chain(["three-tier".to_owned()]).collect();
    slugs.sort();
    assert_eq!(files, slugs);
    assert!(PRESETS.len() >= 12);
}

/// Every preset opens, carries the workshop fields, runs with conserved
/// requests, settles every objective by its end, and misses at least one
/// (it is an exercise).
#[test]
fn every_preset_is_an_open_exercise() {
    for p in PRESETS {
        let s = p.scenario().unwrap_or_else(|e| panic!("{}: {e}", p.slug));
        assert!(!s.title.is_empty() && s.description.len() > 80, "{}: story", p.slug);
        assert!(s.difficulty.is_some() && !s.hints.is_empty(), "{}: difficulty and hints", p.slug);
        assert!(!s.faults.is_empty() && !s.objectives.is_empty(), "{}: faults and objectives", p.slug);
        let verdicts = run_and_grade(&s);
        assert!(verdicts.iter().all(|v| v.settled && v.status != Status::Pending), "{}: {verdicts:?}", p.slug);
        assert!(verdicts.iter().any(|v| v.status == Status::Fail), "{}: nothing to fix", p.slug);
    }
}

/// Sets `value` at each JSON pointer of `edits` in a preset.
fn answer(slug: &str, edits: &[(&str, Value)]) -> Scenario {
    let mut v: Value =
        serde_json::from_str(&presets::find(slug).unwrap().scenario().unwrap().to_json().unwrap()).unwrap();
    for (pointer, value) in edits {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let target = v.pointer_mut(parent).unwrap_or_else(|| panic!("{slug}: {parent}"));
        match target {
            Value::Array(items) if key == "-" => items.push(value.clone()),
            Value::Object(map) => {
                map.insert(key.to_owned(), value.clone());
            }
            _ => panic!("{slug}: {pointer}"),
        }
    }
    let s = Scenario::from_json(&v.to_string()).unwrap();
    s.validate().unwrap_or_else(|e| panic!("{slug}: {e}"));
    s
}

fn node(slug: &str, id: &str) -> usize {
    presets::find(slug).unwrap().scenario().unwrap().nodes.iter().position(|n| n.id.as_str() == id).unwrap()
}

#[test]
fn every_exercise_has_an_answer_that_meets_its_objectives() {
    let pool = |id: &str, zone: &str, replicas: u32| {
        json!({ "id": id, "zone": zone, "kind": "service", "params": { "replicas": replicas, "workers": 8,
                "queue_capacity": 500, "service_time": { "dist": "exponential", "mean_ms": 20 } } })
    };
    let lb = |slug: &str| format!("/nodes/{}/params", node(slug, "lb"));
    let answers: Vec<(&str, Vec<(String, Value)>)> = vec![
        (
            "single-server",
            vec![
                (format!("/nodes/{}/params/replicas", node("single-server", "app")), json!(5)),
                (format!("/nodes/{}/params/workers", node("single-server", "app")), json!(4)),
                ("/nodes/-".into(), json!({ "id": "lb", "kind": "load_balancer", "params": {} })),
                ("/edges/0/to".into(), json!("lb")),
                ("/edges/-".into(), json!({ "from": "lb", "to": "app" })),
            ],
        ),
        (
            "load-balanced",
            vec![
                (format!("/nodes/{}/params/replicas", node("load-balanced", "api")), json!(4)),
                (format!("{}/algorithm", lb("load-balanced")), json!({ "name": "least_outstanding" })),
                (format!("{}/health_check/interval_ms", lb("load-balanced")), json!(1000)),
            ],
        ),
        (
            "bottleneck",
            vec![
                (format!("/nodes/{}/params/replicas", node("bottleneck", "web")), json!(4)),
                (format!("/nodes/{}/params/replicas", node("bottleneck", "api")), json!(6)),
                (format!("{}/health_check/interval_ms", lb("bottleneck")), json!(1000)),
            ],
        ),
        (
            "sticky-sessions",
            vec![
                (format!("/nodes/{}/params/cache", node("sticky-sessions", "web")), Value::Null),
                (format!("{}/algorithm", lb("sticky-sessions")), json!({ "name": "least_outstanding" })),
                ("/nodes/-".into(), json!({ "id": "store", "kind": "cache", "params": { "capacity_items": 20000 } })),
                ("/edges/2/to".into(), json!("store")),
                ("/edges/-".into(), json!({ "from": "store", "to": "sessions" })),
            ],
        ),
        ("cache-aside", vec![(format!("/nodes/{}/params/replicas", node("cache-aside", "db")), json!(2))]),
        ("read-replicas", vec![(format!("/nodes/{}/params/read_from", node("read-replicas", "db")), json!("primary"))]),
        (
            "failover-lost-writes",
            vec![(
                format!("/nodes/{}/params/replication", node("failover-lost-writes", "db")),
                json!({ "mode": "semi_sync", "acks": 1 }),
            )],
        ),
        (
            "master-master",
            vec![(
                format!("/nodes/{}/params/replication", node("master-master", "db")),
                json!({ "mode": "semi_sync", "acks": 1 }),
            )],
        ),
        ("hot-partition", vec![(format!("/nodes/{}/params/partitioning", node("hot-partition", "kv")), json!("hash"))]),
        ("consumer-lag", vec![(format!("/nodes/{}/params/consumers", node("consumer-lag", "orders")), json!(6))]),
        (
            "zone-outage",
            vec![
                (format!("/nodes/{}/params/replicas", node("zone-outage", "api-a")), json!(2)),
                ("/nodes/-".into(), pool("api-b", "eu-west-1b", 2)),
                ("/nodes/-".into(), pool("api-c", "eu-west-1c", 2)),
                ("/edges/-".into(), json!({ "from": "lb", "to": "api-b" })),
                ("/edges/-".into(), json!({ "from": "lb", "to": "api-c" })),
                ("/edges/-".into(), json!({ "from": "api-b", "to": "db" })),
                ("/edges/-".into(), json!({ "from": "api-c", "to": "db" })),
            ],
        ),
        (
            "retry-storm",
            vec![(
                format!("/nodes/{}/params/load_shedding", node("retry-storm", "inventory")),
                json!({ "max_wait_ms": 400 }),
            )],
        ),
        (
            "global-shop",
            vec![
                (format!("/nodes/{}/params/ttl_s", node("global-shop", "dns")), json!(5)),
                (
                    format!("/nodes/{}/params/health_check", node("global-shop", "dns")),
                    json!({ "interval_ms": 1000, "unhealthy_threshold": 2, "healthy_threshold": 2 }),
                ),
            ],
        ),
        (
            "autoscaling",
            vec![(
                format!("/nodes/{}/params/autoscaling", node("autoscaling", "api")),
                json!({ "min_replicas": 2, "max_replicas": 12, "metric": "utilization", "target": 0.45,
                    "interval_s": 5, "cooldown_s": 20, "provisioning_s": 20, "warmup_s": 10 }),
            )],
        ),
    ];
    assert_eq!(answers.len(), PRESETS.len());
    for (slug, edits) in answers {
        let edits: Vec<(&str, Value)> = edits.iter().map(|(p, v)| (p.as_str(), v.clone())).collect();
        let verdicts = run_and_grade(&answer(slug, &edits));
        assert!(verdicts.iter().all(|v| v.status == Status::Pass), "{slug}: {verdicts:#?}");
    }
}

/// A failing objective names the bottleneck in its window: at the peak of
/// the single-server exercise λ = 900 req/s exceeds cμ = 8 / 10 ms = 800
/// req/s, so the server is saturated (ρ = 1) there, although it idles
/// enough earlier in the run to average less.
#[test]
fn a_failing_objective_names_the_saturated_node_of_its_window() {
    let s = presets::find("single-server").unwrap().scenario().unwrap();
    let verdicts = run_and_grade(&s);
    let p99 = verdicts.iter().find(|v| v.objective.starts_with("p99")).unwrap();
    assert_eq!(p99.status, Status::Fail);
    assert!(p99.detail.contains("app at ρ = 1.00"), "{}", p99.detail);
}

/// The times a scenario's script makes something happen, s: each fault's
/// start and end, and each client's rate changes.
fn scripted_times(s: &Scenario) -> Vec<f64> {
    use archsim::model::{Arrivals, NodeKind, RateProfile};
    let mut times: Vec<f64> =
        s.faults.iter().flat_map(|f| [Some(f.at_s), f.for_s.map(|d| f.at_s + d)]).flatten().collect();
    for n in &s.nodes {
        if let NodeKind::Client(p) = &n.kind {
            if let Arrivals::Open { rate } = &p.arrivals {
                times.extend(match rate {
                    RateProfile::Constant { .. } | RateProfile::Sinusoidal { .. } => vec![],
                    RateProfile::Step { at_s, .. } => vec![*at_s],
                    RateProfile::Ramp { start_s, end_s, .. } => vec![*start_s, *end_s],
                    RateProfile::Spike { at_s, duration_s, .. } => vec![*at_s, at_s + duration_s],
                    RateProfile::Piecewise { points } => points.iter().map(|p| p.t_s).collect(),
                });
            }
        }
    }
    times
}

/// The times a story names, s, each with whether it is "at N s" (when
/// something happens) rather than a span ("for 10 s").
fn story_times(story: &str) -> Vec<(f64, bool)> {
    let words: Vec<&str> = story.split_whitespace().collect();
    (1..words.len())
        .filter(|&i| words[i].trim_end_matches([',', '.', ':', ';', ')']) == "s")
        .filter_map(|i| {
            let n: f64 = words[i - 1].replace(',', "").parse().ok()?;
            let at = i >= 2 && words[i - 2].eq_ignore_ascii_case("at");
            Some((n, at))
        })
        .collect()
}

/// A story tells what the fault script does: every "at N s" in it is when
/// the script makes something happen, and every scripted fault's start is
/// in the story (the bottleneck story once told of a slowdown at 60 s that
/// its script did not have).
#[test]
fn every_story_matches_its_fault_script() {
    for preset in PRESETS {
        let s = preset.scenario().unwrap();
        let scripted = scripted_times(&s);
        let told = story_times(&s.description);
        for (t, at) in &told {
            assert!(
                !at || scripted.contains(t),
                "{}: the story says at {t} s, the script has {scripted:?}",
                preset.slug
            );
        }
        for f in &s.faults {
            assert!(
                told.iter().any(|(t, _)| *t == f.at_s),
                "{}: the fault at {} s is not in the story: {}",
                preset.slug,
                f.at_s,
                s.description
            );
        }
    }
}

#[test]
fn story_times_are_read_as_written() {
    assert_eq!(
        story_times("At 60 s traffic lifts; for 10 s, at 1,200 s: done (after 5 s.)"),
        [(60.0, true), (10.0, false), (1200.0, true), (5.0, false)]
    );
}
