//! Fuzzing the whole path: random valid designs (kinds wired as the wiring
//! table allows, parameters drawn from the shipped exercises and scaled,
//! resilience on calls, a crash) run for a few simulated seconds with no
//! panic, every request accounted for, and no run guard needed, and run
//! again live as the page's worker runs them, their readouts crossing to
//! the page unchanged; and random editor action sequences through the
//! reducer, then a run.
//! `ARCHSIM_FUZZ_DESIGNS` and `ARCHSIM_FUZZ_EDITS` set the number of cases
//! (CI's `cargo test` runs 300 and 200; `scripts/fuzz` runs 100,000).

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use archsim::editor::{Action, Editor};
use archsim::live::{Answer, Command, Take};
use archsim::model::{
    wiring, CallMode, Edge, Fault, FaultKind, Node, NodeId, NodeKind, Point, Scenario, Wiring, KINDS,
};
use archsim::sim::random::{below, stream, unit, Stream};
use archsim::sim::Simulation;
use archsim::workshop::exercises::EXERCISES;
use serde_json::{Map, Value};

use crate::support::{conserved, open, serve};

/// The number of cases from `var`, or `default`.
fn cases(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Parameter objects of each kind, and resilient calls, as the shipped
/// exercises (and the defaults) write them: the values mutations draw from.
struct Pools {
    params: BTreeMap<&'static str, Vec<Map<String, Value>>>,
    edges: Vec<Map<String, Value>>,
}

impl Pools {
    fn new() -> Self {
        let mut params: BTreeMap<&'static str, Vec<Map<String, Value>>> = BTreeMap::new();
        let mut edges = Vec::new();
        let object = |v: Value| v.as_object().cloned().unwrap_or_default();
        for info in KINDS {
            let default = serde_json::to_value(NodeKind::default_for(info.name).unwrap()).unwrap();
            params.entry(info.name).or_default().push(object(default["params"].clone()));
        }
        for preset in EXERCISES {
            let s = serde_json::to_value(preset.scenario().unwrap()).unwrap();
            for n in s["nodes"].as_array().unwrap() {
                let kind = KINDS.iter().find(|k| k.name == n["kind"]).unwrap().name;
                params.entry(kind).or_default().push(object(n["params"].clone()));
            }
            for e in s["edges"].as_array().unwrap() {
                edges.push(object(e.clone()));
            }
        }
        Pools { params, edges }
    }

    /// A kind with parameters: a pooled object, some keys replaced by the
    /// same key of another pooled object, some numbers scaled (×0.2–5).
    fn kind(&self, rng: &mut Stream, name: &str) -> NodeKind {
        let pool = &self.params[name];
        let pick = |rng: &mut Stream| &pool[below(rng, pool.len() as u64) as usize];
        let mut params = pick(rng).clone();
        for key in params.keys().cloned().collect::<Vec<_>>() {
            let roll = unit(rng);
            if roll < 0.25 {
                if let Some(v) = pick(rng).get(&key) {
                    params.insert(key, v.clone());
                }
            } else if roll < 0.4 {
                if let Some(x) = params[&key].as_f64() {
                    let scaled = x * (0.2 + 4.8 * unit(rng));
                    params[&key] =
                        if params[&key].is_f64() { Value::from(scaled) } else { Value::from(scaled.round() as u64) };
                }
            }
        }
        let wire =
            Value::Object(Map::from_iter([("kind".into(), name.into()), ("params".into(), Value::Object(params))]));
        serde_json::from_value(wire).unwrap_or_else(|_| NodeKind::default_for(name).unwrap())
    }

    /// A call `from` → `to` in `mode`: plain, or with the resilience of a
    /// pooled call (sync only).
    fn edge(&self, rng: &mut Stream, from: &NodeId, to: &NodeId, mode: CallMode) -> Edge {
        let plain = Edge { mode, ..Edge::new(from.as_str(), to.as_str()) };
        if mode == CallMode::Async || unit(rng) < 0.6 {
            return plain;
        }
        let mut e = self.edges[below(rng, self.edges.len() as u64) as usize].clone();
        e.insert("from".into(), from.as_str().into());
        e.insert("to".into(), to.as_str().into());
        e.insert("mode".into(), "sync".into());
        serde_json::from_value(Value::Object(e)).unwrap_or(plain)
    }
}

/// A node with id `n<i>`.
fn node(i: usize, kind: NodeKind) -> Node {
    Node { id: NodeId(format!("n{i}")), label: String::new(), pos: Point::default(), zone: None, kind }
}

/// A random design: a client first, then 1–9 nodes of random kinds, each
/// called by an earlier node that may call it (so no cycle), then a few
/// more calls forward, a pool behind every balancer or DNS name left
/// without one, and perhaps a crash.
fn design(pools: &Pools, rng: &mut Stream) -> Scenario {
    let mut s = Scenario::empty();
    s.settings.duration_s = 3.0;
    s.settings.warmup_s = 0.5;
    let mut client = pools.kind(rng, "client");
    // Sane sizes: at most 2,000 req/s.
    if let NodeKind::Client(p) = &mut client {
        if let archsim::model::Arrivals::Open { rate } = &p.arrivals {
            if rate.max_rate() > 2_000.0 {
                p.arrivals =
                    archsim::model::Arrivals::Open { rate: archsim::model::RateProfile::Constant { rps: 500.0 } };
            }
        }
    }
    s.nodes.push(node(0, client));
    let callees: Vec<&str> = KINDS.iter().map(|k| k.name).filter(|&k| k != "client").collect();
    let n = 2 + below(rng, 9) as usize;
    for i in 1..n {
        let name = callees[below(rng, callees.len() as u64) as usize];
        let kind = pools.kind(rng, name);
        // Callers that may call it (the client only once, as node 1's).
        let callers: Vec<usize> = (0..i)
            .filter(|&c| (c == 0) == (i == 1))
            .filter(|&c| !matches!(wiring(&s.nodes[c].kind, &kind), Wiring::Refused(_)))
            .collect();
        let Some(&caller) = callers.get(below(rng, callers.len().max(1) as u64) as usize) else { break };
        let mode = match wiring(&s.nodes[caller].kind, &kind) {
            Wiring::SyncOrAsync if unit(rng) < 0.2 => CallMode::Async,
            _ => CallMode::Sync,
        };
        s.nodes.push(node(i, kind));
        let e = pools.edge(rng, &s.nodes[caller].id, &s.nodes[i].id, mode);
        s.edges.push(e);
    }
    for _ in 0..below(rng, 4) {
        let (a, b) = (1 + below(rng, s.nodes.len() as u64) as usize, 1 + below(rng, s.nodes.len() as u64) as usize);
        let (Some(from), Some(to)) = (s.nodes.get(a.min(b)), s.nodes.get(a.max(b))) else { continue };
        if a != b
            && !matches!(wiring(&from.kind, &to.kind), Wiring::Refused(_))
            && !s.edges.iter().any(|e| e.from == from.id && e.to == to.id)
        {
            let e = pools.edge(rng, &from.id, &to.id, CallMode::Sync);
            s.edges.push(e);
        }
    }
    // A balancer or DNS name left without a target gets a pool.
    for i in 0..s.nodes.len() {
        let forwards = matches!(s.nodes[i].kind, NodeKind::LoadBalancer(_) | NodeKind::Dns(_));
        if forwards && !s.edges.iter().any(|e| e.from == s.nodes[i].id) {
            let pool = node(s.nodes.len(), pools.kind(rng, "service"));
            let e = pools.edge(rng, &s.nodes[i].id, &pool.id, CallMode::Sync);
            s.nodes.push(pool);
            s.edges.push(e);
        }
    }
    let crashable: Vec<&Node> = s.nodes.iter().filter(|n| n.kind.crash_parts().is_some()).collect();
    if !crashable.is_empty() && unit(rng) < 0.5 {
        let target = crashable[below(rng, crashable.len() as u64) as usize];
        let parts = target.kind.crash_parts().unwrap_or(1);
        let mut f = Fault::at(0.5 + 1.5 * unit(rng), FaultKind::Crash);
        f.node = Some(target.id.clone());
        f.replica = (unit(rng) < 0.5).then(|| below(rng, u64::from(parts)) as u32);
        f.for_s = Some(0.2 + 2.0 * unit(rng));
        s.faults.push(f);
    }
    s
}

/// Runs `s` to its end: no panic, every request accounted for, no guard
/// needed; and again as the page's worker runs it live, in three pieces
/// with everything taken: every answer crosses to the page as JSON
/// unchanged, and the run ends with the same digest. The scenario's JSON
/// in the message on failure.
fn check_run(s: &Scenario, seed: u64) {
    let json = s.to_json().unwrap_or_default();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut sim = Simulation::new(s, seed).expect("valid");
        sim.run_to_end();
        (sim.report(), sim.stopped().cloned())
    }));
    let (report, stopped) = outcome.unwrap_or_else(|_| panic!("the run panicked on {json}"));
    assert!(conserved(&report), "requests not conserved ({:?}) on {json}", report.requests);
    assert!(stopped.is_none(), "a guard stopped a sane design ({stopped:?}) on {json}");
    let live = catch_unwind(AssertUnwindSafe(|| {
        let mut seeded = s.clone();
        seeded.settings.seed = seed;
        let mut session = open(&seeded);
        let piece = Some(s.settings.duration_s * 1000.0 / 3.0);
        let mut last = None;
        for by_ms in [piece, piece, None] {
            last = Some(serve(&mut session, Command::Advance { by_ms, budget_ms: None, take: Take::ALL }));
        }
        last
    }));
    match live.unwrap_or_else(|_| panic!("the live run panicked or changed crossing on {json}")) {
        Some(Ok(Answer::Readouts(r))) => assert_eq!(r.digest, Some(report.digest), "on {json}"),
        other => panic!("the live run ended with {other:?} on {json}"),
    }
}

#[test]
fn random_valid_designs_run_without_panic_or_guard() {
    let pools = Pools::new();
    let total = cases("ARCHSIM_FUZZ_DESIGNS", 300);
    let mut rng = stream(7, "fuzz", "designs");
    let mut valid = 0;
    for i in 0..total {
        let s = design(&pools, &mut rng);
        if s.validate().is_ok() {
            valid += 1;
            check_run(&s, i as u64);
        }
    }
    // The generator must mostly make valid designs, or it tests little.
    assert!(valid * 2 > total, "only {valid} of {total} random designs were valid");
    eprintln!("fuzz: {valid} of {total} random designs valid, all ran");
}

#[test]
fn random_editor_sessions_keep_a_runnable_design() {
    let pools = Pools::new();
    let total = cases("ARCHSIM_FUZZ_EDITS", 200);
    let mut rng = stream(11, "fuzz", "edits");
    let mut ran = 0;
    for _ in 0..total {
        let mut editor = Editor::new(Scenario::empty());
        for _ in 0..below(&mut rng, 40) {
            let ids: Vec<NodeId> = editor.scenario().nodes.iter().map(|n| n.id.clone()).collect();
            let any = |rng: &mut Stream| ids.get(below(rng, ids.len().max(1) as u64) as usize).cloned();
            let at = Point { x: 1000.0 * unit(&mut rng), y: 800.0 * unit(&mut rng) };
            let action = match below(&mut rng, 10) {
                0..=2 => Action::AddNode { kind: KINDS[below(&mut rng, KINDS.len() as u64) as usize].name.into(), at },
                3..=5 => match (any(&mut rng), any(&mut rng)) {
                    (Some(from), Some(to)) => Action::Connect { from, to },
                    _ => continue,
                },
                6 => match any(&mut rng) {
                    Some(id) => Action::Delete { nodes: vec![id], edges: Vec::new(), zones: Vec::new() },
                    None => continue,
                },
                7 => match any(&mut rng) {
                    Some(id) => {
                        let name = editor.scenario().node(&id).map(|n| n.kind.info().name).unwrap_or("service");
                        Action::SetParams { id, kind: pools.kind(&mut rng, name) }
                    }
                    None => continue,
                },
                8 => {
                    editor.undo();
                    continue;
                }
                _ => {
                    editor.redo();
                    continue;
                }
            };
            let before = editor.scenario().clone();
            if editor.apply(action).is_err() {
                assert_eq!(editor.scenario(), &before, "a refused edit changed the design");
            }
        }
        let mut s = editor.scenario().clone();
        s.settings.duration_s = 2.0;
        s.settings.warmup_s = 0.2;
        if s.validate().is_ok() && !s.nodes.is_empty() {
            ran += 1;
            check_run(&s, 1);
        }
    }
    assert!(ran * 10 > total, "only {ran} of {total} edit sessions ended in a runnable design");
    eprintln!("fuzz: {ran} of {total} edit sessions ended in a runnable design, all ran");
}
