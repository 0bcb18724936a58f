//! `archsim`: the headless ArchSim runner.
//!
//! `archsim run SCENARIO.json` simulates a scenario and prints the JSON report
//! the web app shows (with `--reps N`, each figure over N seeds with its
//! confidence interval); `archsim validate` lists every problem of a scenario;
//! `archsim schema` prints the JSON Schema of the scenario format;
//! `archsim link` prints a scenario's share link; `archsim check` runs
//! scenarios (files or share links) and grades their objectives; `archsim
//! sweep` prints a capacity curve as CSV.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use archsim::model::{Scenario, ValidationError};
use archsim::share;
use archsim::sim::sweep::{self, Point};
use archsim::sim::{replications, Report, Simulation};
use archsim::workshop::class::{self, Entry, Row};
use archsim::workshop::verdict::ExerciseVerdict;
use clap::{Parser, Subcommand};
use rayon::prelude::*;

/// ArchSim: simulate an architecture scenario headlessly.
#[derive(Parser)]
#[command(name = "archsim", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a scenario and print the JSON report on stdout.
    Run {
        /// Scenario file (JSON).
        scenario: PathBuf,
        /// Seed of the random streams (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Simulated duration, s (default: the scenario's).
        #[arg(long)]
        duration: Option<f64>,
        /// Warm-up excluded from the figures, s (default: the scenario's).
        #[arg(long)]
        warmup: Option<f64>,
        /// Replications: run N seeds (the seed and the next N − 1) in
        /// parallel over the cores and print each figure of the report as
        /// its mean with a 95% confidence interval (Student t over the N
        /// runs), with every run's seed and digest.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=10_000))]
        reps: Option<u32>,
    },
    /// A capacity curve: set one numeric parameter to each of `--steps`
    /// evenly spaced values from `--from` to `--to`, run each value with
    /// `--reps` seeds in parallel over the cores, and print one CSV row per
    /// value: throughput, availability, p50 and p99 after the warm-up and
    /// the node's utilization and mean wait, each as its mean over the
    /// seeds with its 95% confidence interval, then the closed forms where
    /// the node is an M/M/c (Erlang C) or M/G/1 (Pollaczek–Khinchine)
    /// queue. Why a node has none, the knee and where it saturates go to
    /// stderr.
    Sweep {
        /// Scenario file (JSON).
        scenario: PathBuf,
        #[command(flatten)]
        args: SweepArgs,
    },
    /// Check a scenario; print every problem (JSON path and reason) and
    /// exit 1 if any; warnings (a worst-case memory over the run's budget)
    /// go to stderr and do not fail it.
    Validate {
        /// Scenario file (JSON).
        scenario: PathBuf,
    },
    /// Print the JSON Schema of the scenario format.
    Schema,
    /// Print the share link fragment of a scenario file (`#s=…`): append
    /// it to the app's address.
    Link {
        /// Scenario file (JSON).
        scenario: PathBuf,
    },
    /// Grade designs (files or share links, e.g. one per workshop
    /// participant): a design opened from an exercise is graded for the
    /// exercise (its fault script, objectives, run settings and traffic,
    /// whatever the design's copy says) over 5 seeds; any other by its own
    /// objectives. Designs are graded in parallel over the cores; exit 0
    /// only if every design passes in every seed.
    Check {
        /// Scenario files (JSON) or share links (`…#s=…`, `…#x=<exercise>`);
        /// `-` reads more from stdin, one per line (a link can be longer
        /// than a shell allows an argument to be).
        #[arg(required_unless_present = "list")]
        scenarios: Vec<String>,
        /// A text file of more files or links, one per line (`-`: stdin);
        /// blank lines and lines starting with `#` are skipped.
        #[arg(long)]
        list: Option<PathBuf>,
        /// Grade only this seed (default: the graded scenario's seed and
        /// the next four).
        #[arg(long)]
        seed: Option<u64>,
        /// Grade each design by its own objectives, fault script and
        /// settings, even when it was opened from an exercise (practice).
        #[arg(long)]
        own: bool,
        /// Print one CSV row per design (participant, exercise, verdict,
        /// each objective's worst value over the seeds, …) instead of text.
        #[arg(long)]
        csv: bool,
    },
}

/// The options of `archsim sweep`.
#[derive(clap::Args)]
struct SweepArgs {
    /// The parameter: `<node id>.<path in its params>` (e.g.
    /// `users.arrivals.rate.rps`) or a JSON Pointer (`/settings/duration_s`).
    #[arg(long)]
    param: String,
    /// First value.
    #[arg(long)]
    from: f64,
    /// Last value.
    #[arg(long)]
    to: f64,
    /// Number of values.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(2..=1000))]
    steps: u32,
    /// Seeds per value (the seed and the next N − 1).
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=10_000))]
    reps: u32,
    /// First seed (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// The node whose utilization, mean wait and closed forms are given
    /// (default: the first service pool).
    #[arg(long)]
    node: Option<String>,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Schema => {
            println!("{}", Scenario::json_schema());
            ExitCode::SUCCESS
        }
        Command::Validate { scenario } => match load(&scenario) {
            Ok(s) => {
                for w in s.warnings() {
                    eprintln!("{}: warning: {w}", scenario.display());
                }
                println!("{}: valid", scenario.display());
                ExitCode::SUCCESS
            }
            Err(e) => report_invalid(&scenario, &e),
        },
        Command::Link { scenario: path } => match load(&path).map(|s| share::to_fragment(&s)) {
            Ok(Ok(fragment)) => {
                println!("#{fragment}");
                ExitCode::SUCCESS
            }
            Ok(Err(e)) => {
                eprintln!("{}: {e}", path.display());
                ExitCode::FAILURE
            }
            Err(e) => report_invalid(&path, &e),
        },
        Command::Check { scenarios, list, seed, own, csv } => {
            let sources = match sources(scenarios, list) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("archsim check: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let seeds = seed.map(|s| vec![s]);
            let entries: Vec<Entry> = sources
                .into_par_iter()
                .map(|source| {
                    // One design that cannot run never stops the others.
                    let graded =
                        std::panic::catch_unwind(|| grade_source(&source, own, seeds.clone())).unwrap_or_else(|_| {
                            Err("ArchSim failed on this design (a bug: please report it with the design)".to_owned())
                        });
                    Entry { source, graded }
                })
                .collect();
            let printed = if csv {
                std::io::stdout().write_all(
                    class::to_csv(&class::table(&entries.iter().map(Row::of).collect::<Vec<_>>())).as_bytes(),
                )
            } else {
                print_text(&entries)
            };
            if let Err(e) = printed {
                eprintln!("archsim check: cannot write the table: {e}");
                return ExitCode::FAILURE;
            }
            if entries.iter().all(|e| e.graded.as_ref().is_ok_and(|(_, v)| v.passes())) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Sweep { scenario, args } => capacity_curve(&scenario, args),
        Command::Run { scenario: path, seed, duration, warmup, reps } => {
            let mut scenario = match load(&path) {
                Ok(s) => s,
                Err(e) => return report_invalid(&path, &e),
            };
            let settings = &mut scenario.settings;
            settings.duration_s = duration.unwrap_or(settings.duration_s);
            settings.warmup_s = warmup.unwrap_or(settings.warmup_s);
            let first = seed.unwrap_or(settings.seed);
            let seeds = replications::seeds(first, reps.unwrap_or(1));
            let runs: Result<Vec<Report>, ValidationError> =
                seeds.par_iter().map(|&seed| simulate(&scenario, Some(seed))).collect();
            let reports = match runs {
                Ok(reports) => reports,
                Err(e) => return report_invalid(&path, &e),
            };
            let output = match reps {
                None => serde_json::to_value(&reports[0]),
                Some(_) => reports
                    .iter()
                    .map(serde_json::to_value)
                    .collect::<Result<Vec<_>, _>>()
                    .map(|values| replications::summarize(&values)),
            };
            match output.and_then(|v| serde_json::to_string_pretty(&v)) {
                // A closed pipe (`| head`) ends the output, not in a panic.
                Ok(json) => match writeln!(std::io::stdout(), "{json}") {
                    Ok(()) => report_stops(&path, &reports),
                    Err(_) => ExitCode::FAILURE,
                },
                Err(e) => {
                    eprintln!("archsim run: cannot write the report: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// `archsim sweep`: see [`Command::Sweep`].
fn capacity_curve(path: &Path, args: SweepArgs) -> ExitCode {
    let scenario = match load(path) {
        Ok(s) => s,
        Err(e) => return report_invalid(path, &e),
    };
    let node = args.node.or_else(|| sweep::first_pool(&scenario));
    let Some(node) = node else {
        eprintln!("{}: no service pool to measure: name a node with --node", path.display());
        return ExitCode::FAILURE;
    };
    let values = sweep::grid(&scenario, &args.param, args.from, args.to, args.steps);
    let designs =
        match values.iter().map(|&v| sweep::with_value(&scenario, &args.param, v)).collect::<Result<Vec<_>, _>>() {
            Ok(designs) => designs,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        };
    let first = args.seed.unwrap_or(scenario.settings.seed);
    let runs: Vec<(usize, u64)> = (0..designs.len())
        .flat_map(|i| replications::seeds(first, args.reps).into_iter().map(move |s| (i, s)))
        .collect();
    let reports =
        match runs.par_iter().map(|&(i, seed)| simulate(&designs[i], Some(seed))).collect::<Result<Vec<_>, _>>() {
            Ok(reports) => reports,
            Err(e) => return report_invalid(path, &e),
        };
    let points: Vec<Point> = values
        .iter()
        .zip(&designs)
        .zip(reports.chunks(args.reps as usize))
        .map(|((value, design), runs)| {
            let json: Vec<_> = runs.iter().filter_map(|r| serde_json::to_value(r).ok()).collect();
            Point::of(*value, design, &json, &node)
        })
        .collect();
    let points: Vec<&Point> = points.iter().collect();
    if let Err(e) = write!(std::io::stdout(), "{}", class::to_csv(&sweep::table(&points, &node))) {
        eprintln!("archsim sweep: cannot write the curve: {e}");
        return ExitCode::FAILURE;
    }
    for p in &points {
        if let Err(why) = &p.theory {
            eprintln!("closed form: {node} at {}: {why}", p.value);
        }
    }
    match sweep::knee(&points) {
        Some(v) => eprintln!("knee: p99 over twice its value at {} from {} = {v} on", args.from, args.param),
        None => eprintln!("knee: p99 stays under twice its value at {} over the range", args.from),
    }
    if sweep::is_rate(&args.param) {
        match sweep::saturation(&points) {
            Some(v) => eprintln!("saturation: throughput more than 5% short of the offered rate from {v} req/s on"),
            None => eprintln!("saturation: the throughput follows the offered rate over the range"),
        }
    }
    report_stops(path, &reports)
}

/// Names on stderr each run of `reports` that a run guard stopped early;
/// success only if none was.
fn report_stops(path: &Path, reports: &[Report]) -> ExitCode {
    let stops: Vec<_> = reports.iter().filter_map(|r| r.stopped.as_ref().map(|s| (r.seed, s))).collect();
    for (seed, stop) in &stops {
        eprintln!("{} (seed {seed}): the run {}", path.display(), stop.message);
    }
    if stops.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs `scenario` to its end with `seed` (default: the scenario's); its
/// report, with the wall time it took.
fn simulate(scenario: &Scenario, seed: Option<u64>) -> Result<Report, ValidationError> {
    let started = Instant::now();
    let mut sim = Simulation::new(scenario, seed.unwrap_or(scenario.settings.seed))?;
    sim.run_to_end();
    let mut report = sim.report();
    report.engine.wall_ms = started.elapsed().as_secs_f64() * 1e3;
    Ok(report)
}

/// Reads one source (a file or a share link) and grades it: the
/// participant's name and the verdict, or why it could not be read.
fn grade_source(source: &str, own: bool, seeds: Option<Vec<u64>>) -> Result<(String, ExerciseVerdict), String> {
    if source.contains('#') {
        return class::grade_link(source, own, seeds);
    }
    let design = load(Path::new(source)).map_err(|e| e.to_string())?;
    Ok(class::grade(&design, own, seeds))
}

/// Prints each design's verdict and each objective over the seeds; the
/// sources that could not be read go to stderr.
fn print_text(entries: &[Entry]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for e in entries {
        let name = class::short_source(&e.source);
        let (participant, v) = match &e.graded {
            Ok(g) => g,
            Err(e) => {
                eprintln!("{name}: {e}");
                continue;
            }
        };
        let who = if participant.is_empty() { String::new() } else { format!("{participant}, ") };
        let mode = v.exercise.map_or_else(|| "own objectives".to_owned(), |slug| format!("exercise {slug}"));
        writeln!(out, "{name} ({who}{mode}): {}", v.summary())?;
        for change in &v.changes {
            writeln!(out, "  changed (not graded): {change}")?;
        }
        for o in v.by_objective() {
            let mark = if o.passes() { "pass" } else { "FAIL" };
            writeln!(out, "  {mark}  {}  ({} of {} seeds; worst: {})", o.objective, o.passed, o.seeds, o.detail)?;
        }
    }
    out.flush()
}

/// The sources to check: the arguments, with `-` replaced by the lines of
/// stdin, then the lines of the `--list` file (`-`: stdin).
fn sources(arguments: Vec<String>, list: Option<PathBuf>) -> Result<Vec<String>, String> {
    let read = |path: &Path| -> Result<String, String> {
        if path == Path::new("-") {
            std::io::read_to_string(std::io::stdin()).map_err(|e| format!("cannot read stdin: {e}"))
        } else {
            std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        }
    };
    let mut out = Vec::new();
    for a in arguments {
        if a == "-" {
            out.extend(class::sources_in(&read(Path::new("-"))?));
        } else {
            out.push(a);
        }
    }
    if let Some(path) = list {
        out.extend(class::sources_in(&read(&path)?));
    }
    Ok(out)
}

/// Reads, parses and validates a scenario file.
fn load(path: &Path) -> Result<Scenario, ValidationError> {
    let text = std::fs::read_to_string(path).map_err(|e| ValidationError::Syntax(format!("cannot read: {e}")))?;
    share::from_file(&text).map_err(|e| match e {
        share::ShareError::Scenario(e) => e,
        other => ValidationError::Syntax(other.to_string()),
    })
}

/// Prints every problem to stderr, one per line; exit code 1.
fn report_invalid(path: &Path, error: &ValidationError) -> ExitCode {
    match error {
        ValidationError::Invalid(problems) => {
            for p in problems {
                eprintln!("{}: {}", path.display(), p);
            }
        }
        other => eprintln!("{}: {other}", path.display()),
    }
    ExitCode::FAILURE
}
