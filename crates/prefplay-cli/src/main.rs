//! `prefplay`: the command line on prefplay-core.

mod calibrate;
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
    /// Time this machine's GPU against its CPU for each kind of work and
    /// cache the result, which `fit --engine auto` then follows.
    Calibrate(calibrate::CalibrateArgs),
}

fn main() -> ExitCode {
    quiet_vulkan_device_select();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Fit(args) => fit::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::Loss(args) => loss::run(&args),
        Command::Calibrate(args) => calibrate::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("prefplay: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Mesa's Vulkan `device_select` layer asks the display server to order
/// the adapters and, with none (a server, CI, a terminal over SSH), prints
/// "error: XDG_RUNTIME_DIR is invalid or not set in the environment."
/// twice whenever `--engine auto` probes the GPU, on a run that then
/// succeeds. The command line is not a display client, so it turns the
/// layer off (Mesa reads `NODEVICE_SELECT`) unless the user set it;
/// wgpu still picks the high-performance adapter itself.
#[allow(unsafe_code)]
fn quiet_vulkan_device_select() {
    if std::env::var_os("NODEVICE_SELECT").is_none() {
        // SAFETY: the first thing `main` does, before any thread exists,
        // so nothing reads the environment while it changes.
        unsafe { std::env::set_var("NODEVICE_SELECT", "1") };
    }
}
