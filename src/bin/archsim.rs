//! `archsim`: the headless ArchSim runner.
//!
//! `archsim run SCENARIO.json` simulates a scenario and prints the JSON report
//! the web app shows; `archsim validate` lists every problem of a scenario;
//! `archsim schema` prints the JSON Schema of the scenario format.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use archsim::model::{Scenario, ValidationError};
use archsim::sim::Simulation;
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
    /// Check a scenario; print every problem (JSON path and reason) and exit 1 if any.
    Validate {
        /// Scenario file (JSON).
        scenario: PathBuf,
    },
    /// Print the JSON Schema of the scenario format.
    Schema,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Schema => {
            println!("{}", Scenario::json_schema());
            ExitCode::SUCCESS
        }
        Command::Validate { scenario } => match load(&scenario) {
            Ok(_) => {
                println!("{}: valid", scenario.display());
                ExitCode::SUCCESS
            }
            Err(e) => report_invalid(&scenario, &e),
        },
        Command::Run { scenario: path, seed, duration, warmup } => {
            let mut scenario = match load(&path) {
                Ok(s) => s,
                Err(e) => return report_invalid(&path, &e),
            };
            let settings = &mut scenario.settings;
            settings.duration_s = duration.unwrap_or(settings.duration_s);
            settings.warmup_s = warmup.unwrap_or(settings.warmup_s);
            let seed = seed.unwrap_or(settings.seed);
            let started = Instant::now();
            let mut sim = match Simulation::new(&scenario, seed) {
                Ok(sim) => sim,
                Err(e) => return report_invalid(&path, &e),
            };
            sim.run_to_end();
            let mut report = sim.report();
            report.engine.wall_ms = started.elapsed().as_secs_f64() * 1e3;
            match serde_json::to_string_pretty(&report) {
                Ok(json) => {
                    println!("{json}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("archsim run: cannot write the report: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Reads, parses and validates a scenario file.
fn load(path: &Path) -> Result<Scenario, ValidationError> {
    let text = std::fs::read_to_string(path).map_err(|e| ValidationError::Syntax(format!("cannot read: {e}")))?;
    let scenario = Scenario::from_json(&text)?;
    scenario.validate()?;
    Ok(scenario)
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
