//! `prefplay`: the command line on prefplay-core.

mod convert;
mod eval;
mod fit;
mod input;
mod loss;
mod simulate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// See the note on `mimalloc` in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// prefplay — preference learning on the command line (same maths as the web page).
#[derive(Debug, Parser)]
#[command(name = "prefplay", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fit a model (Bradley–Terry by default) and print the leaderboard.
    Fit(fit::FitArgs),
    /// Fit on part of the votes and score predictions on the rest.
    Eval(eval::EvalArgs),
    /// Write seeded synthetic votes (pairs CSV) to standard output.
    Simulate(simulate::SimulateArgs),
    /// Convert between file formats.
    Convert(convert::ConvertArgs),
    /// A preference loss (DPO, IPO, KTO, …) and its gradients for each row of a CSV.
    Loss(loss::LossArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Fit(args) => fit::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::Loss(args) => loss::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("prefplay: {e:#}");
            ExitCode::FAILURE
        }
    }
}
