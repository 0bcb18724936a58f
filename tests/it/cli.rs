//! The `archsim` command line, as a user runs it.

use std::process::Command;

fn archsim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_archsim")).args(args).output().expect("archsim runs")
}

const THREE_TIER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/three-tier.json");
const MM4: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/mm4.json");

#[test]
fn run_prints_the_report_contract() {
    let out = archsim(&["run", THREE_TIER, "--seed", "3", "--duration", "20", "--warmup", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["seed"], 3);
    assert_eq!(r["duration_s"], 20.0);
    for key in ["offered", "completed", "failed", "timed_out", "rejected", "in_flight"] {
        assert!(r["requests"][key].is_u64(), "requests.{key}");
    }
    for key in ["mean", "p50", "p90", "p95", "p99", "p999", "max"] {
        assert!(r["latency_ms"][key].is_f64(), "latency_ms.{key}");
    }
    for key in ["kind", "utilization", "mean_queue_len", "mean_wait_ms", "mean_response_ms", "served", "dropped"] {
        assert!(!r["nodes"]["api"][key].is_null(), "nodes.api.{key}");
    }
    assert!(r["throughput_rps"].as_f64().unwrap() > 300.0);
    assert!(r["digest"].as_str().unwrap().len() == 16);
    assert!(r["engine"]["events"].as_u64().unwrap() > 0);
    // The same command gives the same digest.
    let again = archsim(&["run", THREE_TIER, "--seed", "3", "--duration", "20", "--warmup", "2"]);
    let r2: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(r["digest"], r2["digest"]);
}

#[test]
fn validate_lists_every_problem_and_exits_1() {
    let dir = std::env::temp_dir().join(format!("archsim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    let text = std::fs::read_to_string(THREE_TIER)
        .unwrap()
        .replace(r#""workers": 16"#, r#""workers": 0"#)
        .replace(r#""to": "db""#, r#""to": "nowhere""#);
    std::fs::write(&bad, text).unwrap();
    let out = archsim(&["validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("$.nodes[3].params.workers"), "{err}");
    assert!(err.contains("$.nodes[4].params.workers"), "{err}");
    assert!(err.contains("$.edges[3].to: node `nowhere` does not exist"), "{err}");
    assert!(archsim(&["validate", THREE_TIER]).status.success());
    let missing = archsim(&["run", dir.join("missing.json").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
}

#[test]
fn schema_and_help() {
    let out = archsim(&["schema"]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "Scenario");
    let help = String::from_utf8_lossy(&archsim(&["--help"]).stdout).into_owned();
    for sub in ["run", "validate", "schema"] {
        assert!(help.contains(sub), "{help}");
    }
}

/// The scenario with every component kind runs through `archsim run`, and
/// each kind reports its figures in the field's terms.
#[test]
fn run_reports_every_kind_in_the_fields_terms() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/global-shop.json");
    let out = archsim(&["run", file, "--duration", "40", "--warmup", "5"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = [
        ("users", "client", "offered"),
        ("cdn", "cdn", "hit_ratio"),
        ("dns", "dns", "resolutions"),
        ("lb-eu", "load_balancer", "utilization"),
        ("web-eu", "service", "p_wait"),
        ("cache", "cache", "hit_ratio"),
        ("db", "database", "replication_lag_ms"),
        ("db", "database", "stale_reads"),
        ("db", "database", "lost_writes"),
        ("db", "database", "write_conflicts"),
        ("orders", "queue", "consumer_lag"),
        ("inventory", "partitioned_store", "partition_load"),
    ];
    for (node, kind, field) in expected {
        assert_eq!(r["nodes"][node]["kind"], kind, "{node}");
        assert!(!r["nodes"][node][field].is_null(), "nodes.{node}.{field}");
    }
    assert_eq!(r["nodes"]["inventory"]["partition_load"].as_array().map(Vec::len), Some(4));
}

/// `check` grades files and links: exit 1 while an objective fails, 0 once
/// every one passes; `link` prints a link `check` opens.
#[test]
fn check_grades_files_and_links_and_link_makes_them() {
    let preset = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/failover-lost-writes.json");
    let out = archsim(&["check", preset]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(exercise failover-lost-writes): fails: passes in 0 of 5 seeds"), "{text}");
    assert!(text.contains("FAIL  lost writes ≤ 0  (0 of 5 seeds"), "{text}");

    let mut answer: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(preset).unwrap()).unwrap();
    answer["nodes"][2]["params"]["replication"] = serde_json::json!({ "mode": "semi_sync", "acks": 1 });
    let dir = std::env::temp_dir().join(format!("archsim-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("answer.json");
    std::fs::write(&file, answer.to_string()).unwrap();
    let link = archsim(&["link", file.to_str().unwrap()]);
    assert!(link.status.success());
    let fragment = String::from_utf8(link.stdout).unwrap();
    assert!(fragment.starts_with("#s=3."), "{fragment}");
    let url = format!("https://archsim.example/{}", fragment.trim());
    let out = archsim(&["check", file.to_str().unwrap(), &url]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("passes in 5 of 5 seeds").count(), 2, "{text}");

    // A damaged link is an error on stderr, and a failed check.
    let out = archsim(&["check", "https://archsim.example/#s=2.AAAA"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("damaged"));
}

/// `archsim` with `stdin` piped in.
fn archsim_with_stdin(args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_archsim"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("archsim runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn check_reads_links_from_stdin_and_grades_the_rest_when_one_is_broken() {
    let preset = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/single-server.json");
    let link = String::from_utf8(archsim(&["link", preset]).stdout).unwrap();
    let link = format!("http://127.0.0.1:8080/{}", link.trim());
    // A damaged link first, then a good one, then a comment and a blank line.
    let broken = format!("{}AAAA", &link[..link.len() / 2]);
    let out = archsim_with_stdin(&["check", "-"], &format!("{broken}\n{link}\n# a comment\n\n"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the exercise's objectives fail and one link is broken");
    assert!(stderr.lines().count() == 1, "{stderr}");
    assert!(stdout.contains("seeds"), "the good link was graded after the broken one: {stdout}");
}

#[test]
fn run_says_why_a_run_stopped_and_exits_1() {
    let dir = std::env::temp_dir().join(format!("archsim-stop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("flood.json");
    std::fs::write(
        &file,
        r#"{ "version": 2, "settings": { "duration_s": 3600, "warmup_s": 0, "limits": { "max_memory_mb": 5 } },
            "nodes": [
              { "id": "c", "kind": "client", "params": { "arrivals": { "model": "open", "rate": { "shape": "constant", "rps": 10000 } } } },
              { "id": "slow", "kind": "service", "params": { "replicas": 1, "workers": 1, "queue_capacity": 1000000,
                "service_time": { "dist": "constant", "ms": 1000 } } } ],
            "edges": [ { "from": "c", "to": "slow" } ] }"#,
    )
    .unwrap();
    let validate = archsim(&["validate", file.to_str().unwrap()]);
    assert!(validate.status.success());
    assert!(String::from_utf8_lossy(&validate.stderr).contains("warning: $.nodes[1].params: may need 160 MB"));
    let out = archsim(&["run", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["stopped"]["budget"], "memory");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the run stopped at"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `check --csv` writes the class table: a header, one row per design with
/// its participant, exercise, verdict and each objective's worst value
/// over the seeds; `--own` grades a weakened copy by its own rules.
#[test]
fn check_writes_the_class_table_and_own_grades_the_copys_rules() {
    let dir = std::env::temp_dir().join(format!("archsim-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let solution = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/solutions/master-master.json");
    let mut weakened: serde_json::Value =
        serde_json::from_str(include_str!("../../scenarios/master-master.json")).unwrap();
    weakened["participant"] = "Grace Hopper".into();
    weakened["objectives"] = serde_json::json!([{ "metric": "availability", "target": 0.5 }]);
    let file = dir.join("weakened.json");
    std::fs::write(&file, weakened.to_string()).unwrap();
    let out = archsim(&["check", "--csv", solution, file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let csv = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows[0].starts_with("source,participant,exercise,verdict,seeds_passed,seeds,digest,objective_1,worst_1"));
    assert!(rows[1].contains(",,master-master,passes in 5 of 5 seeds,5,5,"), "{}", rows[1]);
    assert!(rows[2].contains(",Grace Hopper,master-master,fails: passes in 0 of 5 seeds,0,5,"), "{}", rows[2]);
    assert!(rows[2].contains(",write conflicts ≤ 0,"), "graded by the exercise's objectives: {}", rows[2]);
    let own = archsim(&["check", "--own", file.to_str().unwrap()]);
    assert_eq!(own.status.code(), Some(0), "{}", String::from_utf8_lossy(&own.stdout));
}

#[test]
fn run_with_replications_gives_each_figure_its_confidence_interval() {
    let common = ["--duration", "20", "--warmup", "2"];
    let out = archsim(&[&["run", THREE_TIER, "--seed", "3", "--reps", "4"][..], &common].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["replications"], 4);
    assert_eq!(r["seeds"], serde_json::json!([3, 4, 5, 6]));
    // The same runs one by one, and their intervals computed here: the
    // mean ± t(0.975, 3) · s / √4, t(0.975, 3) = 3.182 (NIST/SEMATECH
    // e-Handbook, table 1.3.6.7.2).
    let single: Vec<serde_json::Value> = (3..=6)
        .map(|seed| {
            let out = archsim(&[&["run", THREE_TIER, "--seed", &seed.to_string()][..], &common].concat());
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect();
    let digests: Vec<&serde_json::Value> = single.iter().map(|s| &s["digest"]).collect();
    assert_eq!(r["digests"].as_array().unwrap().iter().collect::<Vec<_>>(), digests);
    let figure = |path: &[&str]| -> Vec<f64> {
        single.iter().map(|s| path.iter().fold(s, |v, k| &v[*k]).as_f64().unwrap()).collect()
    };
    for path in [&["throughput_rps"][..], &["latency_ms", "p99"], &["nodes", "api", "utilization"]] {
        let xs = figure(path);
        let mean = xs.iter().sum::<f64>() / 4.0;
        let s = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 3.0).sqrt();
        let got = path.iter().fold(&r, |v, k| &v[*k]);
        assert!((got["mean"].as_f64().unwrap() - mean).abs() <= 1e-9 * mean.abs(), "{path:?}: {got}");
        let half_width = 3.182 * s / 2.0;
        assert!((got["half_width"].as_f64().unwrap() - half_width).abs() <= 2e-4 * half_width, "{path:?}: {got}");
        assert_eq!(got["n"], 4);
    }
    // What every run agrees on stays as it is.
    assert_eq!(r["duration_s"], 20.0);
    assert_eq!(r["nodes"]["api"]["kind"], "service");
    // One replication is not a sample.
    assert!(!archsim(&["run", THREE_TIER, "--reps", "1"]).status.success());
}

/// A sweep's CSV row: each column's number (NaN where the cell is empty).
struct Row(std::collections::HashMap<String, f64>);

impl Row {
    fn get(&self, column: &str) -> f64 {
        self.0[column]
    }

    /// Whether `figure`'s mean over 10 seeds holds `theory` within its
    /// interval, taken at 99 % as the theory tests do: the printed 95 %
    /// half-width × t(0.995, 9) / t(0.975, 9) = 3.250 / 2.262 (NIST/SEMATECH
    /// e-Handbook, table 1.3.6.7.2), plus `slack`.
    fn holds(&self, figure: &str, theory: f64, slack: f64) -> Result<(), String> {
        let (mean, low) = (self.get(figure), self.get(&format!("{figure}_low")));
        let half_width = (mean - low) * 3.250 / 2.262;
        let held = (mean - theory).abs() <= half_width + slack;
        held.then_some(()).ok_or(format!("{figure} {mean} ± {half_width}, theory {theory}"))
    }
}

/// `archsim sweep MM4 ARGS`: its rows (`rows` of them) and its stderr.
fn sweep(args: &[&str], rows: usize) -> (Vec<Row>, String) {
    let out = archsim(&[&["sweep", MM4], args].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut csv = csv::Reader::from_reader(&out.stdout[..]);
    let header = csv.headers().unwrap().clone();
    let cells = |r: csv::StringRecord| {
        header.iter().zip(&r).map(|(h, c)| (h.to_owned(), c.parse().unwrap_or(f64::NAN))).collect()
    };
    let all: Vec<Row> = csv.records().map(|r| Row(cells(r.unwrap()))).collect();
    assert_eq!(all.len(), rows);
    (all, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_sweep_of_an_mmc_design_meets_erlang_c_at_every_point() {
    let args = ["--param", "users.arrivals.rate.rps", "--from", "2000", "--to", "3600", "--steps", "5", "--reps", "10"];
    let (rows, stderr) = sweep(&args, 5);
    for (k, row) in rows.iter().enumerate() {
        let lambda = 2000.0 + 400.0 * k as f64;
        assert_eq!(row.get("value"), lambda);
        // Erlang C's mean wait and the M/M/c response time's p99, rates
        // per s (theory::erlang_c is checked against published tables in
        // its own tests).
        let wait_ms = archsim::theory::mmc_mean_wait(lambda, 1000.0, 4) * 1e3;
        let p99_ms = archsim::theory::mmc_response_quantile(lambda, 1000.0, 4, 0.99) * 1e3;
        assert!((row.get("theory_mean_wait_ms") - wait_ms).abs() < 1e-9);
        assert!((row.get("theory_p99_ms") - p99_ms).abs() < 1e-9);
        assert!((row.get("theory_utilization") - lambda / 4000.0).abs() < 1e-12);
        for (figure, theory) in [("s_mean_wait_ms", wait_ms), ("p99_ms", p99_ms), ("s_utilization", lambda / 4000.0)] {
            row.holds(figure, theory, 0.0).unwrap_or_else(|e| panic!("λ {lambda}: {e}"));
        }
    }
    // p99 at 3,600 req/s (ρ = 0.9) is over twice its value at 2,000.
    assert!(
        stderr.contains("knee: p99 over twice its value at 2000 from users.arrivals.rate.rps = 3600 on"),
        "{stderr}"
    );
}

#[test]
fn a_sweep_says_why_a_node_has_no_closed_form_and_refuses_a_parameter_that_is_not_there() {
    let out =
        archsim(&["sweep", MM4, "--param", "s.replicas", "--from", "1", "--to", "2", "--steps", "2", "--reps", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("closed form: s at 2: 2 replicas behind the pool's balancing: no closed form"), "{stderr}");
    let last = String::from_utf8_lossy(&out.stdout).lines().last().unwrap().to_owned();
    assert!(last.starts_with("2,") && last.ends_with(",,,"), "{last}");
    let out = archsim(&["sweep", MM4, "--param", "s.nothing", "--from", "1", "--to", "2"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("s.nothing: there is no number at /nodes/1/params/nothing"));
}

/// A count swept runs each whole value once (2 to 6 workers in 8 steps is
/// 5 values), and at each the node is the M/M/c of that many workers:
/// Erlang C's wait within its interval.
#[test]
fn a_sweep_of_workers_runs_whole_values_against_erlang_c() {
    let (rows, _) = sweep(&["--param", "s.workers", "--from", "2", "--to", "6", "--reps", "10"], 5);
    for (row, c) in rows.iter().zip(2u32..) {
        assert_eq!(row.get("value"), f64::from(c));
        // λ = 1,000 req/s, μ = 1,000 req/s per worker.
        let wait_ms = archsim::theory::mmc_mean_wait(1000.0, 1000.0, c) * 1e3;
        assert!((row.get("theory_mean_wait_ms") - wait_ms).abs() < 1e-9, "c = {c}");
        row.holds("s_mean_wait_ms", wait_ms, 0.0).unwrap_or_else(|e| panic!("c = {c}: {e}"));
    }
}

/// A room swept from 0 to 8 places behind 4 workers at ρ = 0.25: each
/// value is an M/M/4/K whose refused share, by the birth–death chain
/// (π_K ∝ a^K / c!c^(K−c), summed here directly), is the share of
/// requests that fail, within its interval.
#[test]
fn a_sweep_of_the_room_gives_the_m_m_c_k_loss() {
    let args = ["--param", "s.queue_capacity", "--from", "0", "--to", "8", "--steps", "5", "--reps", "10"];
    let (rows, _) = sweep(&args, 5);
    for (row, places) in rows.iter().zip([0u32, 2, 4, 6, 8]) {
        // a = λ/μ = 1 Erlang, c = 4, K = 4 + places.
        let factorial = |n: u32| (1..=n).map(f64::from).product::<f64>();
        let pi: Vec<f64> = (0..=4 + places)
            .map(|n| if n <= 4 { 1.0 / factorial(n) } else { 1.0 / 24.0 / 4f64.powi(n as i32 - 4) })
            .collect();
        let loss = pi.last().unwrap() / pi.iter().sum::<f64>();
        // The room counts only where it refuses more than 1 in 10⁶.
        let expected = if loss > 1e-6 { loss } else { 0.0 };
        assert!(
            (row.get("theory_loss") - expected).abs() < 1e-12,
            "{places} places: {} vs {expected}",
            row.get("theory_loss")
        );
        row.holds("availability", 1.0 - loss, 1e-4).unwrap_or_else(|e| panic!("{places} places: {e}"));
    }
}
