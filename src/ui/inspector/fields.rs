//! The generic parameter form: one input (or choice) per leaf of a JSON
//! value, with units, help texts and the reason of a rejected edit.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use crate::model::params::{self, Choices};

use super::super::store::Msg;

/// Rejected field texts and reasons, by field path.
pub type Rejected = BTreeMap<String, (String, String)>;

/// A change to one form field.
pub enum Edit<'a> {
    /// The leaf at a dotted path gets this text.
    Set(&'a str, &'a str),
    /// The variant object at a dotted path, tagged by the named field,
    /// becomes this choice (one of its type's `x-choices`).
    Switch(&'a str, &'a str, &'a Value),
}

/// Turns a field edit into a store message, or says why it is invalid.
pub type Commit = Rc<dyn Fn(Edit) -> Result<Msg, String>>;

/// A deserialization error in words a user can act on.
fn friendly(e: serde_json::Error) -> String {
    let text = e.to_string();
    if text.contains("floating point") && (text.contains("expected u32") || text.contains("expected u64")) {
        "must be a whole number".to_owned()
    } else if text.contains("unknown variant") {
        format!("not one of the choices ({})", text.split("expected").nth(1).unwrap_or("").trim())
    } else {
        text
    }
}

/// Which of a value's parameters a form shows.
#[derive(Clone, Copy)]
pub enum Show<'a> {
    /// Every one.
    All,
    /// Those people change most (`Param::main`), or every one where the
    /// type marks none.
    Main,
    /// The others.
    More,
    /// Those whose name or help contains this text (lowercase).
    Matching(&'a str),
}

impl Show<'_> {
    /// Which of `leaves` to show.
    fn pick<'s>(self, leaves: Vec<params::Param<'s>>) -> Vec<params::Param<'s>> {
        let marked = leaves.iter().any(|p| p.main);
        leaves
            .into_iter()
            .filter(|p| match self {
                Show::All => true,
                Show::Main => p.main || !marked,
                Show::More => marked && !p.main,
                Show::Matching(text) => {
                    humanize(&p.path).to_ascii_lowercase().contains(text)
                        || p.help().to_ascii_lowercase().contains(text)
                }
            })
            .collect()
    }
}

/// One input (or choice) per leaf of `json` that `show` picks, a value of
/// the type `spec` describes (`model::params`), with the unit, help and
/// choices the model declares; committed through `commit` on change.
/// `None` when it picks no leaf.
pub fn fields_form(
    spec: &'static Value,
    json: &Value,
    show: Show,
    rejected: &UseStateHandle<Rejected>,
    commit: Commit,
    on_msg: &Callback<Msg>,
) -> Option<Html> {
    let picked = show.pick(params::leaves(spec, json));
    if picked.is_empty() {
        return None;
    }
    let rows = picked.into_iter().map(|param| {
        let path = param.path.clone();
        let help = param.help();
        let label = html! { <span class="field-name">{ humanize(&path) }</span> };
        let current = display(&param.value);
        let option = |v: &str| {
            let v = v.to_owned();
            html! { <option value={v.clone()} selected={v == current}>{ v.replace('_', " ") }</option> }
        };
        let choice = match &param.choices {
            Choices::Variants(options) => {
                let tag = param.name().to_owned();
                let parent = path.rsplit_once('.').map_or("", |(p, _)| p).to_owned();
                let options: &'static [Value] = options;
                let names: Vec<&str> = options.iter().filter_map(|c| c[&tag].as_str()).collect();
                let (on_msg, commit, rejected) = (on_msg.clone(), commit.clone(), rejected.clone());
                Some((
                    names,
                    Callback::from(move |e: Event| {
                        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                        let Some(choice) = options.iter().find(|c| c[&tag] == select.value()) else { return };
                        match commit(Edit::Switch(&parent, &tag, choice)) {
                            Ok(msg) => on_msg.emit(msg),
                            Err(reason) => {
                                let mut next = (*rejected).clone();
                                next.insert(parent.clone(), (String::new(), reason));
                                rejected.set(next);
                            }
                        }
                    }),
                ))
            }
            Choices::Names(names) => {
                let (on_msg, commit, rejected, path) = (on_msg.clone(), commit.clone(), rejected.clone(), path.clone());
                Some((
                    names.clone(),
                    Callback::from(move |e: Event| {
                        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                        submit(&on_msg, &commit, &rejected, &path, select.value());
                    }),
                ))
            }
            Choices::Free => None,
        };
        if let Some((names, on_change)) = choice {
            return html! {
                <label class="field" key={path.clone()} title={help}>
                    { label }
                    <select data-testid={format!("param-{path}")} onchange={on_change}>
                        { for names.into_iter().map(option) }
                    </select>
                    <span class="field-help">{ help }</span>
                </label>
            };
        }
        let on_change = {
            let (on_msg, commit, rejected, path) = (on_msg.clone(), commit.clone(), rejected.clone(), path.clone());
            Callback::from(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                submit(&on_msg, &commit, &rejected, &path, input.value());
            })
        };
        let error = rejected.get(&path);
        let shown = error.map_or(current, |(text, _)| text.clone());
        let (low, exclusive, high) = param.range();
        let number = param.value.is_number();
        html! {
            <label class={classes!("field", error.map(|_| "invalid"))} key={path.clone()} title={help}>
                { label }
                <span class="field-input">
                    <input data-testid={format!("param-{path}")} type={if number { "number" } else { "text" }}
                           step={if param.whole() { "1" } else { "any" }}
                           min={low.filter(|_| number && !exclusive).map(|l| l.to_string())}
                           max={high.filter(|_| number).map(|h| h.to_string())}
                           value={shown} onchange={on_change}
                           aria-invalid={error.is_some().to_string()} />
                    <span class="unit">{ param.unit().to_owned() }</span>
                </span>
                if let Some((_, reason)) = error {
                    <span class="field-error" role="alert">{ reason.clone() }</span>
                } else {
                    <span class="field-help">{ help }</span>
                }
            </label>
        }
    });
    Some(html! { <>{ for rows }</> })
}

/// Commits `text` for the field at `path`, or records why it is refused.
fn submit(on_msg: &Callback<Msg>, commit: &Commit, rejected: &UseStateHandle<Rejected>, path: &str, text: String) {
    let mut next = (**rejected).clone();
    match commit(Edit::Set(path, &text)) {
        Ok(msg) => {
            next.remove(path);
            on_msg.emit(msg);
        }
        Err(reason) => {
            next.insert(path.to_owned(), (text, reason));
        }
    }
    rejected.set(next);
}

/// The value at dotted `path` under `root`.
fn field_mut<'v>(root: &'v mut Value, path: &str) -> Result<&'v mut Value, String> {
    path.split('.')
        .try_fold(root, |v, key| match v {
            Value::Object(map) => map.get_mut(key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        })
        .ok_or_else(|| "no such parameter".to_owned())
}

/// Applies a field edit to the JSON of the edited item.
fn apply_edit(root: &mut Value, edit: Edit) -> Result<(), String> {
    match edit {
        Edit::Set(path, text) => set_field(field_mut(root, path)?, text),
        Edit::Switch(path, tag, choice) => {
            let slot = field_mut(root, path)?;
            *slot = params::switch_to(slot, tag, choice);
            Ok(())
        }
    }
}

/// Sets a leaf to `text`, keeping its JSON type.
fn set_field(slot: &mut Value, text: &str) -> Result<(), String> {
    *slot = match slot {
        Value::Number(_) => {
            let v: f64 = text.trim().parse().map_err(|_| "must be a number".to_owned())?;
            serde_json::Number::from_f64(v).map(Value::Number).ok_or("must be a finite number")?
        }
        Value::Bool(_) => Value::Bool(text == "true"),
        _ => Value::String(text.to_owned()),
    };
    Ok(())
}

/// Numbers like `4.0` become `4`, so integer fields deserialize.
fn integerise(v: Value) -> Value {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && (0.0..9.0e15).contains(&f) => Value::from(f as u64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(integerise).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, integerise(v))).collect()),
        other => other,
    }
}

/// A field's value as its input shows it: text as it is, a whole number
/// without a decimal point (`120`, `20000000`, not `120.0`).
fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(_) => integerise(v.clone()).to_string(),
        other => other.to_string(),
    }
}

/// `service_time.mean_ms` → `Service time · mean`.
fn humanize(path: &str) -> String {
    path.split('.')
        .map(|part| {
            let part = ["_ms", "_per_s", "_s", "_rps", "_mb"]
                .iter()
                .fold(part, |p, suffix| p.strip_suffix(suffix).unwrap_or(p));
            if ["slo", "mtbf", "mttr", "ttl"].contains(&part) {
                return part.to_ascii_uppercase();
            }
            if part == "limits" {
                return "Run guards".to_owned();
            }
            crate::words::capitalized(&part.replace('_', " "))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `value` with one field edit applied under the field `under` ("" for
/// the value itself), read back through serde.
pub fn edited<T: serde::Serialize + serde::de::DeserializeOwned>(
    value: &T,
    under: &str,
    edit: Edit,
) -> Result<T, String> {
    edited_json(serde_json::to_value(value).map_err(|e| e.to_string())?, under, edit)
}

/// `json` (a value as the form shows it) with one field edit applied under
/// the field `under`, read back through serde as a `T`.
pub fn edited_json<T: serde::de::DeserializeOwned>(mut json: Value, under: &str, edit: Edit) -> Result<T, String> {
    let root = if under.is_empty() { &mut json } else { field_mut(&mut json, under)? };
    apply_edit(root, edit)?;
    serde_json::from_value(integerise(json)).map_err(friendly)
}
