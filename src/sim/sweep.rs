//! Capacity curves (`archsim sweep`): one numeric parameter of a scenario
//! set to each value of a range, each value run with several seeds, each
//! figure summarised over the seeds with its confidence interval
//! ([`super::replications`]), and, for a node that is an M/M/c queue
//! ([`Mmc`]), the closed forms beside the measurements.

use serde_json::Value;

use crate::model::Scenario;
use crate::theory::Mmc;

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

/// `steps` (≥ 2) evenly spaced values from `from` to `to`, both included.
pub fn values(from: f64, to: f64, steps: u32) -> Vec<f64> {
    let last = f64::from(steps.max(2) - 1);
    (0..steps.max(2)).map(|k| from + (to - from) * f64::from(k) / last).collect()
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
    columns.extend(["theory_utilization", "theory_mean_wait_ms", "theory_p99_ms"].map(String::from));
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

/// One row of the CSV ([`header`]) for the swept `value`: `summary` is
/// the summary of its seeds' reports (`replications::summarize`), `mmc`
/// the node's M/M/c queue at that value if it is one. An undefined figure
/// is an empty field; a figure every seed agrees on has its value as its
/// interval.
pub fn row(value: f64, summary: &Value, node: &str, mmc: Option<&Mmc>) -> Vec<String> {
    let text = |x: Option<f64>| x.map_or_else(String::new, |x| x.to_string());
    let mut fields = vec![value.to_string()];
    for (_, path) in FIGURES {
        let figure = path.iter().try_fold(summary, |v, key| v.get(key.replace("{node}", node)));
        let (mean, low, high) = match figure {
            Some(Value::Object(i)) => (i.get("mean"), i.get("low"), i.get("high")),
            other => (other, other, other),
        };
        fields.extend([mean, low, high].map(|v| text(v.and_then(Value::as_f64))));
    }
    fields.extend(
        [mmc.map(Mmc::utilization), mmc.map(Mmc::mean_wait_ms), mmc.map(|m| m.response_quantile_ms(0.99))].map(text),
    );
    fields
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::NodeKind;

    /// `tests/data/mm4.json` (λ = 1,000 req/s into an M/M/4 of μ = 1,000
    /// req/s) at `rps`.
    pub(crate) fn mm4(rps: f64) -> Scenario {
        let s = Scenario::from_json(include_str!("../../tests/data/mm4.json")).unwrap();
        with_value(&s, "users.arrivals.rate.rps", rps).unwrap()
    }

    #[test]
    fn a_parameter_is_set_by_node_and_path_or_by_pointer() {
        let s = with_value(&mm4(1000.0), "users.arrivals.rate.rps", 2500.0).unwrap();
        assert_eq!(Mmc::of(&s, "s").unwrap().lambda_rps, 2500.0);
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
        let m = Mmc { lambda_rps: 1.0, mu_rps: 2.0, c: 1 };
        let row = row(7.0, &summary, "s", Some(&m));
        assert_eq!(row.len(), header("s").len());
        assert_eq!(row[..7], ["7", "10", "9", "11", "1", "1", "1"]);
        assert_eq!(row[7..13], ["", "", "", "", "", ""]);
        assert_eq!(row[13..19], ["0.5", "0.4", "0.6", "2", "2", "2"]);
        // M/M/1 at ρ = 0.5: W_q = ρ/(μ − λ) = 0.5 s; p99 = ln 100 / (μ − λ).
        assert_eq!(row[19], "0.5");
        assert!((row[20].parse::<f64>().unwrap() - 500.0).abs() < 1e-9);
        assert!((row[21].parse::<f64>().unwrap() - 100f64.ln() * 1e3).abs() < 1e-6);
        assert_eq!(header("s")[13], "s_utilization");
    }
}
