//! The shipped exercises: every file in `scenarios/` is an exercise, opens,
//! has its story, hints, fault script and objectives, runs, and starts out
//! failing; its reference solution in `scenarios/solutions/` passes every
//! objective in every graded seed (so every exercise can be solved,
//! measured by the simulation); its story matches its fault script.

use archsim::model::Scenario;
use archsim::sim::Simulation;
use archsim::workshop::exercises::{self, EXERCISES};
use archsim::workshop::grade::{grade, Status, Verdict};
use archsim::workshop::verdict::{Grading, SeedRun, GRADED_SEEDS};
use rayon::prelude::*;

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
    assert_eq!(exercises::starter().title, "Three-tier web application");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
    let stems = |dir: &str| -> Vec<String> {
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        files.sort();
        files
    };
    let mut solved: Vec<String> = EXERCISES.iter().map(|p| p.slug.to_owned()).collect();
    solved.sort();
    assert_eq!(stems(&format!("{dir}/solutions")), solved, "one solution per exercise");
    let mut slugs: Vec<String> = EXERCISES.iter().map(|p| p.slug.to_owned()).chain(["three-tier".to_owned()]).collect();
    slugs.sort();
    assert_eq!(stems(dir), slugs);
    assert!(EXERCISES.len() >= 24);
}

/// Every preset opens, carries the workshop fields, runs with conserved
/// requests, settles every objective by its end, and misses at least one
/// (it is an exercise).
#[test]
fn every_preset_is_an_open_exercise() {
    for p in EXERCISES {
        let s = p.scenario().unwrap_or_else(|e| panic!("{}: {e}", p.slug));
        assert!(!s.title.is_empty() && s.description.len() > 80, "{}: story", p.slug);
        assert!(s.difficulty.is_some() && !s.hints.is_empty(), "{}: difficulty and hints", p.slug);
        assert!(!s.faults.is_empty() && !s.objectives.is_empty(), "{}: faults and objectives", p.slug);
        let verdicts = run_and_grade(&s);
        assert!(verdicts.iter().all(|v| v.settled && v.status != Status::Pending), "{}: {verdicts:?}", p.slug);
        assert!(verdicts.iter().any(|v| v.status == Status::Fail), "{}: nothing to fix", p.slug);
    }
}

/// The gallery's summary of each exercise, read as plain JSON, says what
/// the parsed and validated scenario says; a file that is not JSON or has
/// no title is refused.
#[test]
fn every_summary_matches_its_scenario() {
    for p in EXERCISES {
        let (s, summary) = (p.scenario().unwrap(), p.summary().unwrap());
        assert_eq!(summary, exercises::Summary::from(&s), "{}", p.slug);
        assert_eq!(summary.title, s.title, "{}", p.slug);
        assert_eq!(summary.difficulty.as_deref(), s.difficulty.map(|d| d.label()), "{}", p.slug);
        assert_eq!(summary.story, s.description, "{}", p.slug);
    }
}

/// Every exercise names itself, and starts out failing for the exercise
/// (over the graded seeds); its reference solution keeps the exercise's
/// rules and passes every objective in every graded seed.
#[test]
fn every_exercise_fails_as_shipped_and_its_solution_passes_in_every_seed() {
    EXERCISES.par_iter().for_each(|e| {
        let shipped = e.scenario().unwrap();
        let named = shipped.exercise.as_ref().unwrap_or_else(|| panic!("{}: no exercise field", e.slug));
        assert!(named.slug == e.slug && named.version >= 1, "{}: {named:?}", e.slug);
        let verdict = Grading::new(&shipped, false, None).run_to_end();
        assert_eq!((verdict.exercise, verdict.runs.len()), (Some(e.slug), GRADED_SEEDS as usize), "{}", e.slug);
        assert!(!verdict.passes(), "{}: nothing to fix ({})", e.slug, verdict.summary());

        let solution = e.solution().unwrap_or_else(|err| panic!("{}: solution: {err}", e.slug));
        assert_eq!(solution.exercise, shipped.exercise, "{}", e.slug);
        assert!(solution.description.starts_with("Solution: "), "{}: the solution says what it changed", e.slug);
        let drawing = |s: &Scenario| (s.nodes.clone(), s.edges.clone(), s.zones.clone());
        assert_ne!(drawing(&solution), drawing(&shipped), "{}: the solution changes the design", e.slug);
        let verdict = Grading::new(&solution, false, None).run_to_end();
        assert!(verdict.changes.is_empty(), "{}: the solution changes the rules: {:?}", e.slug, verdict.changes);
        assert!(verdict.passes(), "{}: {}: {:#?}", e.slug, verdict.summary(), verdict.by_objective());
    });
}

/// A failing objective names the bottleneck in its window: at the peak of
/// the single-server exercise λ = 900 req/s exceeds cμ = 8 / 10 ms = 800
/// req/s, so the server is saturated (ρ = 1) there, although it idles
/// enough earlier in the run to average less.
#[test]
fn a_failing_objective_names_the_saturated_node_of_its_window() {
    let s = exercises::find("single-server").unwrap().scenario().unwrap();
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
    for preset in EXERCISES {
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

/// The rules of an exercise as grading for it uses them (its fault script,
/// objectives, run settings and clients' traffic: `workshop::canonical`),
/// hashed: SipHash-1-3 of their JSON.
fn rules_hash(s: &Scenario) -> String {
    use archsim::model::NodeKind;
    use std::hash::Hasher;
    let clients: Vec<_> =
        s.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Client(_))).map(|n| (&n.id, &n.kind)).collect();
    let json = serde_json::to_string(&(&s.faults, &s.objectives, &s.settings, clients)).unwrap();
    let mut h = siphasher::sip::SipHasher13::new_with_keys(0, 0);
    h.write(json.as_bytes());
    format!("{:016x}", h.finish())
}

/// An exercise whose rules change must raise its version (a participant's
/// link then says it was made for another version): each exercise's
/// version and rules hash are recorded in `tests/golden/exercise-rules.txt`
/// (`slug version hash` per line), and a changed hash needs a higher
/// version and a new line there.
#[test]
fn changed_rules_raise_the_exercise_version() {
    let recorded =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/exercise-rules.txt")).unwrap();
    let recorded: Vec<(&str, u32, &str)> = recorded
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split_whitespace();
            (f.next().unwrap(), f.next().unwrap().parse().unwrap(), f.next().unwrap())
        })
        .collect();
    for e in EXERCISES {
        let s = e.scenario().unwrap();
        let (version, hash) = (s.exercise.as_ref().unwrap().version, rules_hash(&s));
        let line = format!("{} {version} {hash}", e.slug);
        match recorded.iter().find(|(slug, ..)| *slug == e.slug) {
            None => panic!("record the rules of {}: add `{line}` to tests/golden/exercise-rules.txt", e.slug),
            Some((_, v, h)) if *h == hash => assert_eq!(*v, version, "{}: same rules, another version", e.slug),
            Some((_, v, _)) => panic!(
                "{0}: its rules changed: raise its version above {v} in scenarios/{0}.json and its solution, \
                 then record `{0} {1} {hash}`",
                e.slug,
                v + 1
            ),
        }
    }
}

/// A grading whose seeds run elsewhere (the page's workers), each to its
/// end and back in any order, gives the verdict of the grading run in
/// place: the same runs in the seeds' order; a seed that cannot run ends
/// it with a refusal.
#[test]
fn seeds_run_elsewhere_and_recorded_in_any_order_give_the_same_verdict() {
    let design = exercises::find("single-server").unwrap().scenario().unwrap();
    let in_place = Grading::new(&design, false, None).run_to_end();
    let mut elsewhere = Grading::new(&design, false, None);
    let (graded, seeds) = elsewhere.to_run().unwrap();
    let (graded, seeds) = (graded.clone(), seeds.to_vec());
    assert_eq!(seeds.len(), GRADED_SEEDS as usize);
    for &seed in seeds.iter().rev() {
        let mut sim = Simulation::new(&graded, seed).unwrap();
        sim.run_to_end();
        let run = SeedRun { seed, verdicts: grade(&sim), digest: sim.report().digest };
        assert!(!elsewhere.is_finished());
        elsewhere.record(Ok(run.clone()));
        elsewhere.record(Ok(run)); // a run recorded twice counts once
    }
    assert!(elsewhere.is_finished());
    assert_eq!(elsewhere.verdict(), in_place);

    let mut refused = Grading::new(&design, false, None);
    refused.record(Err("the design cannot run: no".into()));
    assert!(refused.is_finished() && refused.to_run().is_none());
    assert_eq!(refused.verdict().summary(), "fails: the design cannot run: no");
}
