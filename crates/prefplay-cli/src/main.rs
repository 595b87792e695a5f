//! `prefplay`: the command line on prefplay-core.

mod fit;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// prefplay — preference learning on the command line (same maths as the web page).
#[derive(Debug, Parser)]
#[command(name = "prefplay", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fit Bradley–Terry to a pairs CSV and print the leaderboard.
    Fit(fit::FitArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Fit(args) => fit::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("prefplay: {e:#}");
            ExitCode::FAILURE
        }
    }
}
