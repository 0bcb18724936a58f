//! The class view (`class-dialog`): a facilitator pastes the participants'
//! links (or picks a text file of them), every design is graded for its
//! exercise over the graded seeds on a pool of Web Workers (`workers`), so
//! the page stays responsive, and the class table (`workshop::class`, the
//! same as `archsim check --csv`) is shown sortable and saved as CSV.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::workshop::class::{self, Row};

use super::dialog::Dialog;
use super::download::download_text;
use super::workers::Pool;

/// Props of [`ClassView`].
#[derive(Properties, PartialEq)]
pub struct ClassViewProps {
    /// Close the dialog.
    pub on_close: Callback<()>,
}

/// The class view dialog, with `class-links` (the links, one per line),
/// `class-file` (a text file of them), `class-grade`, `class-table`
/// (header cells `class-sort-<n>` sort by their column) and `class-csv`.
#[component]
pub fn ClassView(props: &ClassViewProps) -> Html {
    let text = use_state(String::new);
    // Each design's row by its place in the list, once graded.
    let rows = use_state(Vec::<Option<Row>>::new);
    let failure = use_state(|| None::<String>);
    let sort = use_state(|| None::<(usize, bool)>);
    // The running pool: replaced by a new grading, dropped (its workers
    // terminated) with the dialog.
    let pool = use_mut_ref(|| None::<Pool>);
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                text.set(area.value());
            }
        })
    };
    let on_file = {
        let text = text.clone();
        Callback::from(move |e: Event| {
            let Some(file) =
                e.target_dyn_into::<web_sys::HtmlInputElement>().and_then(|i| i.files()).and_then(|f| f.get(0))
            else {
                return;
            };
            let text = text.clone();
            yew::platform::spawn_local(async move {
                if let Ok(content) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    text.set(content.as_string().unwrap_or_default());
                }
            });
        })
    };
    let on_grade = {
        let (text, rows, failure) = (text.clone(), rows.clone(), failure.clone());
        Callback::from(move |_: MouseEvent| {
            let sources = class::sources_in(&text);
            let graded = Rc::new(RefCell::new(vec![None; sources.len()]));
            rows.set((*graded.borrow()).clone());
            failure.set(None);
            let on_graded = {
                let rows = rows.clone();
                Callback::from(move |(n, row): (usize, Row)| {
                    if let Some(slot) = graded.borrow_mut().get_mut(n) {
                        *slot = Some(row);
                    }
                    rows.set(graded.borrow().clone());
                })
            };
            let on_failure = {
                let failure = failure.clone();
                Callback::from(move |message: String| failure.set(Some(format!("Cannot grade here: {message}"))))
            };
            let started = Pool::grade(sources, on_graded, on_failure.clone());
            *pool.borrow_mut() = started.map_err(|e| on_failure.emit(e)).ok();
        })
    };
    let finished: Vec<Row> = rows.iter().flatten().cloned().collect();
    let mut table = class::table(&finished);
    if let Some((column, ascending)) = *sort {
        class::sort(&mut table, column, ascending);
    }
    let on_csv = {
        let finished = finished.clone();
        Callback::from(move |_: MouseEvent| {
            download_text(&class::to_csv(&class::table(&finished)), "archsim-class.csv", "text/csv");
        })
    };
    let grading = finished.len() < rows.len() && failure.is_none();
    let passed = finished.iter().filter(|r| r.passes).count();
    let header = table.first().cloned().unwrap_or_default();
    html! {
        <Dialog class="gallery class-view" testid="class-dialog" label="Class view" on_close={props.on_close.clone()}>
                <div class="gallery-head">
                    <h2>{ "Class view" }</h2>
                    <span class="muted">{ "Paste the participants' links, one per line, or pick a text file of them: \
                                          each design is graded for its exercise over 5 seeds, on background workers." }</span>
                    <button data-testid="class-close" onclick={props.on_close.reform(|_| ())}>{ "Close" }</button>
                </div>
                <textarea data-testid="class-links" rows="4" value={(*text).clone()} oninput={on_input}
                          placeholder="https://…/#s=3.…" aria-label="Links, one per line" />
                <div class="class-actions">
                    <label class="button">{ "Open a list…" }
                        <input data-testid="class-file" type="file" accept=".txt,text/plain" class="hidden-file"
                               onchange={on_file} /></label>
                    <button data-testid="class-grade" onclick={on_grade} disabled={grading}>{ "Grade all" }</button>
                    <button data-testid="class-csv" onclick={on_csv} disabled={finished.is_empty() || grading}>
                        { "Export CSV" }</button>
                    <span class="muted" data-testid="class-progress">
                        { if rows.is_empty() { String::new() } else {
                            format!("{} of {} graded; {passed} pass", finished.len(), rows.len())
                        } }
                    </span>
                </div>
                if let Some(message) = (*failure).clone() {
                    <p class="error" role="alert">{ message }</p>
                }
                if !finished.is_empty() {
                    <div class="class-table-wrap">
                        <table class="class-table" data-testid="class-table">
                            <thead><tr>
                                { for header.iter().enumerate().map(|(n, name)| {
                                    let sort = sort.clone();
                                    let mark = match *sort {
                                        Some((c, true)) if c == n => " ▲",
                                        Some((c, false)) if c == n => " ▼",
                                        _ => "",
                                    };
                                    let on_sort = Callback::from(move |_: MouseEvent| {
                                        let ascending = !matches!(*sort, Some((c, true)) if c == n);
                                        sort.set(Some((n, ascending)));
                                    });
                                    html! { <th><button class="link" data-testid={format!("class-sort-{n}")}
                                                        onclick={on_sort}>{ format!("{name}{mark}") }</button></th> }
                                }) }
                            </tr></thead>
                            <tbody>
                                { for table.iter().skip(1).map(|row| {
                                    let pass = row.get(3).is_some_and(|v| v.starts_with("passes"));
                                    html! {
                                        <tr class={if pass { "pass" } else { "fail" }}>
                                            { for row.iter().map(|cell| html! { <td>{ cell.clone() }</td> }) }
                                        </tr>
                                    }
                                }) }
                            </tbody>
                        </table>
                    </div>
                }
        </Dialog>
    }
}
