//! Autoscaling: a pool tracking a utilization target settles at
//! ⌈λ / (c·μ·target)⌉ replicas after a step in load, launches take their
//! provisioning time, and scaling back in drains replicas without failing
//! a request.

use archsim::model::{Arrivals, Autoscaling, LoadBalancerParams, NodeKind, RateProfile, Scenario, ServiceTime};
use archsim::sim::Simulation;

use crate::support::{balancer, call, client, scenario, service};

/// Poisson arrivals with `rate`, into a pool of 5 workers × 20 ms per
/// replica (250 req/s each) starting at 2 replicas, scaling on 60%
/// utilization between 2 and 10, every 10 s, 30 s to launch, 20 s warm-up,
/// 60 s cooldown; 600 s.
fn autoscaled(rate: RateProfile, behind_balancer: bool) -> Scenario {
    let mut pool = service("api", 2, 5, 10_000, ServiceTime::Exponential { mean_ms: 20.0 });
    if let NodeKind::Service(p) = &mut pool.kind {
        p.autoscaling = Some(Box::new(Autoscaling {
            min_replicas: 2,
            max_replicas: 10,
            target: 0.6,
            interval_s: 10.0,
            cooldown_s: 60.0,
            provisioning_s: 30.0,
            warmup_s: 20.0,
            ..Autoscaling::default()
        }));
    }
    let c = client("c", Arrivals::Open { rate });
    if behind_balancer {
        // Room for the backlog the step builds while replicas launch.
        let lb = balancer("lb", LoadBalancerParams { max_connections: 100_000, ..LoadBalancerParams::default() });
        scenario(vec![c, lb, pool], vec![call("c", "lb"), call("lb", "api")], 600.0, 0.0)
    } else {
        scenario(vec![c, pool], vec![call("c", "api")], 600.0, 0.0)
    }
}

fn events(sim: &Simulation, what: &str) -> Vec<f64> {
    sim.events().into_iter().filter(|e| e.what == what).map(|e| e.t_s).collect()
}

#[test]
fn a_step_in_load_scales_out_to_the_target_then_back_in() {
    // 200 req/s, 800 req/s from 100 s to 350 s, then 200 again.
    let rate = RateProfile::Spike { base_rps: 200.0, peak_rps: 800.0, at_s: 100.0, duration_s: 250.0 };
    let s = autoscaled(rate, false);
    let mut sim = Simulation::new(&s, 1).unwrap();
    sim.run_until(archsim::sim::SimTime::from_s(340.0));
    // At 800 req/s, ⌈800 / (5 × 50 × 0.6)⌉ = ⌈5.33⌉ = 6 replicas.
    assert_eq!(sim.report().nodes["api"].extra["replicas"], 6.0);
    let outs = events(&sim, "scale_out");
    assert!(!outs.is_empty() && outs[0] > 100.0 && outs[0] <= 110.0, "first scale-out at {outs:?}");
    // Each launch enters service 30 s after its scale-out.
    let first_in = events(&sim, "in_service")[0];
    assert!((first_in - outs[0] - 30.0).abs() < 1e-9, "{first_in} vs {}", outs[0]);
    sim.run_to_end();
    let r = sim.report();
    // Back at 200 req/s: ⌈200 / 150⌉ = 2 replicas (the minimum).
    assert_eq!(r.nodes["api"].extra["replicas"], 2.0);
    let ins = events(&sim, "scale_in");
    // (The backlog of the step made it overshoot and scale in once before.)
    assert!(ins.iter().any(|&t| t > 350.0), "{ins:?}");
    // Scale-ins keep the cooldown from the previous action.
    let mut actions: Vec<f64> = outs.iter().chain(&ins).copied().collect();
    actions.sort_by(f64::total_cmp);
    for pair in actions.windows(2) {
        let scale_in = ins.contains(&pair[1]);
        assert!(!scale_in || pair[1] - pair[0] >= 60.0 - 1e-9, "scale-in {} after an action at {}", pair[1], pair[0]);
    }
    // Draining loses nothing: every request completes (the queue absorbs
    // the step while replicas launch).
    assert_eq!(r.requests.failed + r.requests.rejected, 0, "{:?}", r.requests);
    // Every launched replica was drained and stopped again.
    assert_eq!(events(&sim, "stopped").len(), events(&sim, "in_service").len());
}

#[test]
fn behind_a_balancer_new_replicas_join_after_their_health_checks_and_leave_at_once() {
    // The balancer sends to a launched replica once two probes (5 s apart)
    // pass, and stops sending to a draining one at once: no request fails,
    // and the pool ends where it started.
    let rate = RateProfile::Spike { base_rps: 200.0, peak_rps: 800.0, at_s: 100.0, duration_s: 250.0 };
    let r = crate::support::run(&autoscaled(rate, true), 2);
    assert_eq!(r.requests.failed + r.requests.rejected, 0, "{:?}", r.requests);
    assert_eq!(r.nodes["api"].extra["replicas"], 2.0);
    assert!(r.nodes["api"].extra["scaling_actions"] >= 4.0);
    let healthy = r.events.iter().filter(|e| e.node == "lb" && e.what == "healthy").count();
    let launched = r.events.iter().filter(|e| e.what == "in_service").count();
    assert_eq!(healthy, launched, "each launched replica passes its probes once");
}
