//! Capacity curves (`archsim sweep`): one numeric parameter of a scenario
//! set to each value of a range, each value run with several seeds, each
//! figure summarised over the seeds with its confidence interval
//! ([`super::replications`]), and, for a node that is an M/M/c or M/G/1
//! queue ([`Station`]), the closed forms beside the measurements.

use serde_json::Value;

use crate::model::params::{self, Choices, Param};
use crate::model::{Arrivals, NodeKind, RateProfile, Scenario};
use crate::theory::Station;

/// The scenario with the number at `param` set to `value`. `param` is
/// `<node id>.<path in its params>` (e.g. `users.arrivals.rate.rps`,
/// `api.workers`) or a JSON Pointer into the scenario (RFC 6901, e.g.
/// `/settings/duration_s`).
///
/// Errors: no node of that id, no number at that place, or a scenario the
/// value makes unreadable (e.g. a fraction where a whole number belongs):
/// the message names the parameter.
pub fn with_value(scenario: &Scenario, param: &str, value: f64) -> Result<Scenario, String> {
    let pointer = match param.split_once('.') {
        _ if param.starts_with('/') => param.to_owned(),
        Some((node, path)) => {
            let index = scenario
                .nodes
                .iter()
                .position(|n| n.id.as_str() == node)
                .ok_or_else(|| format!("{param}: there is no node `{node}`"))?;
            format!("/nodes/{index}/params/{}", path.replace('.', "/"))
        }
        None => return Err(format!("{param}: name a node's parameter (`<node>.<path>`) or a JSON Pointer")),
    };
    let mut json = serde_json::to_value(scenario).map_err(|e| e.to_string())?;
    match json.pointer_mut(&pointer) {
        // A whole value as a whole number, which a count (`workers`) takes.
        Some(number @ Value::Number(_)) if value.fract() == 0.0 && value.abs() < 9e15 => {
            *number = (value as i64).into()
        }
        Some(number @ Value::Number(_)) => {
            *number = serde_json::Number::from_f64(value).map(Value::Number).ok_or("not a finite number")?;
        }
        _ => return Err(format!("{param}: there is no number at {pointer}")),
    }
    Scenario::from_json(&json.to_string()).map_err(|e| format!("{param} = {value}: {e}"))
}

/// The parameter of the first client's arrival rate (`<client>.arrivals.
/// rate.rps`) and its value, req/s: the one a capacity curve sweeps.
///
/// Errors: no client sends open-loop arrivals at a constant rate.
pub fn rate_param(scenario: &Scenario) -> Result<(String, f64), String> {
    scenario
        .nodes
        .iter()
        .find_map(|n| match &n.kind {
            NodeKind::Client(c) => match c.arrivals {
                Arrivals::Open { rate: RateProfile::Constant { rps } } => {
                    Some((format!("{}.arrivals.rate.rps", n.id), rps))
                }
                _ => None,
            },
            _ => None,
        })
        .ok_or_else(|| "a capacity curve needs a client with a constant arrival rate to sweep".to_owned())
}

/// Whether `param` is an arrival rate (its name ends in `rps`): a curve of
/// it has an offered rate to set the throughput against, and a saturation
/// point.
pub fn is_rate(param: &str) -> bool {
    param.ends_with("rps")
}

/// The id of the first service pool, the node a curve measures by default.
pub fn first_pool(scenario: &Scenario) -> Option<String> {
    scenario.nodes.iter().find(|n| matches!(n.kind, NodeKind::Service(_))).map(|n| n.id.as_str().to_owned())
}

/// `steps` (≥ 2) evenly spaced values from `from` to `to`, both included.
pub fn values(from: f64, to: f64, steps: u32) -> Vec<f64> {
    let last = f64::from(steps.max(2) - 1);
    (0..steps.max(2)).map(|k| from + (to - from) * f64::from(k) / last).collect()
}

/// The values a curve of `param` runs: [`values`], rounded and each once
/// for a count (a node's parameter its schema makes whole, e.g. `workers`:
/// 2 to 8 in 8 steps runs 2, 3, 4, 5, 6, 7, 8).
pub fn grid(scenario: &Scenario, param: &str, from: f64, to: f64, steps: u32) -> Vec<f64> {
    spread(from, to, steps, numbers(scenario).any(|(name, p)| name == param && p.whole()))
}

/// [`values`], rounded and each once if `whole`.
fn spread(from: f64, to: f64, steps: u32, whole: bool) -> Vec<f64> {
    let mut grid = values(from, to, steps);
    if whole {
        grid.iter_mut().for_each(|v| *v = v.round());
        grid.dedup();
    }
    grid
}

/// Every node's numeric parameters typed in (no choice), as `<node>.<path>`
/// with what the schema says of each.
fn numbers(scenario: &Scenario) -> impl Iterator<Item = (String, Param<'static>)> + '_ {
    scenario.nodes.iter().flat_map(|node| {
        let json = serde_json::to_value(&node.kind).unwrap_or_default();
        params::leaves(params::kind_params(node.kind.info().name), &json["params"])
            .into_iter()
            .filter(|p| p.value.is_number() && p.choices == Choices::Free)
            .map(|p| (format!("{}.{}", node.id, p.path), p))
            .collect::<Vec<_>>()
    })
}

/// A numeric parameter a capacity curve can sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweepable {
    /// `<node>.<path>`, as `archsim sweep --param` takes it.
    pub param: String,
    /// Its unit (`req/s`, `ms`, `threads`; "" for a plain number).
    pub unit: String,
    /// Its value in the design.
    pub value: f64,
    /// Whether it is a count (whole values only).
    pub whole: bool,
    /// Its lowest and highest allowed values, where the schema gives them.
    pub range: (Option<f64>, Option<f64>),
}

/// What a curve of `scenario` can sweep: the first client's constant
/// arrival rate ([`rate_param`]) first, then each node's main numeric
/// parameters (those the inspector shows first: a pool's replicas, workers,
/// queue and mean service time, a client's timeout…) in the design's order.
pub fn sweepables(scenario: &Scenario) -> Vec<Sweepable> {
    let rate = rate_param(scenario).ok().map(|(param, value)| Sweepable {
        param,
        unit: "req/s".to_owned(),
        value,
        whole: false,
        range: (Some(0.0), None),
    });
    let rest = numbers(scenario).filter(|(_, p)| p.main).map(|(param, p)| {
        let (low, _, high) = p.range();
        let (unit, value, whole) = (p.unit().to_owned(), p.value.as_f64().unwrap_or(0.0), p.whole());
        Sweepable { param, unit, value, whole, range: (low, high) }
    });
    let first = rate.as_ref().map(|r| r.param.clone());
    rate.into_iter().chain(rest.filter(|s| first.as_ref() != Some(&s.param))).collect()
}

impl Sweepable {
    /// The values a curve of it from `from` to `to` in `steps` runs (as
    /// [`grid`]).
    pub fn grid(&self, from: f64, to: f64, steps: u32) -> Vec<f64> {
        spread(from, to, steps, self.whole)
    }

    /// Whether it is an arrival rate ([`is_rate`]).
    pub fn is_rate(&self) -> bool {
        is_rate(&self.param)
    }

    /// The range a curve starts from: a rate from half the design's to
    /// three times it (most designs saturate in between), another
    /// parameter from half its value to twice it (1 if it is 0), within
    /// what it allows.
    pub fn default_range(&self) -> (f64, f64) {
        let (low, high) = (self.range.0.unwrap_or(0.0), self.range.1.unwrap_or(f64::INFINITY));
        let (from, to) = match (self.is_rate(), self.value) {
            (true, v) => (v * 0.5, v * 3.0),
            (false, v) if v > 0.0 => (v * 0.5, v * 2.0),
            (false, _) => (0.0, 1.0),
        };
        let nice = |v: f64| if v.abs() >= 10.0 { v.round() } else { (v * 100.0).round() / 100.0 };
        (nice(from.max(low)), nice(to.min(high)))
    }
}

/// The columns of a sweep's CSV: the swept value, then each measured
/// figure's mean over the seeds and its 95 % interval (`_low`, `_high`;
/// the client's figures after the warm-up, and the node's), then the
/// closed forms (empty where the node has none).
pub fn header(node: &str) -> Vec<String> {
    let mut columns = vec!["value".to_owned()];
    for (name, _) in FIGURES {
        let name = name.replace("{node}", node);
        columns.extend([name.clone(), format!("{name}_low"), format!("{name}_high")]);
    }
    columns.extend(["theory_utilization", "theory_loss", "theory_mean_wait_ms", "theory_p99_ms"].map(String::from));
    columns
}

/// The measured figures: a column name (`{node}` stands for the node) and
/// where it is in a report.
const FIGURES: [(&str, &[&str]); 6] = [
    ("throughput_rps", &["throughput_rps"]),
    ("availability", &["availability"]),
    ("p50_ms", &["latency_ms", "p50"]),
    ("p99_ms", &["latency_ms", "p99"]),
    ("{node}_utilization", &["nodes", "{node}", "utilization"]),
    ("{node}_mean_wait_ms", &["nodes", "{node}", "mean_wait_ms"]),
];

/// One point of a capacity curve: the swept value, the summary of its
/// seeds' reports (`replications::summarize`) and the node's queue with
/// closed forms at that value, or why it has none.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The swept value.
    pub value: f64,
    /// The seeds' reports summarised.
    pub summary: Value,
    /// The node's queue with closed forms, or why it has none.
    pub theory: Result<Station, String>,
}

impl Point {
    /// The point of `value`: its `design` (the scenario at that value) and
    /// its seeds' `reports` (JSON), measured at `node`.
    pub fn of(value: f64, design: &Scenario, reports: &[Value], node: &str) -> Point {
        Point { value, summary: super::replications::summarize(reports), theory: Station::of(design, node) }
    }

    /// A figure at `path` in the summary (`{node}` stands for `node`) as
    /// (mean, low, high) of its 95 % interval; a figure every seed agrees
    /// on is its own interval; None where no seed defines it.
    pub fn figure(&self, path: &[&str], node: &str) -> Option<(f64, f64, f64)> {
        let figure = path.iter().try_fold(&self.summary, |v, key| v.get(key.replace("{node}", node)))?;
        match figure {
            Value::Object(i) => Some((i.get("mean")?.as_f64()?, i.get("low")?.as_f64()?, i.get("high")?.as_f64()?)),
            v => v.as_f64().map(|x| (x, x, x)),
        }
    }

    /// The point's row of the CSV ([`header`]): an undefined figure is an
    /// empty field, as are the closed forms of a node without them.
    pub fn row(&self, node: &str) -> Vec<String> {
        let text = |x: Option<f64>| x.map_or_else(String::new, |x| x.to_string());
        let mut fields = vec![self.value.to_string()];
        for (_, path) in FIGURES {
            let f = self.figure(path, node);
            fields.extend([f.map(|f| f.0), f.map(|f| f.1), f.map(|f| f.2)].map(text));
        }
        let theory = self.theory.as_ref().ok();
        fields.extend(
            [
                theory.map(Station::utilization),
                theory.map(Station::loss),
                theory.map(Station::mean_wait_ms),
                theory.and_then(|m| m.response_quantile_ms(0.99)),
            ]
            .map(text),
        );
        fields
    }
}

/// A curve as a table: [`header`], then each point's [`Point::row`] (what
/// `archsim sweep` prints and the page's Capacity tab saves as CSV).
pub fn table(points: &[&Point], node: &str) -> Vec<Vec<String>> {
    std::iter::once(header(node)).chain(points.iter().map(|p| p.row(node))).collect()
}

/// The knee of a curve: the first value whose mean p99 is over twice the
/// first point's; None if none is (or the first point has no p99).
pub fn knee(points: &[&Point]) -> Option<f64> {
    let p99 = |p: &Point| p.figure(&["latency_ms", "p99"], "").map(|f| f.0);
    let base = p99(points.first()?)?;
    points.iter().find(|p| p99(p).is_some_and(|x| x > 2.0 * base)).map(|p| p.value)
}

/// Where a curve of a swept arrival rate saturates: the first value whose
/// mean throughput falls more than 5 % short of it (the offered rate);
/// None if the throughput follows it over the whole range.
pub fn saturation(points: &[&Point]) -> Option<f64> {
    let throughput = |p: &Point| p.figure(&["throughput_rps"], "").map_or(0.0, |f| f.0);
    points.iter().find(|p| throughput(p) < 0.95 * p.value).map(|p| p.value)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `tests/data/mm4.json` (λ = 1,000 req/s into an M/M/4 of μ = 1,000
    /// req/s) at `rps`.
    pub(crate) fn mm4(rps: f64) -> Scenario {
        let s = Scenario::from_json(include_str!("../../tests/data/mm4.json")).unwrap();
        with_value(&s, "users.arrivals.rate.rps", rps).unwrap()
    }

    #[test]
    fn a_parameter_is_set_by_node_and_path_or_by_pointer() {
        let s = with_value(&mm4(1000.0), "users.arrivals.rate.rps", 2500.0).unwrap();
        assert_eq!(Station::of(&s, "s").unwrap().lambda_rps, 2500.0);
        let s = with_value(&s, "/settings/duration_s", 5.0).unwrap();
        assert_eq!(s.settings.duration_s, 5.0);
        let six = with_value(&s, "s.workers", 6.0).unwrap();
        assert!(matches!(&six.nodes[1].kind, NodeKind::Service(p) if p.workers == 6));
        for (param, why) in [
            ("nobody.workers", "there is no node `nobody`"),
            ("s.nothing", "there is no number at /nodes/1/params/nothing"),
            ("s.workers", "s.workers = 2.5"),
            ("workers", "name a node's parameter"),
        ] {
            let e = with_value(&s, param, 2.5).unwrap_err();
            assert!(e.contains(why), "{param}: {e}");
        }
    }

    #[test]
    fn a_curve_sweeps_the_first_clients_rate_measured_at_the_first_pool() {
        assert_eq!(rate_param(&mm4(1200.0)), Ok(("users.arrivals.rate.rps".to_owned(), 1200.0)));
        assert_eq!(first_pool(&mm4(1.0)).as_deref(), Some("s"));
        let closed = Scenario::from_json(&include_str!("../../tests/data/mm4.json").replace(
            r#"{ "model": "open", "rate": { "shape": "constant", "rps": 1000 } }"#,
            r#"{ "model": "closed", "users": 10, "think_time_ms": 100 }"#,
        ))
        .unwrap();
        assert!(rate_param(&closed).unwrap_err().contains("constant arrival rate"));
    }

    #[test]
    fn a_curve_can_sweep_the_rate_first_then_each_nodes_main_numbers() {
        let s = mm4(1000.0);
        let all = sweepables(&s);
        let names: Vec<&str> = all.iter().map(|s| s.param.as_str()).collect();
        assert_eq!(
            names,
            [
                "users.arrivals.rate.rps",
                "users.mix.read",
                "users.mix.write",
                "users.mix.other",
                "users.timeout_ms",
                "s.replicas",
                "s.workers",
                "s.queue_capacity",
                "s.service_time.mean_ms"
            ]
        );
        let rate = &all[0];
        assert!(rate.is_rate() && rate.unit == "req/s");
        assert_eq!(rate.default_range(), (500.0, 3000.0));
        let workers = &all[6];
        assert_eq!((workers.unit.as_str(), workers.value, workers.is_rate()), ("threads", 4.0, false));
        assert_eq!(workers.default_range(), (2.0, 8.0));
        // A count runs each whole value once; a rate any value.
        assert_eq!(grid(&s, "s.workers", 2.0, 8.0, 8), [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]);
        assert_eq!(grid(&s, "s.workers", 1.0, 2.0, 8), [1.0, 2.0]);
        assert_eq!(grid(&s, "users.arrivals.rate.rps", 1.0, 2.0, 3), [1.0, 1.5, 2.0]);
        assert_eq!(workers.grid(2.0, 8.0, 8), grid(&s, "s.workers", 2.0, 8.0, 8));
        // Replicas allow 1 and up: half of 1 is not a range's start.
        let one = &all[5];
        assert_eq!(one.default_range(), (1.0, 2.0));
    }

    #[test]
    fn values_are_evenly_spaced_ends_included() {
        assert_eq!(values(1.0, 2.0, 5), vec![1.0, 1.25, 1.5, 1.75, 2.0]);
        assert_eq!(values(3.0, 3.0, 1), vec![3.0, 3.0]);
    }

    #[test]
    fn a_row_gives_each_figure_its_interval_and_the_closed_forms() {
        let summary = serde_json::json!({
            "throughput_rps": { "mean": 10.0, "low": 9.0, "high": 11.0 },
            "availability": 1.0,
            "latency_ms": null,
            "nodes": { "s": { "utilization": { "mean": 0.5, "low": 0.4, "high": 0.6 }, "mean_wait_ms": 2.0 } }
        });
        let m = Station {
            lambda_rps: 1.0,
            c: 1,
            mean_s: 0.5,
            second_moment_s2: 0.5,
            service: crate::theory::Service::M,
            room: None,
        };
        let row = Point { value: 7.0, summary, theory: Ok(m) }.row("s");
        assert_eq!(row.len(), header("s").len());
        assert_eq!(row[..7], ["7", "10", "9", "11", "1", "1", "1"]);
        assert_eq!(row[7..13], ["", "", "", "", "", ""]);
        assert_eq!(row[13..19], ["0.5", "0.4", "0.6", "2", "2", "2"]);
        // M/M/1 at ρ = 0.5, no loss: W_q = ρ/(μ − λ) = 0.5 s; p99 = ln 100 / (μ − λ).
        assert_eq!(row[19..21], ["0.5", "0"]);
        assert!((row[21].parse::<f64>().unwrap() - 500.0).abs() < 1e-9);
        assert!((row[22].parse::<f64>().unwrap() - 100f64.ln() * 1e3).abs() < 1e-6);
        assert_eq!(header("s")[13], "s_utilization");
    }

    #[test]
    fn the_knee_and_the_saturation_are_where_p99_doubles_and_throughput_falls_behind() {
        let point = |value: f64, p99: f64, throughput: f64| Point {
            value,
            summary: serde_json::json!({ "latency_ms": { "p99": { "mean": p99, "low": p99, "high": p99 } },
                                         "throughput_rps": throughput }),
            theory: Err(String::new()),
        };
        let curve = [
            point(100.0, 10.0, 100.0),
            point(200.0, 19.0, 199.0),
            point(300.0, 25.0, 280.0),
            point(400.0, 90.0, 300.0),
        ];
        let curve: Vec<&Point> = curve.iter().collect();
        assert_eq!(knee(&curve), Some(300.0));
        assert_eq!(saturation(&curve), Some(300.0));
        assert_eq!((knee(&curve[..2]), saturation(&curve[..2])), (None, None));
    }
}
