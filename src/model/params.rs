//! Parameters described once. Each parameter's help text, unit, range and
//! choices sit on the model types, beside their doc comments, as JSON
//! Schema annotations (`#[schemars(range(…), extend("x-help" = …))]`):
//!
//! - `x-help`: one line for the inspector;
//! - the unit: the field name's suffix (`_ms` ms, `_s` s, `_rps` req/s,
//!   `_per_s` /s, `_mb` MB, `_percent` %; a bare `ms` or `rps` too), else
//!   `x-unit` (what is counted, or `1` for a plain number);
//! - the range: `minimum`, `maximum`, `exclusiveMinimum`;
//! - the choices: a plain enum's constants, or a tagged enum's variants
//!   with their starting parameters (`x-choices`).
//!
//! The validator checks every range from them, the inspector draws its form
//! from them, and docs/parameters.md is made from them. They are read from
//! `params.schema.json`: the scenario's JSON Schema trimmed to these
//! annotations (a test checks that it is the schema of the current types;
//! `ARCHSIM_BLESS=1 cargo test params` rewrites it), so the page carries no
//! schema generator.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::validate::Checker;

/// The trimmed schema, as generated from the model types.
const SCHEMA_JSON: &str = include_str!("params.schema.json");

/// The trimmed schema (`$defs` by type name).
fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_JSON).unwrap_or(Value::Null))
}

/// The schema of the model type `name` (`Settings`, `Edge`,
/// `ServiceParams`…), or `null` for an unknown name.
pub fn def(name: &str) -> &'static Value {
    &schema()["$defs"][name]
}

/// The schema of the parameters of the kind named `kind` (`service`…):
/// the `params` of the node variant tagged with it.
pub fn kind_params(kind: &str) -> &'static Value {
    def("Node")["oneOf"]
        .as_array()
        .and_then(|variants| variants.iter().find(|v| v["properties"]["kind"]["const"] == kind))
        .map_or(&Value::Null, |v| &v["properties"]["params"])
}

/// The annotations kept in the trimmed schema; everything else (doc
/// comments, defaults, formats) is dropped.
const KEPT: &[&str] = &[
    "type",
    "properties",
    "items",
    "$ref",
    "oneOf",
    "anyOf",
    "allOf",
    "const",
    "enum",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "x-help",
    "x-unit",
    "x-choices",
    "x-main",
];

/// The types whose parameters a user edits: nodes (their kinds'
/// parameters), calls and the run settings.
const EDITED: &[&str] = &["Node", "Edge", "Settings"];

/// The scenario's JSON Schema (as schemars makes it) trimmed to the types
/// [`EDITED`] reaches and to the annotations in [`KEPT`].
pub fn trim(schema: &Value) -> Value {
    let defs = &schema["$defs"];
    let mut reached: Vec<&str> = EDITED.to_vec();
    let mut next = 0;
    while let Some(name) = reached.get(next).copied() {
        next += 1;
        let mut refs = Vec::new();
        references(&defs[name], &mut refs);
        for r in refs {
            if !reached.contains(&r) {
                reached.push(r);
            }
        }
    }
    reached.sort_unstable();
    let kept = reached.into_iter().map(|name| (name.to_owned(), trim_annotations(&defs[name])));
    serde_json::json!({ "$defs": Value::Object(kept.collect()) })
}

/// The type names `schema` refers to.
fn references<'s>(schema: &'s Value, out: &mut Vec<&'s str>) {
    match schema {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v.as_str().and_then(|r| r.strip_prefix("#/$defs/"))) {
                    ("$ref", Some(name)) => out.push(name),
                    _ => references(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// `schema` with only the annotations in [`KEPT`].
fn trim_annotations(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let keep = |(k, v): (&String, &Value)| {
                let value = match k.as_str() {
                    // Names of properties, not keywords.
                    "properties" => Value::Object(
                        v.as_object()?.iter().map(|(name, s)| (name.clone(), trim_annotations(s))).collect(),
                    ),
                    "x-choices" | "const" | "enum" => v.clone(),
                    k if KEPT.contains(&k) => trim_annotations(v),
                    _ => return None,
                };
                Some((k.clone(), value))
            };
            Value::Object(map.iter().filter_map(keep).collect::<Map<_, _>>())
        }
        Value::Array(items) => Value::Array(items.iter().map(trim_annotations).collect()),
        other => other.clone(),
    }
}

/// How a parameter's value may be chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum Choices<'s> {
    /// Typed in (a number or a name).
    Free,
    /// One of these names (a plain enum).
    Names(Vec<&'s str>),
    /// The tag of a tagged enum: each choice is a whole variant with its
    /// starting parameters.
    Variants(&'s [Value]),
}

/// A parameter: one leaf of an edited value, with what the schema says of
/// it.
#[derive(Clone, Debug)]
pub struct Param<'s> {
    /// Dotted path under the value (`service_time.mean_ms`, `points.0.rps`).
    pub path: String,
    /// The leaf's value.
    pub value: Value,
    /// The leaf's schema, its references followed.
    spec: &'s Value,
    /// The help of the leaf, or of the nearest field above it that has one
    /// (a variant's tag takes its field's help).
    help: &'s str,
    /// How it is chosen.
    pub choices: Choices<'s>,
    /// Whether it is among the parameters people change most (`x-main` on
    /// it or a field above it; an optional part switched on counts too):
    /// the inspector shows those first and the rest folded.
    pub main: bool,
}

impl<'s> Param<'s> {
    /// The field's name: the last name in the path (`mean_ms`).
    pub fn name(&self) -> &str {
        self.path.rsplit('.').find(|part| part.parse::<usize>().is_err()).unwrap_or(&self.path)
    }

    /// One line for a user ("" when the schema has none).
    pub fn help(&self) -> &'s str {
        self.help
    }

    /// The unit: from the name's suffix, else `x-unit` ("" for a plain
    /// number or a choice).
    pub fn unit(&self) -> &str {
        unit(self.name(), self.spec)
    }

    /// Whether a number must be whole.
    pub fn whole(&self) -> bool {
        types(self.spec).contains(&"integer")
    }

    /// The lowest value, whether it is excluded, and the highest, where
    /// the schema gives them.
    pub fn range(&self) -> (Option<f64>, bool, Option<f64>) {
        range(self.spec)
    }
}

/// The unit of the field `name` with schema `spec`: from the name's suffix
/// (see the module docs), else the schema's `x-unit`, shown as "" when it
/// is `1`.
fn unit<'a>(name: &str, spec: &'a Value) -> &'a str {
    const SUFFIXES: &[(&str, &str)] =
        &[("_ms", "ms"), ("_per_s", "/s"), ("_rps", "req/s"), ("_mb", "MB"), ("_percent", "%"), ("_s", "s")];
    // A bare `ms` or `rps` is its own unit (a bare `s` is Zipf's exponent).
    let named = |suffix: &str| name.ends_with(suffix) || (suffix != "_s" && name == &suffix[1..]);
    match SUFFIXES.iter().find(|(suffix, _)| named(suffix)) {
        Some((_, unit)) => unit,
        None => spec["x-unit"].as_str().filter(|u| *u != "1").unwrap_or(""),
    }
}

/// The JSON types a schema allows (`"number"`, `["number", "null"]`).
fn types(spec: &Value) -> Vec<&str> {
    match &spec["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// `spec`'s lowest value, whether it is excluded, and its highest.
fn range(spec: &Value) -> (Option<f64>, bool, Option<f64>) {
    match spec["exclusiveMinimum"].as_f64() {
        Some(low) => (Some(low), true, spec["maximum"].as_f64()),
        None => (spec["minimum"].as_f64(), false, spec["maximum"].as_f64()),
    }
}

/// `spec` with references followed and an optional (`T | null`) taken as
/// `T`.
fn resolve(spec: &Value) -> &Value {
    if let Some(name) = spec["$ref"].as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
        return resolve(def(name));
    }
    if let Some(options) = spec["anyOf"].as_array().or_else(|| spec["allOf"].as_array()) {
        if let Some(some) = options.iter().find(|o| o["type"] != "null") {
            return resolve(some);
        }
    }
    spec
}

/// The variant of a tagged `oneOf` that `value` is (its constant
/// properties match), if any.
fn variant<'s>(spec: &'s Value, value: &Value) -> Option<&'s Value> {
    spec["oneOf"].as_array()?.iter().find(|v| {
        v["properties"].as_object().is_some_and(|props| {
            let mut tags = props.iter().filter(|(_, p)| !p["const"].is_null()).peekable();
            tags.peek().is_some() && tags.all(|(k, p)| value.get(k) == Some(&p["const"]))
        })
    })
}

/// The names a plain enum allows (`oneOf` of constants, or `enum`).
fn names(spec: &Value) -> Option<Vec<&str>> {
    if let Some(list) = spec["enum"].as_array() {
        return Some(list.iter().filter_map(Value::as_str).collect());
    }
    let options = spec["oneOf"].as_array()?;
    let names: Option<Vec<&str>> = options.iter().map(|o| o["const"].as_str()).collect();
    names.filter(|n| !n.is_empty())
}

/// Every leaf of `value` (a value of the type `spec` describes), in order,
/// with what the schema says of it: the fields of the inspector's form.
pub fn leaves<'s>(spec: &'s Value, value: &Value) -> Vec<Param<'s>> {
    let mut out = Vec::new();
    walk(spec, value, "", ("", false), &mut out);
    out
}

/// What a field passes down to its leaves: its help and whether it is
/// main.
type Inherited<'s> = (&'s str, bool);

fn walk<'s>(field: &'s Value, value: &Value, path: &str, above: Inherited<'s>, out: &mut Vec<Param<'s>>) {
    let spec = resolve(field);
    let help = field["x-help"].as_str().or_else(|| spec["x-help"].as_str()).unwrap_or(above.0);
    let optional = field["anyOf"].as_array().is_some_and(|o| o.iter().any(|t| t["type"] == "null"));
    let main = above.1 || field["x-main"] == true || optional;
    let join = |key: &str| if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") };
    match value {
        Value::Object(map) => {
            let chosen = variant(spec, value);
            for (key, child) in map {
                let tag = chosen.map(|v| &v["properties"][key]).filter(|p| !p["const"].is_null());
                if let Some(tag) = tag {
                    let options = spec["x-choices"].as_array().map_or(&[][..], Vec::as_slice);
                    let (path, value) = (join(key), child.clone());
                    out.push(Param { path, value, spec: tag, help, choices: Choices::Variants(options), main });
                    continue;
                }
                let own = &spec["properties"][key];
                let child_spec =
                    if own.is_null() { chosen.map_or(&Value::Null, |v| &v["properties"][key]) } else { own };
                walk(child_spec, child, &join(key), (help, main), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(&spec["items"], item, &join(&i.to_string()), (help, main), out);
            }
        }
        leaf => {
            let choices = names(spec).map_or(Choices::Free, Choices::Names);
            // An optional number keeps its own range on the field itself.
            let spec = if spec.get("minimum").or(spec.get("maximum")).or(spec.get("exclusiveMinimum")).is_some() {
                spec
            } else {
                field
            };
            out.push(Param { path: path.to_owned(), value: leaf.clone(), spec, help, choices, main });
        }
    }
}

/// `choice` (one of a tagged enum's `x-choices`, tagged by the field
/// `tag`) with the values of same-named fields of `current` carried over,
/// so switching e.g. exponential → lognormal keeps the mean.
pub fn switch_to(current: &Value, tag: &str, choice: &Value) -> Value {
    let mut next = choice.clone();
    if let (Value::Object(next_map), Value::Object(old)) = (&mut next, current) {
        for (key, value) in next_map.iter_mut().filter(|(key, _)| *key != tag) {
            if let Some(previous) = old.get(key) {
                if std::mem::discriminant(previous) == std::mem::discriminant(value) {
                    *value = previous.clone();
                }
            }
        }
    }
    next
}

/// Adds a problem to `c` for every leaf of `value` (of the type `spec`
/// describes) outside its range or not a finite number, with JSON paths
/// under `path` (`$.nodes[2].params`).
pub fn check_ranges(c: &mut Checker, path: &str, spec: &Value, value: &Value) {
    for p in leaves(spec, value) {
        let (low, exclusive, high) = p.range();
        if low.is_none() && high.is_none() {
            continue;
        }
        let at = json_path(path, &p.path);
        let Some(v) = p.value.as_f64() else {
            // serde_json writes a NaN or an infinity as null.
            if !types(p.spec).contains(&"null") {
                c.fail(at, "must be a finite number");
            }
            continue;
        };
        let below = low.is_some_and(|l| if exclusive { v <= l } else { v < l });
        if !below && high.is_none_or(|h| v <= h) {
            continue;
        }
        let message = if p.whole() {
            match (low, high) {
                (Some(l), Some(h)) => format!("must be {l} to {h}"),
                (Some(l), None) => format!("must be at least {l}"),
                (None, h) => format!("must be at most {}", h.unwrap_or(f64::MAX)),
            }
        } else {
            let lower = match low {
                Some(l) if exclusive => format!("greater than {l}"),
                Some(l) => format!("at least {l}"),
                None => String::new(),
            };
            match (lower.is_empty(), high) {
                (false, Some(h)) => format!("is {v}; must be {lower} and at most {h}"),
                (false, None) => format!("is {v}; must be {lower}"),
                (true, h) => format!("is {v}; must be at most {}", h.unwrap_or(f64::MAX)),
            }
        };
        c.fail(at, message);
    }
}

/// `$.nodes[2].params` and `points.0.rps` → `$.nodes[2].params.points[0].rps`.
fn json_path(base: &str, dotted: &str) -> String {
    let mut at = base.to_owned();
    for part in dotted.split('.').filter(|p| !p.is_empty()) {
        if part.parse::<usize>().is_ok() {
            at.push_str(&format!("[{part}]"));
        } else {
            at.push('.');
            at.push_str(part);
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edge, NodeKind, Scenario, Settings, KINDS};

    /// The trimmed schema is the current types' schema; with
    /// `ARCHSIM_BLESS=1` the file is rewritten instead.
    #[test]
    fn the_embedded_schema_is_the_current_one() {
        let full: Value = serde_json::from_str(&Scenario::json_schema()).unwrap();
        let current = serde_json::to_string(&trim(&full)).unwrap() + "\n";
        if std::env::var_os("ARCHSIM_BLESS").is_some() {
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/src/model/params.schema.json"), &current).unwrap();
        } else {
            assert!(
                current == SCHEMA_JSON,
                "src/model/params.schema.json is stale: run ARCHSIM_BLESS=1 cargo test params"
            );
        }
    }

    /// Every parameter a user can edit (of every kind, every variant, an
    /// edge with all its defences, the run settings) has a help text; every
    /// number has a unit and a range; every name has its choices.
    #[test]
    fn every_parameter_has_a_help_a_unit_and_a_range() {
        let mut edited: Vec<(String, &Value, Value)> = Vec::new();
        for info in KINDS {
            for kind in variants_of(NodeKind::default_for(info.name).unwrap()) {
                let json = serde_json::to_value(&kind).unwrap();
                edited.push((info.name.to_owned(), kind_params(info.name), json["params"].clone()));
            }
        }
        let edge = full_edge();
        for jitter in def("Jitter")["x-choices"].as_array().unwrap() {
            let mut e = edge.clone();
            e["latency"]["jitter"] = jitter.clone();
            edited.push(("edge".into(), def("Edge"), e));
        }
        edited.push(("settings".into(), def("Settings"), serde_json::to_value(Settings::default()).unwrap()));
        let mut seen = 0;
        for (what, spec, value) in &edited {
            for p in leaves(spec, value) {
                if ["from", "to"].contains(&p.name()) {
                    continue;
                }
                seen += 1;
                let at = format!("{what}: {}", p.path);
                assert!(!p.help().is_empty(), "{at} has no help");
                match (&p.value, &p.choices) {
                    (Value::Number(_), Choices::Free) => {
                        let (low, _, high) = p.range();
                        assert!(low.is_some() || high.is_some() || p.name() == "seed", "{at} has no range");
                        let unit = unit(p.name(), p.spec);
                        assert!(!unit.is_empty() || p.spec["x-unit"] == "1", "{at} has no unit");
                    }
                    (Value::String(_), Choices::Names(names)) => assert!(names.len() >= 2, "{at}"),
                    (Value::String(_), Choices::Variants(options)) => assert!(options.len() >= 2, "{at}"),
                    (Value::Bool(_), _) => {}
                    // A name the user makes up (a call's split).
                    (Value::String(_), Choices::Free) if p.name() == "split" => {}
                    (other, choices) => panic!("{at}: {other} with {choices:?}"),
                }
            }
        }
        assert!(seen > 150, "{seen} parameters");
    }

    /// Each kind's defaults, and each of its tagged enums' other choices
    /// put in place of the default (by the choice lists themselves).
    fn variants_of(kind: NodeKind) -> Vec<NodeKind> {
        let mut full = kind.clone();
        for (key, _, _) in kind.optional_parts().0 {
            full = full.with_part(key, true);
        }
        let mut all = vec![kind, full.clone()];
        let params = serde_json::to_value(&full).unwrap();
        for p in leaves(kind_params(full.info().name), &params["params"]) {
            let Choices::Variants(options) = p.choices else { continue };
            let parent = p.path.rsplit_once('.').map_or("", |(a, _)| a);
            for option in options {
                let mut next = params.clone();
                let slot = parent.split('.').filter(|s| !s.is_empty()).fold(&mut next["params"], |v, k| &mut v[k]);
                *slot = option.clone();
                all.push(serde_json::from_value(next).unwrap());
            }
        }
        all
    }

    /// docs/parameters.md is made from the annotations; with
    /// `ARCHSIM_BLESS=1` the file is rewritten instead.
    #[test]
    fn the_parameter_tables_in_the_docs_are_current() {
        let mut doc = String::from(
            "# Parameters\n\nEvery parameter a user edits, with its unit, range and help, as the model types declare them \
             (generated from the schema annotations by `ARCHSIM_BLESS=1 cargo test params`; see `src/model/params.rs`). \
             Ranges are checked by `archsim validate` and the page; checks across fields (a ramp's end after its start, \
             autoscaling's minimum at most its maximum) are in each kind's `Kind::check`.\n",
        );
        let mut section = |title: &str, spec: &Value, values: Vec<Value>| {
            doc.push_str(&format!("\n## {title}\n\n| parameter | unit | range | help |\n| --- | --- | --- | --- |\n"));
            let mut seen = Vec::new();
            for value in &values {
                for p in leaves(spec, value) {
                    let path: String =
                        p.path.split('.').filter(|s| s.parse::<usize>().is_err()).collect::<Vec<_>>().join(".");
                    if seen.contains(&path) || ["from", "to"].contains(&p.name()) {
                        continue;
                    }
                    let range = match (&p.choices, p.range()) {
                        (Choices::Names(names), _) => names.join(", "),
                        (Choices::Variants(options), _) => {
                            options.iter().filter_map(|o| o[p.name()].as_str()).collect::<Vec<_>>().join(", ")
                        }
                        (Choices::Free, (low, exclusive, high)) => {
                            let low =
                                low.map_or(String::new(), |l| format!("{} {l}", if exclusive { ">" } else { "≥" }));
                            let high = high.map_or(String::new(), |h| format!("≤ {h}"));
                            [low, high].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ")
                        }
                    };
                    doc.push_str(&format!("| `{path}` | {} | {range} | {} |\n", p.unit(), p.help()));
                    seen.push(path);
                }
            }
        };
        for info in KINDS {
            let values = variants_of(NodeKind::default_for(info.name).unwrap())
                .iter()
                .map(|k| serde_json::to_value(k).unwrap()["params"].clone())
                .collect();
            section(info.title, kind_params(info.name), values);
        }
        section("Calls (edges)", def("Edge"), vec![full_edge()]);
        section("Run settings", def("Settings"), vec![serde_json::to_value(Settings::default()).unwrap()]);
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/parameters.md");
        if std::env::var_os("ARCHSIM_BLESS").is_some() {
            std::fs::write(path, &doc).unwrap();
        } else {
            let current = std::fs::read_to_string(path).unwrap_or_default();
            assert!(current == doc, "docs/parameters.md is stale: run ARCHSIM_BLESS=1 cargo test params");
        }
    }

    /// An edge with every defence on.
    fn full_edge() -> Value {
        let edge = serde_json::json!({
            "from": "a", "to": "b", "split": "s", "timeout_ms": 100.0,
            "retry": { "max_retries": 2, "backoff": "exponential", "base_ms": 10.0, "cap_ms": 100.0, "jitter": "full",
                       "budget": { "ratio": 0.1, "min_per_s": 1.0, "ttl_s": 10.0 } },
            "circuit_breaker": { "failure_rate": 0.5, "window_s": 10.0, "min_calls": 5, "open_s": 5.0, "half_open_calls": 1 },
            "bulkhead": { "max_concurrent": 10 }
        });
        serde_json::to_value(serde_json::from_value::<Edge>(edge).unwrap()).unwrap()
    }

    #[test]
    fn a_leaf_knows_its_help_unit_range_and_choices() {
        let spec = kind_params("service");
        let value = serde_json::to_value(crate::model::ServiceParams::default()).unwrap();
        let params = leaves(spec, &value);
        let find = |path: &str| params.iter().find(|p| p.path == path).unwrap();
        let workers = find("workers");
        assert_eq!((workers.unit(), workers.whole()), ("threads", true));
        assert_eq!(workers.range(), (Some(1.0), false, Some(10_000.0)));
        let mean = find("service_time.mean_ms");
        assert_eq!((mean.unit(), mean.range()), ("ms", (Some(0.0), true, Some(3.6e6))));
        assert!(matches!(find("service_time.dist").choices, Choices::Variants(v) if v.len() == 4));
    }

    #[test]
    fn the_most_used_parameters_are_marked_main_and_a_part_switched_on_joins_them() {
        for info in KINDS {
            let kind = NodeKind::default_for(info.name).unwrap();
            let json = serde_json::to_value(&kind).unwrap();
            let params = leaves(kind_params(info.name), &json["params"]);
            assert!(params.iter().any(|p| p.main), "{}: no main parameter", info.name);
        }
        let service = crate::model::ServiceParams::default();
        let json = serde_json::to_value(NodeKind::Service(service).with_part("autoscaling", true)).unwrap();
        let params = leaves(kind_params("service"), &json["params"]);
        let main: Vec<&str> = params.iter().filter(|p| p.main).map(|p| p.path.as_str()).collect();
        assert_eq!(&main[..5], ["replicas", "workers", "queue_capacity", "service_time.dist", "service_time.mean_ms"]);
        assert!(main.contains(&"autoscaling.max_replicas"), "{main:?}");
        assert!(!main.contains(&"mtbf_s") && !main.contains(&"mttr_s"), "{main:?}");
    }

    #[test]
    fn switching_a_variant_keeps_shared_fields() {
        let old = serde_json::json!({ "dist": "exponential", "mean_ms": 7.0 });
        let lognormal = &def("ServiceTime")["x-choices"][2];
        let next = switch_to(&old, "dist", lognormal);
        assert_eq!(next, serde_json::json!({ "dist": "lognormal", "mean_ms": 7.0, "p99_ms": 100.0 }));
    }

    #[test]
    fn out_of_range_values_are_named_with_their_json_path() {
        let mut c = Checker::default();
        let spec = kind_params("service");
        let mut value = serde_json::to_value(crate::model::ServiceParams::default()).unwrap();
        value["workers"] = 0.into();
        value["service_time"]["mean_ms"] = Value::Null;
        value["mtbf_s"] = (-1.0).into();
        check_ranges(&mut c, "$.nodes[3].params", spec, &value);
        let got: Vec<String> = c.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "$.nodes[3].params.workers: must be 1 to 10000",
                "$.nodes[3].params.service_time.mean_ms: must be a finite number",
                "$.nodes[3].params.mtbf_s: is -1; must be at least 0 and at most 1000000000",
            ]
        );
    }
}
