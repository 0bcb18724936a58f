//! Grading for the exercise in the page: the design under its exercise's
//! own rules over the graded seeds (`workshop::verdict`), run on
//! background workers so the page stays responsive, and its verdict:
//! "passes in k of n seeds", each objective over the seeds, what the
//! design's copy of the rules changed, and once it passes, the next
//! exercise.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::model::Scenario;
use crate::workshop::exercises;
use crate::workshop::verdict::{ExerciseVerdict, Grading};

use super::run::RunState;
use super::share;
use super::storage::{self, Progress};
use super::store::Shared;
use super::workers::{Pool, Replica};

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

/// Grades `scenario` for its exercise on demand, its seeds run in parallel
/// on background workers (`ui::workers`) while the page only draws; an
/// edit drops the verdict (it said nothing of the new design) and stops a
/// grading in progress.
#[hook]
fn use_grading(scenario: Shared) -> GradingControl {
    let pool = use_mut_ref(|| None::<Pool>);
    let verdict = use_state(|| None::<Shared<ExerciseVerdict>>);
    let progress = use_state(|| None::<f64>);
    {
        let (pool, verdict, progress) = (pool.clone(), verdict.clone(), progress.clone());
        use_effect_with(scenario.clone(), move |_| {
            *pool.borrow_mut() = None;
            verdict.set(None);
            progress.set(None);
        });
    }
    let on_grade = {
        let (verdict, progress) = (verdict.clone(), progress.clone());
        Callback::from(move |()| {
            *pool.borrow_mut() = None;
            let grading = Rc::new(RefCell::new(Grading::new(&scenario, false, None)));
            let finish = {
                let (grading, verdict, progress, pool) =
                    (grading.clone(), verdict.clone(), progress.clone(), pool.clone());
                move || {
                    let v = grading.borrow().verdict();
                    if let (true, Some(slug)) = (v.passes(), v.exercise) {
                        // Progress is a convenience: a full storage loses only it.
                        let _ = storage::mark(slug, Progress::Solved);
                    }
                    verdict.set(Some(Shared(Rc::new(v))));
                    progress.set(None);
                    // The workers stop once the message that ended it is handled.
                    let pool = pool.clone();
                    yew::platform::spawn_local(async move { drop(pool.borrow_mut().take()) });
                }
            };
            let planned = grading.borrow().to_run().map(|(s, seeds)| s.to_json().map(|json| (json, seeds.to_vec())));
            let (json, seeds): (Rc<str>, Vec<u64>) = match planned {
                Some(Ok((json, seeds))) => (json.into(), seeds),
                Some(Err(e)) => {
                    grading.borrow_mut().record(Err(e));
                    return finish();
                }
                None => return finish(),
            };
            let jobs = seeds.iter().map(|seed| (json.clone(), *seed)).collect();
            progress.set(Some(0.0));
            let on_run = {
                let (grading, progress, finish) = (grading.clone(), progress.clone(), finish.clone());
                Callback::from(move |(k, run): (usize, Result<Replica, String>)| {
                    // Seeds still coming after a refusal ended it change nothing.
                    if grading.borrow().is_finished() {
                        return;
                    }
                    let run = run.map(|r| r.seed_run(seeds[k])).map_err(|e| format!("the design cannot run: {e}"));
                    grading.borrow_mut().record(run);
                    let (finished, done) = (grading.borrow().is_finished(), grading.borrow().progress());
                    if finished {
                        finish();
                    } else {
                        progress.set(Some(done));
                    }
                })
            };
            let on_failure = Callback::from(move |why: String| {
                grading.borrow_mut().record(Err(format!("no background worker could grade it here ({why})")));
                finish();
            });
            match Pool::run(jobs, on_run, on_failure.clone()) {
                Ok(started) => *pool.borrow_mut() = Some(started),
                Err(e) => on_failure.emit(e),
            }
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
