//! The class view (`class-dialog`): a facilitator pastes the participants'
//! links (or picks a text file of them), every design is graded for its
//! exercise over the graded seeds, a few ms per tick so the page stays
//! responsive, and the class table (`workshop::class`, the same as
//! `archsim check --csv`) is shown sortable and saved as CSV.

use yew::prelude::*;

use crate::share;
use crate::workshop::class::{self, Entry};
use crate::workshop::verdict::Grading;

use super::download::download_text;
use super::grading::{in_background, SLICE};
use super::run::wall_ms;

/// The designs still to grade, and the one being graded.
struct Queue {
    waiting: Vec<String>,
    current: Option<(String, String, Grading)>,
}

impl Queue {
    /// Grades until `deadline` (`wall_ms` time); the entries finished.
    fn step(&mut self, deadline: f64) -> Vec<Entry> {
        let mut done = Vec::new();
        while wall_ms() < deadline {
            let Some((source, participant, grading)) = self.current.as_mut() else {
                let Some(source) = self.waiting.pop() else { break };
                match share::from_link(&source) {
                    Ok(design) => {
                        let grading = Grading::new(&design, false, None);
                        self.current = Some((source, design.participant, grading));
                    }
                    Err(e) => done.push(Entry { source, graded: Err(e.to_string()) }),
                }
                continue;
            };
            grading.step(SLICE);
            if grading.is_finished() {
                let verdict = grading.verdict();
                done.push(Entry { source: std::mem::take(source), graded: Ok((std::mem::take(participant), verdict)) });
                self.current = None;
            }
        }
        done
    }
}

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
    let entries = use_state(Vec::<Entry>::new);
    let total = use_state(|| 0usize);
    let sort = use_state(|| None::<(usize, bool)>);
    let generation = use_mut_ref(|| 0u64);
    // Closing the dialog stops the grading.
    {
        let generation = generation.clone();
        use_effect_with((), move |_| move || *generation.borrow_mut() += 1);
    }
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
        let (text, entries, total) = (text.clone(), entries.clone(), total.clone());
        Callback::from(move |_: MouseEvent| {
            let mut sources = class::sources_in(&text);
            total.set(sources.len());
            sources.reverse();
            let mut queue = Queue { waiting: sources, current: None };
            *generation.borrow_mut() += 1;
            let entries = entries.clone();
            let mut graded: Vec<Entry> = Vec::new();
            entries.set(Vec::new());
            in_background(generation.clone(), move |deadline| {
                let done = queue.step(deadline);
                if !done.is_empty() {
                    graded.extend(done);
                    entries.set(graded.clone());
                }
                queue.waiting.is_empty() && queue.current.is_none()
            });
        })
    };
    let mut table = class::table(&entries);
    if let Some((column, ascending)) = *sort {
        class::sort(&mut table, column, ascending);
    }
    let on_csv = {
        let entries = entries.clone();
        Callback::from(move |_: MouseEvent| {
            download_text(&class::to_csv(&class::table(&entries)), "archsim-class.csv", "text/csv");
        })
    };
    let grading = entries.len() < *total;
    let passed = entries.iter().filter(|e| e.graded.as_ref().is_ok_and(|(_, v)| v.passes())).count();
    let header = table.first().cloned().unwrap_or_default();
    html! {
        <div class="gallery-backdrop">
            <div class="gallery class-view" data-testid="class-dialog" role="dialog" aria-label="Class view">
                <div class="gallery-head">
                    <h2>{ "Class view" }</h2>
                    <span class="muted">{ "Paste the participants' links, one per line, or pick a text file of them: \
                                          each design is graded for its exercise over 5 seeds, in this page." }</span>
                    <button data-testid="class-close" onclick={props.on_close.reform(|_| ())}>{ "Close" }</button>
                </div>
                <textarea data-testid="class-links" rows="4" value={(*text).clone()} oninput={on_input}
                          placeholder="https://…/#s=3.…" aria-label="Links, one per line" />
                <div class="class-actions">
                    <label class="button">{ "Open a list…" }
                        <input data-testid="class-file" type="file" accept=".txt,text/plain" class="hidden-file"
                               onchange={on_file} /></label>
                    <button data-testid="class-grade" onclick={on_grade} disabled={grading}>{ "Grade all" }</button>
                    <button data-testid="class-csv" onclick={on_csv} disabled={entries.is_empty() || grading}>
                        { "Export CSV" }</button>
                    <span class="muted" data-testid="class-progress">
                        { if *total == 0 { String::new() } else {
                            format!("{} of {} graded; {passed} pass", entries.len(), *total)
                        } }
                    </span>
                </div>
                if !entries.is_empty() {
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
            </div>
        </div>
    }
}
