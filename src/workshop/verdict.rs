//! The exercise verdict: a design graded for its exercise over several
//! seeds. One lucky seed proves little; a design passes an exercise when
//! every objective passes in every graded seed.
//!
//! [`Grading`] is stepped (the page advances it within a frame budget so
//! the page stays responsive; the CLI runs it to the end), and its
//! [`ExerciseVerdict`] says "passes in k of n seeds", per objective too.

use crate::model::{Objective, Scenario};
use crate::sim::{SimTime, Simulation};

use super::canonical::{self, changes, under_rules};
use super::grade::{grade, Status, Verdict};

/// Seeds an exercise is graded over: the exercise's seed and the next
/// four.
pub const GRADED_SEEDS: u32 = 5;

/// The seeds a scenario of seed `seed` is graded over.
pub fn graded_seeds(seed: u64) -> Vec<u64> {
    crate::sim::replications::seeds(seed, GRADED_SEEDS)
}

/// One seed's run, graded.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedRun {
    /// The seed.
    pub seed: u64,
    /// Each objective measured at the end of the run, in order.
    pub verdicts: Vec<Verdict>,
    /// The run report's digest (equal to `archsim run --seed <seed>` of
    /// the graded scenario).
    pub digest: String,
}

impl SeedRun {
    /// Whether every objective passed.
    pub fn passes(&self) -> bool {
        !self.verdicts.is_empty() && self.verdicts.iter().all(|v| v.status == Status::Pass)
    }
}

/// A graded design: for its exercise (the exercise's rules) or, for a
/// design without one, by its own objectives.
#[derive(Clone, Debug, PartialEq)]
pub struct ExerciseVerdict {
    /// The exercise's slug; none when graded by the design's own
    /// objectives.
    pub exercise: Option<&'static str>,
    /// What the design's copy of the exercise's rules changed (each change
    /// is ignored by this verdict).
    pub changes: Vec<String>,
    /// Why the design could not be graded, if it could not (it fails).
    pub refusal: Option<String>,
    /// The objectives graded, in order.
    pub objectives: Vec<Objective>,
    /// Each graded seed's run, in seed order.
    pub runs: Vec<SeedRun>,
}

/// One objective over every graded seed.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectiveOverSeeds {
    /// The objective, for people.
    pub objective: String,
    /// In how many seeds it passed.
    pub passed: usize,
    /// Of how many seeds graded.
    pub seeds: usize,
    /// Its worst measured value over the seeds (lowest availability,
    /// highest of the rest), in the metric's unit; none if never measured.
    pub worst: Option<f64>,
    /// The detail of the worst seed (why it failed, when it did).
    pub detail: String,
}

impl ObjectiveOverSeeds {
    /// Whether it passed in every graded seed (and some were graded).
    pub fn passes(&self) -> bool {
        self.seeds > 0 && self.passed == self.seeds
    }
}

impl ExerciseVerdict {
    /// In how many seeds every objective passed.
    pub fn passed_seeds(&self) -> usize {
        self.runs.iter().filter(|r| r.passes()).count()
    }

    /// Whether the design passes: graded, in every seed, every objective.
    pub fn passes(&self) -> bool {
        self.refusal.is_none() && !self.runs.is_empty() && self.passed_seeds() == self.runs.len()
    }

    /// The verdict in a few words, e.g. `passes in 5 of 5 seeds`, `fails:
    /// passes in 2 of 5 seeds`, `fails: the exercise's rules cannot run on
    /// this design: …`.
    pub fn summary(&self) -> String {
        match &self.refusal {
            Some(why) => format!("fails: {why}"),
            None if self.passes() => format!("passes in {0} of {0} seeds", self.runs.len()),
            None => format!("fails: passes in {} of {} seeds", self.passed_seeds(), self.runs.len()),
        }
    }

    /// Each objective over the seeds, in order.
    pub fn by_objective(&self) -> Vec<ObjectiveOverSeeds> {
        let worse = |a: &Verdict, b: &Verdict, minimum: bool| -> bool {
            match (a.measured, b.measured) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(x), Some(y)) => (x < y) == minimum && x != y,
            }
        };
        self.objectives
            .iter()
            .enumerate()
            .map(|(i, objective)| {
                let minimum = objective.metric.is_minimum();
                let of_seed: Vec<&Verdict> = self.runs.iter().filter_map(|r| r.verdicts.get(i)).collect();
                let passed = of_seed.iter().filter(|v| v.status == Status::Pass).count();
                // The worst seed: a failing one first, then the worst value.
                let worst = of_seed.iter().copied().reduce(|w, v| {
                    let failing = |x: &Verdict| x.status != Status::Pass;
                    if (failing(v) && !failing(w)) || (failing(v) == failing(w) && worse(v, w, minimum)) {
                        v
                    } else {
                        w
                    }
                });
                ObjectiveOverSeeds {
                    objective: objective.describe(),
                    passed,
                    seeds: self.runs.len(),
                    worst: worst.and_then(|v| v.measured),
                    detail: worst.map(|v| v.detail.clone()).unwrap_or_default(),
                }
            })
            .collect()
    }
}

/// A grading in progress: the graded scenario run once per seed, one seed
/// after the other.
pub struct Grading {
    scenario: Scenario,
    exercise: Option<&'static str>,
    changes: Vec<String>,
    seeds: Vec<u64>,
    current: Option<Simulation>,
    runs: Vec<SeedRun>,
    refusal: Option<String>,
}

impl Grading {
    /// Grades `design` for its exercise (its own objectives when it has
    /// none, or when `own` is set) over [`GRADED_SEEDS`] seeds from the
    /// graded scenario's seed, or over `seeds` when given.
    ///
    /// A design that cannot be graded for its exercise gives a grading
    /// already finished with its refusal (it fails).
    pub fn new(design: &Scenario, own: bool, seeds: Option<Vec<u64>>) -> Grading {
        let named = if own { None } else { canonical::exercise_of(design) };
        let (scenario, exercise, changes, refusal) = match named {
            None => (design.clone(), None, Vec::new(), None),
            Some(Err(refusal)) => (design.clone(), None, Vec::new(), Some(refusal.to_string())),
            Some(Ok(exercise)) => match exercise.scenario() {
                Err(e) => (design.clone(), Some(exercise.slug), Vec::new(), Some(e.to_string())),
                Ok(rules) => {
                    let said = changes(design, &rules);
                    match under_rules(design, &rules) {
                        Ok(graded) => (graded, Some(exercise.slug), said, None),
                        Err(refusal) => (design.clone(), Some(exercise.slug), said, Some(refusal.to_string())),
                    }
                }
            },
        };
        let refusal = refusal.or_else(|| scenario.objectives.is_empty().then(|| "no objectives to grade".to_owned()));
        let seeds = seeds.unwrap_or_else(|| graded_seeds(scenario.settings.seed));
        Grading { scenario, exercise, changes, seeds, current: None, runs: Vec::new(), refusal }
    }

    /// Whether every seed is graded (or the design cannot be).
    pub fn is_finished(&self) -> bool {
        self.refusal.is_some() || self.runs.len() == self.seeds.len()
    }

    /// Share of the grading done, 0–1 (by simulated time).
    pub fn progress(&self) -> f64 {
        if self.is_finished() {
            return 1.0;
        }
        let part = self.current.as_ref().map_or(0.0, |s| s.now().as_s() / s.duration().as_s().max(f64::MIN_POSITIVE));
        (self.runs.len() as f64 + part) / self.seeds.len() as f64
    }

    /// Simulates up to `slice` more of the current seed's run (starting
    /// the next seed's when one ends). A run a guard stops ends there and
    /// fails every objective (`grade`).
    pub fn step(&mut self, slice: SimTime) {
        if self.is_finished() {
            return;
        }
        let seed = self.seeds[self.runs.len()];
        let sim = match self.current.take() {
            Some(sim) => Ok(sim),
            None => Simulation::new(&self.scenario, seed),
        };
        match sim {
            Err(e) => self.refusal = Some(format!("the design cannot run: {e}")),
            Ok(mut sim) => {
                sim.run_until(sim.now().after(slice).min(sim.duration()));
                if sim.is_finished() {
                    self.runs.push(SeedRun { seed, verdicts: grade(&sim), digest: sim.report().digest });
                } else {
                    self.current = Some(sim);
                }
            }
        }
    }

    /// The graded scenario and its seeds, for running them elsewhere (the
    /// page runs them on its background workers, each to its end, and
    /// hands each back to [`Grading::record`]); None when the design
    /// cannot be graded (its refusal is the verdict).
    pub fn to_run(&self) -> Option<(&Scenario, &[u64])> {
        self.refusal.is_none().then_some((&self.scenario, &self.seeds[..]))
    }

    /// Records a seed's run done elsewhere (see [`Grading::to_run`]), in
    /// any order: its verdicts and digest, or why it could not be done
    /// (e.g. "the design cannot run: …"), which ends the grading with that
    /// refusal. A seed not graded, or already recorded, is ignored.
    pub fn record(&mut self, run: Result<SeedRun, String>) {
        match run {
            Err(why) => self.refusal = Some(why),
            Ok(run) => {
                if self.seeds.contains(&run.seed) && !self.runs.iter().any(|r| r.seed == run.seed) {
                    self.runs.push(run);
                    // The verdict lists the runs in the seeds' order.
                    let seeds = &self.seeds;
                    self.runs.sort_by_key(|r| seeds.iter().position(|s| *s == r.seed));
                }
            }
        }
    }

    /// Runs every remaining seed to its end; the verdict.
    pub fn run_to_end(mut self) -> ExerciseVerdict {
        while !self.is_finished() {
            self.step(SimTime(u64::MAX / 4));
        }
        self.verdict()
    }

    /// The verdict so far (final once [`Grading::is_finished`]).
    pub fn verdict(&self) -> ExerciseVerdict {
        ExerciseVerdict {
            exercise: self.exercise,
            changes: self.changes.clone(),
            refusal: self.refusal.clone(),
            objectives: self.scenario.objectives.clone(),
            runs: self.runs.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_follow_the_scenarios() {
        assert_eq!(graded_seeds(7), [7, 8, 9, 10, 11]);
        assert_eq!(graded_seeds(u64::MAX)[1], 0);
    }
}
