//! Scenario parsing and validation: every problem with its JSON path.

use archsim::model::{CallMode, Problem, Scenario, ValidationError, FORMAT_VERSION};

use crate::support::{call, poisson_client, scenario, service};
use archsim::model::ServiceTime;

fn problems(s: &Scenario) -> Vec<Problem> {
    match s.validate() {
        Err(ValidationError::Invalid(p)) => p,
        other => panic!("expected problems, got {other:?}"),
    }
}

fn paths(s: &Scenario) -> Vec<String> {
    problems(s).into_iter().map(|p| p.path).collect()
}

fn valid() -> Scenario {
    scenario(
        vec![
            poisson_client("users", 100.0),
            service("api", 2, 4, 10, ServiceTime::Exponential { mean_ms: 5.0 }),
            service("db", 1, 4, 10, ServiceTime::Exponential { mean_ms: 2.0 }),
        ],
        vec![call("users", "api"), call("api", "db")],
        10.0,
        1.0,
    )
}

#[test]
fn the_bundled_three_tier_scenario_is_valid() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/three-tier.json")).unwrap();
    Scenario::from_json(&text).unwrap().validate().unwrap();
}

#[test]
fn json_round_trip_is_lossless() {
    let s = valid();
    let text = serde_json::to_string(&s).unwrap();
    assert_eq!(Scenario::from_json(&text).unwrap(), s);
}

#[test]
fn every_problem_is_listed_with_its_path() {
    let mut s = valid();
    s.nodes[2].id = "api".into(); // duplicate id
    s.edges.push(call("api", "ghost")); // unknown node
    if let archsim::model::NodeKind::Service(p) = &mut s.nodes[1].kind {
        p.workers = 0;
        p.service_time = ServiceTime::Exponential { mean_ms: f64::NAN };
    }
    s.settings.warmup_s = 50.0; // longer than the duration
    let got = paths(&s);
    for expected in [
        "$.nodes[2].id",
        "$.edges[2].to",
        "$.nodes[1].params.workers",
        "$.nodes[1].params.service_time.mean_ms",
        "$.settings.warmup_s",
    ] {
        assert!(got.iter().any(|p| p == expected), "missing {expected} in {got:?}");
    }
}

#[test]
fn synchronous_cycles_are_refused_but_async_ones_allowed() {
    let mut s = valid();
    s.edges.push(call("db", "api"));
    let p = problems(&s);
    assert!(p.iter().any(|p| p.message.contains("cycle through api, db")), "{p:?}");
    s.edges.last_mut().unwrap().mode = CallMode::Async;
    s.validate().unwrap();
}

#[test]
fn illegal_wiring_is_refused_with_a_reason() {
    let mut s = valid();
    s.edges.push(call("api", "users"));
    let p = problems(&s);
    assert!(p.iter().any(|p| p.path == "$.edges[2]" && p.message.contains("nothing can call a client")), "{p:?}");
    // A client must have exactly one entry edge.
    let mut s = valid();
    s.edges.remove(0);
    assert!(paths(&s).contains(&"$.nodes[0]".to_owned()));
}

#[test]
fn impossible_lognormal_tail_is_refused() {
    let mut s = valid();
    if let archsim::model::NodeKind::Service(p) = &mut s.nodes[1].kind {
        // No lognormal has p99/mean above e^(z²/2) ≈ 14.97.
        p.service_time = ServiceTime::Lognormal { mean_ms: 1.0, p99_ms: 20.0 };
    }
    assert!(paths(&s).contains(&"$.nodes[1].params.service_time.p99_ms".to_owned()));
}

#[test]
fn versions_newer_than_the_app_or_unknown_are_refused() {
    let newer = format!(r#"{{"version": {}, "nodes": []}}"#, FORMAT_VERSION + 1);
    assert!(matches!(Scenario::from_json(&newer), Err(ValidationError::NewerVersion { .. })));
    assert!(matches!(Scenario::from_json(r#"{"version": 0, "nodes": []}"#), Err(ValidationError::UnknownVersion(0))));
    assert_eq!(only_problem(r#"{"nodes": []}"#).0, "$.version");
    let err = Scenario::from_json(r#"{"version": 1, "nodes": [], "bogus": 1}"#).unwrap_err();
    assert!(err.to_string().contains("bogus"), "{err}");
}

/// The one problem `text` has when parsed: (path, message).
fn only_problem(text: &str) -> (String, String) {
    match Scenario::from_json(text) {
        Err(ValidationError::Invalid(p)) if p.len() == 1 => (p[0].path.clone(), p[0].message.clone()),
        other => panic!("expected one problem, got {other:?}"),
    }
}

#[test]
fn a_field_of_the_wrong_type_is_reported_at_its_path_and_place() {
    // It was one message without a path ("invalid type … at line 1 column 230").
    let text = "{ \"version\": 2,\n  \"nodes\": [ { \"id\": \"c\", \"kind\": \"client\", \"params\": {} } ],\n  \"edges\": [ { \"from\": \"c\", \"to\": \"c\", \"probability\": \"x\" } ] }";
    let (path, message) = only_problem(text);
    assert_eq!(path, "$.edges[0].probability");
    assert!(message.starts_with("invalid type: string \"x\", expected f64 (line 3, column"), "{message}");
    // Inside a kind's parameters, the node's path and the parameter's.
    let text = r#"{"version": 2, "nodes": [{"id": "api", "kind": "service", "params": {"workers": "many"}}]}"#;
    let (path, message) = only_problem(text);
    assert_eq!(path, "$.nodes[0]");
    assert!(message.starts_with("params.workers: invalid type: string \"many\", expected u32"), "{message}");
    // A node's own fields, a misspelt one, an unknown kind, missing parameters.
    let node = |fields: &str| only_problem(&format!(r#"{{"version": 3, "nodes": [{{"id": "api", {fields}}}]}}"#));
    let (path, message) = node(r#""label": 3, "kind": "service", "params": {}"#);
    assert_eq!(path, "$.nodes[0].label");
    assert!(message.starts_with("invalid type: integer `3`, expected a string"), "{message}");
    let (path, message) = node(r#""kind": "gizmo", "params": {}"#);
    assert_eq!(path, "$.nodes[0]");
    assert!(message.starts_with("unknown variant `gizmo`, expected one of `client`"), "{message}");
    assert!(node(r#""kind": "service""#).1.starts_with("missing field `params`"));
    let (path, message) = node(r#""lable": "API", "kind": "service", "params": {}"#);
    assert_eq!(path, "$.nodes[0].lable");
    assert!(message.starts_with("unknown field `lable`, expected one of `id`, `label`"), "{message}");
}

#[test]
fn a_version_written_as_text_is_named_as_such() {
    // It was reported as "missing `version`".
    assert_eq!(
        only_problem(r#"{"version": "2", "nodes": []}"#),
        ("$.version".to_owned(), format!(r#"must be a whole number such as {FORMAT_VERSION}, not "2""#))
    );
}

#[test]
fn a_byte_order_mark_is_skipped() {
    // Windows editors save one; it failed at "line 1 column 1".
    let text = format!("\u{feff}{}", Scenario::empty().to_json().unwrap());
    assert_eq!(Scenario::from_json(&text).unwrap(), Scenario::empty());
}

#[test]
fn the_schema_describes_the_format() {
    let schema: serde_json::Value = serde_json::from_str(&Scenario::json_schema()).unwrap();
    assert_eq!(schema["title"], "Scenario");
    assert!(schema["properties"]["nodes"].is_object());
}

#[test]
fn a_fault_on_a_replica_of_a_pool_without_replicas_is_a_problem_not_a_crash() {
    // Found by the link fuzzer: `replicas 0 to {parts - 1}` underflowed.
    let mut s = valid();
    let archsim::model::NodeKind::Service(p) = &mut s.nodes[1].kind else { unreachable!() };
    p.replicas = 0;
    let mut f = archsim::model::Fault::at(2.0, archsim::model::FaultKind::Crash);
    f.node = Some("api".into());
    f.replica = Some(0);
    s.faults.push(f);
    let p = problems(&s);
    assert!(p.iter().any(|p| p.path == "$.faults[0].node" && p.message.contains("`api` has no replicas")), "{p:?}");
}
