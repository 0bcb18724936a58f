//! The live run as the page's worker holds it (`live::Session`): commands
//! in, readouts out, both as JSON. A run advanced piece by piece through a
//! session is the run `archsim run` makes (same digest), its readouts cross
//! to the page unchanged, and every command that cannot be carried out
//! says why.

use std::cell::Cell;

use archsim::live::{Answer, Command, Readouts, Session, Take};

use archsim::model::{Fault, FaultKind, NodeId, Scenario};
use archsim::sim::Simulation;
use archsim::workshop::exercises::{self, EXERCISES};
use rayon::prelude::*;

use crate::support::{open, serve};

fn advance(session: &mut Session, by_ms: Option<f64>) -> Readouts {
    match serve(session, Command::Advance { by_ms, budget_ms: None, take: Take::default() }) {
        Ok(Answer::Readouts(r)) => *r,
        other => panic!("{other:?}"),
    }
}

fn digest(scenario: &Scenario) -> String {
    let mut sim = Simulation::new(scenario, scenario.settings.seed).unwrap();
    sim.run_to_end();
    sim.report().digest
}

/// Every shipped design run through a session in 7.5 s pieces ends with
/// the digest of its run to the end, and each piece's readouts cross to
/// the page and back unchanged.
#[test]
fn a_run_advanced_in_pieces_is_the_cli_run_and_its_readouts_cross_unchanged() {
    let mut designs: Vec<Scenario> = EXERCISES.iter().map(|e| e.scenario().unwrap()).collect();
    designs.push(exercises::starter());
    designs.par_iter().for_each(|s| {
        let mut session = open(s);
        let mut last = advance(&mut session, Some(7_500.0));
        assert!(!last.finished() && last.digest.is_none(), "{}", s.title);
        while !last.finished() {
            last = advance(&mut session, Some(7_500.0));
        }
        assert_eq!(last.digest, Some(digest(s)), "{}", s.title);
        assert_eq!(last.time_s, s.settings.duration_s, "{}", s.title);
        assert!(!last.cdf.is_empty() && !last.nodes.is_empty(), "{}: finished readouts take everything", s.title);
    });
}

/// An advance stops when its wall-time budget is spent, however far it
/// was asked to go; without a budget it goes all the way.
#[test]
fn an_advance_stops_at_its_wall_time_budget() {
    let s = exercises::starter();
    let mut session = open(&s);
    // Each reading of this clock is 10 ms after the one before.
    let ms = Cell::new(0.0);
    let ticking = || {
        ms.set(ms.get() + 10.0);
        ms.get()
    };
    let command = Command::Advance { by_ms: None, budget_ms: Some(25.0), take: Take::ALL };
    let Ok(Answer::Readouts(r)) = session.serve(command, ticking) else { panic!() };
    // Started at 10; ran at 20 and 30; stopped at 40 (30 ms spent): two
    // slices of 20 ms simulated.
    assert_eq!(r.time_s, 0.04);
    assert!(!r.finished());
    assert_eq!(advance(&mut session, None).time_s, s.settings.duration_s);
}

/// Faults, edits and commands without a run say why they were not
/// carried out; an edit a run cannot take asks for a new run.
#[test]
fn what_cannot_be_done_says_why() {
    let mut session = Session::default();
    let nothing = Command::Advance { by_ms: None, budget_ms: None, take: Take::ALL };
    assert_eq!(serve(&mut session, nothing.clone()), Err("no run is open".to_owned()));
    let bad = Command::Open { scenario: "{".into(), seed: 1 };
    assert!(serve(&mut session, bad).unwrap_err().contains("line 1"), "a parse error says where");

    let s = exercises::starter();
    let mut session = open(&s);
    let mut fault = Fault::at(0.0, FaultKind::Crash);
    fault.node = Some(NodeId::from("nowhere"));
    let refused = serve(&mut session, Command::Inject { fault: fault.clone(), on: true }).unwrap_err();
    assert!(refused.contains("nowhere"), "{refused}");
    fault.node = Some(s.nodes.last().unwrap().id.clone());
    let Ok(Answer::Readouts(r)) = serve(&mut session, Command::Inject { fault, on: true }) else { panic!() };
    assert_eq!(r.events.last().map(|e| e.what.as_str()), Some("crash"), "{:?}", r.events);

    let mut edited = s.clone();
    edited.nodes.pop();
    edited.edges.retain(|e| s.nodes.last().is_some_and(|n| e.to != n.id && e.from != n.id));
    let Ok(Answer::RestartNeeded(reasons)) =
        serve(&mut session, Command::Update { scenario: edited.to_json().unwrap() })
    else {
        panic!()
    };
    assert!(reasons.iter().any(|r| r.contains("nodes")), "{reasons:?}");
    assert_eq!(serve(&mut session, Command::Close), Ok(Answer::Done));
    assert_eq!(serve(&mut session, nothing), Err("no run is open".to_owned()));
}
