//! `archsim`: the headless ArchSim runner.
//!
//! `archsim run SCENARIO.json` simulates a scenario and prints the JSON report
//! the web app shows; `archsim validate` lists every problem of a scenario;
//! `archsim schema` prints the JSON Schema of the scenario format;
//! `archsim link` prints a scenario's share link; `archsim check` runs
//! scenarios (files or share links) and grades their objectives.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use archsim::model::{Scenario, ValidationError};
use archsim::share;
use archsim::sim::grade::{grade, Status};
use archsim::sim::{Report, Simulation};
use clap::{Parser, Subcommand};

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
    /// Run scenarios and grade their objectives: print each with its
    /// measured value; exit 0 only if every objective of every scenario
    /// passes.
    Check {
        /// Scenario files (JSON) or share links (`…#s=…`), e.g. one per
        /// workshop participant; `-` reads more from stdin, one per line (a
        /// link can be longer than a shell allows an argument to be).
        #[arg(required_unless_present = "list")]
        scenarios: Vec<String>,
        /// A text file of more files or links, one per line (`-`: stdin);
        /// blank lines and lines starting with `#` are skipped.
        #[arg(long)]
        list: Option<PathBuf>,
        /// Seed of the random streams (default: each scenario's).
        #[arg(long)]
        seed: Option<u64>,
    },
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
        Command::Check { scenarios, list, seed } => {
            let sources = match sources(scenarios, list) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("archsim check: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let mut all_pass = true;
            for source in &sources {
                // One design that cannot run never stops the others.
                let graded = std::panic::catch_unwind(|| check(source, seed));
                all_pass &= graded.unwrap_or_else(|_| {
                    eprintln!(
                        "{}: ArchSim failed on this design (a bug: please report it with the design)",
                        name(source)
                    );
                    false
                });
            }
            if all_pass {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Run { scenario: path, seed, duration, warmup } => {
            let mut scenario = match load(&path) {
                Ok(s) => s,
                Err(e) => return report_invalid(&path, &e),
            };
            let settings = &mut scenario.settings;
            settings.duration_s = duration.unwrap_or(settings.duration_s);
            settings.warmup_s = warmup.unwrap_or(settings.warmup_s);
            let report = match simulate(&scenario, seed) {
                Ok((_, report)) => report,
                Err(e) => return report_invalid(&path, &e),
            };
            match serde_json::to_string_pretty(&report) {
                Ok(json) => {
                    println!("{json}");
                    match &report.stopped {
                        None => ExitCode::SUCCESS,
                        Some(stop) => {
                            eprintln!("{}: the run {}", path.display(), stop.message);
                            ExitCode::FAILURE
                        }
                    }
                }
                Err(e) => {
                    eprintln!("archsim run: cannot write the report: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Runs `scenario` to its end with `seed` (default: the scenario's); the
/// finished simulation and its report, with the wall time it took.
fn simulate(scenario: &Scenario, seed: Option<u64>) -> Result<(Simulation, Report), ValidationError> {
    let started = Instant::now();
    let mut sim = Simulation::new(scenario, seed.unwrap_or(scenario.settings.seed))?;
    sim.run_to_end();
    let mut report = sim.report();
    report.engine.wall_ms = started.elapsed().as_secs_f64() * 1e3;
    Ok((sim, report))
}

/// Grades one scenario (a file or a share link) and prints each objective
/// on its own line; whether every objective passed.
fn check(source: &str, seed: Option<u64>) -> bool {
    let loaded = if source.contains("#s=") {
        share::from_link(source).map_err(|e| e.to_string())
    } else {
        load(Path::new(source)).map_err(|e| e.to_string())
    };
    let verdicts = loaded.and_then(|s| {
        let (sim, _) = simulate(&s, seed).map_err(|e| e.to_string())?;
        Ok(grade(&sim))
    });
    let name = name(source);
    match verdicts {
        Err(e) => {
            eprintln!("{name}: {e}");
            false
        }
        Ok(v) if v.is_empty() => {
            eprintln!("{name}: the scenario has no objectives to check");
            false
        }
        Ok(verdicts) => {
            let passed = verdicts.iter().filter(|v| v.status == Status::Pass).count();
            println!("{name}: {passed} of {} objectives met", verdicts.len());
            for v in &verdicts {
                let mark = if v.status == Status::Pass { "pass" } else { "FAIL" };
                println!("  {mark}  {}  ({})", v.objective, v.detail);
            }
            passed == verdicts.len()
        }
    }
}

/// How a source is named in messages: a link is long, its first 60
/// characters name it.
fn name(source: &str) -> String {
    let mut name: String = source.chars().take(60).collect();
    if name.len() < source.len() {
        name.push('…');
    }
    name
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
    let lines = |text: String| -> Vec<String> {
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
    };
    let mut out = Vec::new();
    for a in arguments {
        if a == "-" {
            out.extend(lines(read(Path::new("-"))?));
        } else {
            out.push(a);
        }
    }
    if let Some(path) = list {
        out.extend(lines(read(&path)?));
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
