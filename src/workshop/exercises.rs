//! The shipped exercises: the scenarios of `scenarios/`, embedded in the
//! build, in the order a course meets them, each with its reference
//! solution from `scenarios/solutions/`.
//!
//! The build embeds them minified (`build.rs`). Each is a complete scenario with a title, a story (`description`), a
//! difficulty, hints, a fault script, objectives and its own identity
//! (`exercise`: slug and version). Opening one gives the user a copy; the
//! exercise itself never changes, and grading for the exercise always uses
//! it ([`super::canonical`]). [`starter`] is the sandbox design behind the
//! gallery on a first visit, not an exercise.

use crate::model::{Scenario, ValidationError};

/// The first visit's design: a three-tier web application to explore (an
/// empty design if the shipped file were broken: a test opens it).
pub fn starter() -> Scenario {
    parse(include_str!(concat!(env!("OUT_DIR"), "/scenarios/three-tier.json"))).unwrap_or_else(|_| Scenario::empty())
}

/// Whether `scenario` is the starter or an exercise, unchanged. Only the
/// exercise it names is parsed (every exercise names itself: a test checks),
/// not all of them.
pub fn is_shipped(scenario: &Scenario) -> bool {
    match &scenario.exercise {
        Some(named) => find(&named.slug).and_then(|p| p.scenario().ok()).as_ref() == Some(scenario),
        None => &starter() == scenario,
    }
}

/// One exercise: its slug (file name without `.json`, and the page's
/// `data-testid="preset-<slug>"`), its JSON and, natively, its reference
/// solution's. The page leaves the solutions out of its Wasm module (they
/// would weigh on every first load) and fetches
/// `solutions/<slug>.json`, which the build copies beside it, on demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exercise {
    /// File name without `.json`, e.g. `retry-storm`.
    pub slug: &'static str,
    json: &'static str,
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    solution: &'static str,
}

macro_rules! exercises {
    ($($slug:literal),* $(,)?) => {
        /// Every exercise, from the simplest.
        pub const EXERCISES: &[Exercise] = &[
            $(Exercise {
                slug: $slug,
                json: include_str!(concat!(env!("OUT_DIR"), "/scenarios/", $slug, ".json")),
                #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
                solution: include_str!(concat!("../../scenarios/solutions/", $slug, ".json")),
            },)*
        ];
    };
}

exercises!(
    "single-server",
    "load-balanced",
    "transient-errors",
    "balancer-spof",
    "uneven-service-times",
    "grey-failure",
    "bottleneck",
    "scale-out-not-up",
    "sticky-sessions",
    "cache-aside",
    "cdn-ttl",
    "read-replicas",
    "failover-lost-writes",
    "failover-time",
    "master-master",
    "hot-partition",
    "consumer-lag",
    "queue-buffer",
    "zone-outage",
    "async-calls",
    "retry-storm",
    "bulkhead",
    "global-shop",
    "autoscaling",
);

impl Exercise {
    /// The exercise's scenario (a fresh copy), parsed and validated like a
    /// file.
    ///
    /// Errors: only if the shipped file is broken (a test opens every one).
    pub fn scenario(&self) -> Result<Scenario, ValidationError> {
        parse(self.json)
    }

    /// A reference solution: the exercise's design changed until every
    /// objective passes in every graded seed (a test runs each), with the
    /// exercise's rules unchanged and a story that says what was changed
    /// and why.
    ///
    /// Errors: only if the shipped file is broken (a test opens every one).
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn solution(&self) -> Result<Scenario, ValidationError> {
        parse(self.solution)
    }

    /// What the gallery's card shows: the title, the difficulty (its name
    /// in the file, e.g. `intro`) and the story, read from the file as
    /// plain JSON without building and validating the design. A first
    /// visit shows every exercise; parsing and validating all of them took
    /// a quarter of the app's first render.
    ///
    /// Errors: the file is not JSON or has no title (a test reads every one).
    pub fn summary(&self) -> Result<Summary, String> {
        let value: serde_json::Value = serde_json::from_str(self.json).map_err(|e| e.to_string())?;
        let text = |field: &str| value.get(field).and_then(|v| v.as_str()).map(str::to_owned);
        Ok(Summary {
            title: text("title").ok_or("the exercise has no title")?,
            difficulty: text("difficulty"),
            story: text("description").unwrap_or_default(),
        })
    }

    /// Where the page finds the solution's file, relative to itself.
    pub fn solution_path(&self) -> String {
        format!("solutions/{}.json", self.slug)
    }

    /// The exercise after this one in the course, if any.
    pub fn next(&self) -> Option<&'static Exercise> {
        let i = EXERCISES.iter().position(|e| e.slug == self.slug)?;
        EXERCISES.get(i + 1)
    }
}

/// An exercise as the gallery lists it ([`Exercise::summary`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The scenario's `title`.
    pub title: String,
    /// The scenario's `difficulty` as written, e.g. `intro`, if it has one.
    pub difficulty: Option<String>,
    /// The scenario's `description`, the exercise's story.
    pub story: String,
}

impl From<&Scenario> for Summary {
    /// A design's own title, difficulty and story (the gallery's recent
    /// designs).
    fn from(s: &Scenario) -> Summary {
        Summary {
            title: s.title.clone(),
            difficulty: s.difficulty.map(|d| d.label().to_owned()),
            story: s.description.clone(),
        }
    }
}

/// A shipped file's scenario, parsed and validated.
pub fn parse(json: &str) -> Result<Scenario, ValidationError> {
    let scenario = Scenario::from_json(json)?;
    scenario.validate()?;
    Ok(scenario)
}

/// The exercise with this slug.
pub fn find(slug: &str) -> Option<&'static Exercise> {
    EXERCISES.iter().find(|p| p.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(json: &'static str) -> Exercise {
        Exercise { slug: "broken", json, solution: "" }
    }

    #[test]
    fn the_starter_and_the_exercises_as_shipped_are_shipped_and_a_changed_copy_is_not() {
        assert!(is_shipped(&starter()));
        for p in EXERCISES {
            let mut s = p.scenario().unwrap();
            assert!(is_shipped(&s), "{}", p.slug);
            s.title.push('!');
            assert!(!is_shipped(&s), "{}", p.slug);
        }
        let mut s = starter();
        s.nodes.pop();
        assert!(!is_shipped(&s));
    }

    #[test]
    fn a_summary_needs_json_with_a_title() {
        assert!(exercise("{\"title\": ").summary().unwrap_err().contains("EOF"));
        assert_eq!(exercise("{\"description\": \"x\"}").summary().unwrap_err(), "the exercise has no title");
        let summary = exercise("{\"title\": \"T\"}").summary().unwrap();
        assert_eq!(summary, Summary { title: "T".into(), difficulty: None, story: String::new() });
    }
}
