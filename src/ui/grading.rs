//! Grading for the exercise in the page: the design under its exercise's
//! own rules over the graded seeds (`workshop::verdict`), stepped a few ms
//! per tick so the page stays responsive, and its verdict: "passes in k of
//! n seeds", each objective over the seeds, what the design's copy of the
//! rules changed, and once it passes, the next exercise.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use yew::prelude::*;

use crate::model::Scenario;
use crate::sim::SimTime;
use crate::workshop::exercises;
use crate::workshop::verdict::{ExerciseVerdict, Grading};

use super::run::{wall_ms, RunState};
use super::share;
use super::storage::{self, Progress};
use super::store::Shared;

/// Wall time between two grading steps, ms.
const TICK_MS: u64 = 30;
/// Wall time one step may spend simulating, ms (a frame stays under 50 ms).
const BUDGET_MS: f64 = 12.0;
/// Simulated time per engine call inside a step.
const SLICE: SimTime = SimTime(20_000_000);

/// Runs `work` every [`TICK_MS`] with a budget of [`BUDGET_MS`] of wall
/// time (its deadline, in `wall_ms` time) until it says it is done (true)
/// or `generation` moves on from its value now (an edit, a new grading):
/// grading that leaves the page responsive.
fn in_background(generation: Rc<RefCell<u64>>, mut work: impl FnMut(f64) -> bool + 'static) {
    let mine = *generation.borrow();
    yew::platform::spawn_local(async move {
        loop {
            yew::platform::time::sleep(Duration::from_millis(TICK_MS)).await;
            if *generation.borrow() != mine || work(wall_ms() + BUDGET_MS) {
                return;
            }
        }
    });
}

/// Grading controls and state, from [`use_grading`].
#[derive(Clone, PartialEq)]
struct GradingControl {
    /// The last verdict on the current design (none once it changes).
    verdict: Option<Shared<ExerciseVerdict>>,
    /// Share done, 0–1, while grading.
    progress: Option<f64>,
    /// Start grading the current design.
    on_grade: Callback<()>,
}

/// Grades `scenario` for its exercise on demand; an edit drops the verdict
/// (it said nothing of the new design) and stops a grading in progress.
#[hook]
fn use_grading(scenario: Shared) -> GradingControl {
    let generation = use_mut_ref(|| 0u64);
    let verdict = use_state(|| None::<Shared<ExerciseVerdict>>);
    let progress = use_state(|| None::<f64>);
    {
        let (generation, verdict, progress) = (generation.clone(), verdict.clone(), progress.clone());
        use_effect_with(scenario.clone(), move |_| {
            *generation.borrow_mut() += 1;
            verdict.set(None);
            progress.set(None);
        });
    }
    let on_grade = {
        let (verdict, progress) = (verdict.clone(), progress.clone());
        Callback::from(move |()| {
            *generation.borrow_mut() += 1;
            let mut grading = Grading::new(&scenario, false, None);
            let (verdict, progress) = (verdict.clone(), progress.clone());
            progress.set(Some(0.0));
            in_background(generation.clone(), move |deadline| {
                while !grading.is_finished() && wall_ms() < deadline {
                    grading.step(SLICE);
                }
                if !grading.is_finished() {
                    progress.set(Some(grading.progress()));
                    return false;
                }
                let v = grading.verdict();
                if let (true, Some(slug)) = (v.passes(), v.exercise) {
                    // Progress is a convenience: a full storage loses only it.
                    let _ = storage::mark(slug, Progress::Solved);
                }
                verdict.set(Some(Shared(Rc::new(v))));
                progress.set(None);
                true
            });
        })
    };
    GradingControl { verdict: (*verdict).clone(), progress: *progress, on_grade }
}

/// Props of [`ExerciseVerdictView`].
#[derive(Properties, PartialEq)]
pub struct ExerciseVerdictProps {
    /// The design (its exercise, if any).
    pub scenario: Shared,
    /// Where the live run is: a run of an exercise's copy marks the
    /// exercise attempted, and its end starts the grading.
    pub run_state: RunState,
    /// Open a design (a solution, the next exercise).
    pub on_open: Callback<Scenario>,
}

/// The exercise verdict (`exercise-verdict`, `data-status` `pass`, `fail`
/// or `pending`), with `grade-exercise`, `show-solution` and
/// `next-exercise` buttons. Nothing for a design without an exercise. The
/// grading lives here, so its progress redraws this panel only (a redraw
/// of the whole page would reset a field the user is typing in).
#[component]
pub fn ExerciseVerdictView(props: &ExerciseVerdictProps) -> Html {
    let grading = use_grading(props.scenario.clone());
    let failure = use_state(|| None::<String>);
    // Read from storage when the exercise or the run's state changes (a
    // run marks it attempted), not on every redraw: the panel redraws with
    // every frame of a run.
    let slug = props.scenario.exercise.as_ref().map(|e| e.slug.clone());
    let attempted = use_memo((slug, props.run_state), |(slug, _)| {
        slug.as_deref().is_some_and(|slug| storage::progress(slug).is_some())
    });
    {
        let (scenario, on_grade, graded) =
            (props.scenario.clone(), grading.on_grade.clone(), grading.verdict.is_some());
        use_effect_with(props.run_state, move |state| {
            if let Some(named) = &scenario.exercise {
                match state {
                    RunState::Running => {
                        // Progress is a convenience: a full storage loses only it.
                        let _ = storage::mark(&named.slug, Progress::Attempted);
                    }
                    RunState::Finished if !graded => on_grade.emit(()),
                    _ => {}
                }
            }
        });
    }
    let Some(named) = &props.scenario.exercise else { return html! {} };
    let Some(exercise) = exercises::find(&named.slug) else {
        return html! {
            <div class="exercise-verdict fail" data-testid="exercise-verdict" data-status="fail">
                { format!("This design was made for an exercise this ArchSim does not have ({}).", named.slug) }
            </div>
        };
    };
    let g = &grading;
    let status = match &g.verdict {
        Some(v) if v.passes() => "pass",
        Some(_) => "fail",
        None => "pending",
    };
    let tried = *attempted || g.verdict.is_some();
    let on_solution = {
        let (on_open, path, failure) = (props.on_open.clone(), exercise.solution_path(), failure.clone());
        Callback::from(move |_: MouseEvent| {
            let (on_open, path, failure) = (on_open.clone(), path.clone(), failure.clone());
            yew::platform::spawn_local(async move {
                match share::fetch_shipped(&path).await {
                    Ok(solution) => on_open.emit(solution),
                    Err(message) => failure.set(Some(message)),
                }
            });
        })
    };
    // The next exercise is offered (and its file parsed) only once solved.
    let solved = g.verdict.as_ref().is_some_and(|v| v.passes());
    let next = exercise.next().filter(|_| solved).and_then(|n| n.scenario().ok()).map(|s| {
        let on_open = props.on_open.clone();
        (s.title.clone(), Callback::from(move |_: MouseEvent| on_open.emit(s.clone())))
    });
    html! {
        <div class={classes!("exercise-verdict", status)} data-testid="exercise-verdict" data-status={status}>
            <h3>{ "For the exercise" }
                <span class="muted">{ ": its own fault script, objectives and traffic, 5 seeds" }</span></h3>
            if let Some(done) = g.progress {
                <progress max="100" value={format!("{:.0}", done * 100.0)} aria-label="Grading progress"></progress>
                <span class="muted">{ format!(" grading… {:.0} %", done * 100.0) }</span>
            } else {
                <button data-testid="grade-exercise" onclick={g.on_grade.reform(|_| ())}
                        title="Run the design under the exercise's own rules with 5 seeds">
                    { if g.verdict.is_some() { "Grade again" } else { "Grade for the exercise" } }
                </button>
            }
            if tried {
                <button data-testid="show-solution" onclick={on_solution}
                        title="Open a reference solution (your design goes to the recent designs)">{ "Show a solution" }</button>
            }
            if let Some(message) = (*failure).clone() {
                <p class="error">{ message }</p>
            }
            if let Some(v) = &g.verdict {
                <p class="verdict-summary" data-testid="exercise-summary">{ v.summary() }</p>
                if !v.changes.is_empty() {
                    <p class="muted">{ "Your copy changed the exercise's rules; this verdict uses the exercise's:" }</p>
                    <ul class="rule-changes" data-testid="exercise-changes">
                        { for v.changes.iter().map(|c| html! { <li>{ c.clone() }</li> }) }
                    </ul>
                }
                { for v.by_objective().into_iter().map(|o| {
                    let all = o.passes();
                    html! {
                        <div class={classes!("objective", if all { "pass" } else { "fail" })}>
                            <span class="objective-mark" aria-hidden="true">{ if all { "✓" } else { "✗" } }</span>
                            <span class="objective-text">{ o.objective }</span>
                            <span class="objective-detail">
                                { format!("{} of {} seeds; worst: {}", o.passed, o.seeds, o.detail) }
                            </span>
                        </div>
                    }
                }) }
                if v.passes() {
                    <p class="solved" role="status">{ "Solved: every objective passes in every seed." }
                        if let Some((title, on_next)) = next {
                            { " Next: " }
                            <button data-testid="next-exercise" onclick={on_next}>{ title }</button>
                        }
                    </p>
                }
            }
        </div>
    }
}
