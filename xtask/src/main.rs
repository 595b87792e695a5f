//! `cargo xtask`: set-up and workflows for prefplay.
//!
//! - `cargo xtask serve [--port 8080]`: installs what is missing, builds the
//!   release site and serves it on http://127.0.0.1:PORT.
//! - `cargo xtask test`: installs what is missing (test packages included)
//!   and runs every check; prints `N passed, N failed` last.
//! - `cargo xtask bench`: prefplay's fits, bootstrap and parsing against
//!   evalica, choix and arena-rank on the same files, then the GPU bench.
//! - `cargo xtask fuzz [--seconds 600] [TARGET…]`: fuzzes every file reader.

mod bench;
mod csp;
mod fuzz;
mod setup;
mod steps;
mod test;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "prefplay's set-up and workflows")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Install what is missing, build the release site and serve it on 127.0.0.1.
    Serve {
        /// Port to listen on.
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Install what is missing and run every check: fmt, clippy (native and
    /// wasm32), native tests (GPU on Vulkan), browser tests (headless
    /// Chromium, WebGPU on SwiftShader) and end-to-end tests.
    Test,
    /// Fuzz the file readers with cargo-fuzz (installed if missing).
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 600)]
        seconds: u64,
        /// Targets to run (default: all).
        targets: Vec<String>,
    },
    /// Install the build and test tools only.
    Setup,
    /// Replace 'unsafe-inline' in the built page's script-src with the
    /// hashes of its inline scripts (Trunk's post-build hook).
    Csp {
        /// The built site (default: $TRUNK_STAGING_DIR).
        dir: Option<std::path::PathBuf>,
    },
    /// Run the benchmarks: prefplay against evalica, choix and arena-rank
    /// (installed from PyPI into target/bench-venv), then the GPU bench.
    Bench,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let root = setup::workspace_root()?;
    std::env::set_current_dir(&root)?;
    match cli.command {
        Command::Serve { port } => {
            setup::ensure_build_tools()?;
            steps::run_plain(
                "trunk",
                &[
                    "serve",
                    "--release",
                    "--address",
                    "127.0.0.1",
                    "--port",
                    &port.to_string(),
                ],
            )
        }
        Command::Test => test::run(),
        Command::Bench => bench::run(&root),
        Command::Fuzz { seconds, targets } => fuzz::run(&root, seconds, &targets),
        Command::Csp { dir } => {
            let dir = dir
                .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(Into::into))
                .ok_or_else(|| anyhow::anyhow!("give the site's folder, or run as a Trunk hook"))?;
            csp::run(&dir)
        }
        Command::Setup => {
            setup::ensure_build_tools()?;
            setup::ensure_test_packages()
        }
    }
}
