//! A design under its exercise's own rules: what grading *for the
//! exercise* runs, whatever the participant edited.
//!
//! The rules of an exercise are its fault script, its objectives, its run
//! settings (duration, warm-up, seed, network defaults) and the traffic of
//! its clients. A participant may edit any of them to explore (practice);
//! the exercise verdict puts the shipped ones back on the participant's
//! drawing (nodes, edges, zones) and lists what the copy had changed, so a
//! removed fault or a loosened target is visible and never passes.

use thiserror::Error;

use crate::model::{Fault, NodeKind, Objective, Scenario, ValidationError};

use super::exercises::{self, Exercise};

/// Why a design cannot be graded for its exercise.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum Refusal {
    /// The design names an exercise this build does not ship.
    #[error("the design was made for an exercise this ArchSim does not have (`{0}`)")]
    UnknownExercise(String),
    /// A rule needs something the drawing no longer has: a fault's target,
    /// an objective's node, a client.
    #[error("the exercise's rules cannot run on this design: {0}")]
    RulesDoNotApply(String),
}

/// The design's exercise, if it has one.
///
/// Errors: [`Refusal::UnknownExercise`] for a slug this build lacks.
pub fn exercise_of(design: &Scenario) -> Option<Result<&'static Exercise, Refusal>> {
    let named = design.exercise.as_ref()?;
    Some(exercises::find(&named.slug).ok_or_else(|| Refusal::UnknownExercise(named.slug.clone())))
}

/// What the design's copy of the rules changes from the exercise's, for
/// people, e.g. `removed from the fault script: at 40 s: zone eu-west-1a
/// crash for 30 s` or `objective p99 ≤ 200 ms from 45 s to 70 s: target
/// now 500 ms`. Empty when the design follows the rules.
pub fn changes(design: &Scenario, exercise: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(mine), Some(theirs)) = (&design.exercise, &exercise.exercise) {
        if mine.version != theirs.version {
            out.push(format!(
                "made for version {} of the exercise; graded against version {}",
                mine.version, theirs.version
            ));
        }
    }
    faults_changed(&design.faults, &exercise.faults, &mut out);
    objectives_changed(&design.objectives, &exercise.objectives, &mut out);
    let (a, b) = (&design.settings, &exercise.settings);
    for (name, mine, theirs, unit) in [
        ("duration", a.duration_s, b.duration_s, "s"),
        ("warm-up", a.warmup_s, b.warmup_s, "s"),
        ("cross-zone latency", a.cross_zone_ms, b.cross_zone_ms, "ms"),
        ("cross-region latency", a.cross_region_ms, b.cross_region_ms, "ms"),
    ] {
        if mine != theirs {
            out.push(format!("{name} {theirs} {unit} changed to {mine} {unit}"));
        }
    }
    for client in clients(exercise) {
        match design.node(&client.id) {
            Some(mine) if mine.kind != client.kind => out.push(format!("traffic of {} changed", client.id)),
            Some(_) => {}
            None => out.push(format!("client {} removed", client.id)),
        }
    }
    out
}

/// What the design's copy changed of its exercise's rules (see
/// [`changes`]); empty for a design without an exercise or one this build
/// does not ship.
pub fn changes_of(design: &Scenario) -> Vec<String> {
    match exercise_of(design) {
        Some(Ok(e)) => e.scenario().map(|rules| changes(design, &rules)).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn faults_changed(mine: &[Fault], theirs: &[Fault], out: &mut Vec<String>) {
    for f in theirs.iter().filter(|f| !mine.contains(f)) {
        out.push(format!("removed from the fault script: {}", f.describe()));
    }
    for f in mine.iter().filter(|f| !theirs.contains(f)) {
        out.push(format!("added to the fault script: {}", f.describe()));
    }
}

fn objectives_changed(mine: &[Objective], theirs: &[Objective], out: &mut Vec<String>) {
    // The same metric, window and node with another target is a changed
    // target; anything else was removed or added.
    let same_but_target = |a: &Objective, b: &Objective| {
        a.metric == b.metric && a.from_s == b.from_s && a.to_s == b.to_s && a.node == b.node
    };
    for o in theirs.iter().filter(|o| !mine.contains(o)) {
        match mine.iter().find(|m| same_but_target(m, o) && !theirs.contains(m)) {
            Some(m) => out.push(format!("objective {}: target now {}", o.describe(), m.metric.show(m.target))),
            None => out.push(format!("objective removed: {}", o.describe())),
        }
    }
    for o in mine.iter().filter(|o| !theirs.contains(o) && !theirs.iter().any(|t| same_but_target(o, t))) {
        out.push(format!("objective added: {}", o.describe()));
    }
}

fn clients(s: &Scenario) -> impl Iterator<Item = &crate::model::Node> {
    s.nodes.iter().filter(|n| matches!(n.kind, NodeKind::Client(_)))
}

/// The design's drawing (nodes, edges, zones) with `exercise`'s rules: its
/// fault script, objectives, run settings and client traffic.
///
/// Errors: [`Refusal::RulesDoNotApply`] when the drawing lacks what a rule
/// needs (a client, a fault's target, an objective's node) or a zone or
/// region the fault script darkens holds none of the design's nodes (the
/// outage would hit nothing), each named.
pub fn under_rules(design: &Scenario, exercise: &Scenario) -> Result<Scenario, Refusal> {
    let mut s = design.clone();
    s.faults = exercise.faults.clone();
    s.objectives = exercise.objectives.clone();
    s.settings = exercise.settings.clone();
    let mut missing = Vec::new();
    for client in clients(exercise) {
        match s.nodes.iter_mut().find(|n| n.id == client.id) {
            Some(n) => n.kind = client.kind.clone(),
            None => missing.push(format!("the client {} is gone", client.id)),
        }
    }
    for f in &exercise.faults {
        let hit = |zone_ok: &dyn Fn(&str) -> bool| s.nodes.iter().any(|n| n.zone.as_deref().is_some_and(zone_ok));
        let empty = match (&f.zone, &f.region) {
            (Some(z), _) => !hit(&|nz| nz == z),
            (_, Some(r)) => !hit(&|nz| s.zones.iter().any(|zone| zone.id == nz && &zone.region == r)),
            _ => false,
        };
        if empty {
            missing.push(format!("\"{}\" would hit none of the design's nodes", f.describe()));
        }
    }
    if let Err(ValidationError::Invalid(problems)) = s.validate() {
        missing.extend(problems.iter().map(|p| p.to_string()));
    }
    if missing.is_empty() {
        Ok(s)
    } else {
        Err(Refusal::RulesDoNotApply(missing.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Metric;

    fn zone_outage() -> Scenario {
        exercises::find("zone-outage").unwrap().scenario().unwrap()
    }

    #[test]
    fn an_unchanged_copy_changes_nothing_and_runs_as_shipped() {
        let s = zone_outage();
        assert!(changes(&s, &s).is_empty());
        assert_eq!(under_rules(&s, &s), Ok(s));
    }

    #[test]
    fn a_removed_fault_and_a_loosened_target_are_named_and_put_back() {
        let shipped = zone_outage();
        let mut edited = shipped.clone();
        edited.faults.clear();
        let p99 = edited.objectives.iter_mut().find(|o| o.metric == Metric::P99Ms).unwrap();
        p99.target = 500.0;
        edited.settings.duration_s = 50.0;
        let said = changes(&edited, &shipped);
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(said[0].starts_with("removed from the fault script: at 40 s: zone eu-west-1a crash"), "{said:?}");
        assert!(said[1].ends_with("target now 500 ms"), "{said:?}");
        assert_eq!(said[2], "duration 100 s changed to 50 s");
        let graded = under_rules(&edited, &shipped).unwrap();
        assert_eq!(
            (graded.faults, graded.objectives, graded.settings),
            (shipped.faults, shipped.objectives, shipped.settings)
        );
    }

    #[test]
    fn a_deleted_zone_or_an_emptied_one_cannot_be_graded() {
        let shipped = zone_outage();
        let mut moved = shipped.clone();
        for n in &mut moved.nodes {
            n.zone = None;
        }
        let Err(Refusal::RulesDoNotApply(why)) = under_rules(&moved, &shipped) else { panic!() };
        assert!(why.contains("zone eu-west-1a crash for 30 s\" would hit none"), "{why}");
        moved.zones.clear();
        let Err(Refusal::RulesDoNotApply(why)) = under_rules(&moved, &shipped) else { panic!() };
        assert!(why.contains("eu-west-1a"), "{why}");
    }

    #[test]
    fn the_clients_traffic_is_the_exercises() {
        let shipped = exercises::find("single-server").unwrap().scenario().unwrap();
        let mut lighter = shipped.clone();
        let client = lighter.nodes.iter_mut().find(|n| matches!(n.kind, NodeKind::Client(_))).unwrap();
        let NodeKind::Client(p) = &mut client.kind else { unreachable!() };
        p.timeout_ms /= 2.0;
        let id = client.id.clone();
        assert_eq!(changes(&lighter, &shipped), [format!("traffic of {id} changed")]);
        assert_eq!(under_rules(&lighter, &shipped).unwrap().nodes, shipped.nodes);
    }
}
