//! The wiring table: every (caller kind, callee kind, call mode) is either
//! refused by `validate` with the table's reason, or simulated: a short
//! run completes client requests and accounts for every one of them.

use archsim::model::{wiring_problem, CallMode, Edge, NodeKind, Onward, Scenario, ServiceTime, KINDS};
use archsim::sim::Simulation;

use crate::support::{call, conserved, node, poisson_client, scenario, service};

/// `client → a → b` (or `a → b` when `a` is the client), with a pool
/// behind `b` when `b` forwards to one of its calls (a balancer's
/// backend, a DNS endpoint, a gateway's route).
fn pair(a: &NodeKind, b: &NodeKind, mode: CallMode) -> Scenario {
    let mut nodes = vec![node("a", a.clone()), node("b", b.clone())];
    let mut edges = vec![Edge { mode, ..call("a", "b") }];
    if !matches!(a, NodeKind::Client(_)) {
        nodes.insert(0, poisson_client("c", 50.0));
        edges.push(call("c", "a"));
    }
    if b.info().onward == Onward::OneOf {
        nodes.push(service("behind", 1, 4, 100, ServiceTime::Constant { ms: 1.0 }));
        edges.push(call("b", "behind"));
    }
    scenario(nodes, edges, 5.0, 0.0)
}

#[test]
fn every_kind_pair_is_refused_with_the_tables_reason_or_runs() {
    for a in KINDS {
        for b in KINDS {
            for mode in [CallMode::Sync, CallMode::Async] {
                let caller = NodeKind::default_for(a.name).unwrap();
                let callee = NodeKind::default_for(b.name).unwrap();
                let what = format!("{} → {} ({mode:?})", a.name, b.name);
                let s = pair(&caller, &callee, mode);
                match (wiring_problem(&caller, &callee, mode), Simulation::new(&s, 1)) {
                    (Some(reason), Err(e)) => assert!(e.to_string().contains(reason), "{what}: {e}"),
                    (Some(reason), Ok(_)) => panic!("{what}: the table refuses it ({reason}) but validate accepts it"),
                    (None, Err(e)) => panic!("{what}: the table allows it but validate refuses it: {e}"),
                    (None, Ok(mut sim)) => {
                        sim.run_to_end();
                        let r = sim.report();
                        assert!(conserved(&r), "{what}: {:?}", r.requests);
                        assert!(r.requests.completed > 100, "{what}: {:?}", r.requests);
                    }
                }
            }
        }
    }
}

#[test]
fn a_balancer_in_front_of_a_database_is_refused_not_a_crash() {
    // Found by mutation: passed validate, then indexed out of bounds.
    for store in ["database", "partitioned_store"] {
        let s = pair(
            &NodeKind::default_for("load_balancer").unwrap(),
            &NodeKind::default_for(store).unwrap(),
            CallMode::Sync,
        );
        let e = Simulation::new(&s, 1).err().expect(store).to_string();
        assert!(e.contains("a load balancer forwards to service pools, caches or CDN edges"), "{e}");
    }
}

#[test]
fn a_dns_name_without_endpoints_is_refused() {
    let s = scenario(
        vec![poisson_client("c", 10.0), node("d", NodeKind::default_for("dns").unwrap())],
        vec![call("c", "d")],
        1.0,
        0.0,
    );
    let e = s.validate().unwrap_err().to_string();
    assert!(e.contains("DNS name `d` has no endpoint"), "{e}");
}
