//! The preset exercises: the scenarios of `scenarios/`, embedded in the
//! build, in the order a course meets them.
//!
//! Each is a complete scenario with a title, a story (`description`), a
//! difficulty, hints, a fault script and objectives. Opening one gives the
//! user a copy; the preset itself never changes. [`starter`] is the
//! sandbox design behind the gallery on a first visit, not an exercise.

use crate::model::Scenario;
use crate::share::{self, ShareError};

/// The first visit's design: a three-tier web application to explore (an
/// empty design if the shipped file were broken: a test opens it).
pub fn starter() -> Scenario {
    share::from_file(include_str!("../scenarios/three-tier.json")).unwrap_or_else(|_| Scenario::empty())
}

/// Whether `scenario` is the starter or a preset, unchanged.
pub fn is_shipped(scenario: &Scenario) -> bool {
    &starter() == scenario || PRESETS.iter().any(|p| p.scenario().ok().as_ref() == Some(scenario))
}

/// One preset: its slug (file name without `.json`, and the page's
/// `data-testid="preset-<slug>"`) and its JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// File name without `.json`, e.g. `retry-storm`.
    pub slug: &'static str,
    json: &'static str,
}

macro_rules! presets {
    ($($slug:literal),* $(,)?) => {
        /// Every preset, from the simplest.
        pub const PRESETS: &[Preset] = &[
            $(Preset { slug: $slug, json: include_str!(concat!("../scenarios/", $slug, ".json")) },)*
        ];
    };
}

presets!(
    "single-server",
    "load-balanced",
    "bottleneck",
    "sticky-sessions",
    "cache-aside",
    "read-replicas",
    "failover-lost-writes",
    "master-master",
    "hot-partition",
    "consumer-lag",
    "zone-outage",
    "retry-storm",
    "global-shop",
    "autoscaling",
);

impl Preset {
    /// The preset's scenario (a fresh copy), parsed and validated like a
    /// file.
    ///
    /// Errors: only if the shipped file is broken (a test opens every one).
    pub fn scenario(&self) -> Result<Scenario, ShareError> {
        share::from_file(self.json)
    }
}

/// The preset with this slug.
pub fn find(slug: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.slug == slug)
}
