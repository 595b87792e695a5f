//! `prefplay simulate`: seeded synthetic votes as a pairs CSV on stdout.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use prefplay_core::data::formats::{Format, write_table};
use prefplay_core::data::simulate::{PairPolicy, SimulationSettings, simulate};

/// `--policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PolicyArg {
    /// Uniformly random pairs.
    Random,
    /// Least-compared pair first.
    Balanced,
}

/// Arguments of `prefplay simulate` (defaults in the core's
/// `SimulationSettings`).
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Number of items.
    #[arg(long, default_value_t = 12)]
    pub items: usize,
    /// Number of votes.
    #[arg(long, default_value_t = 1000)]
    pub votes: usize,
    /// Number of raters.
    #[arg(long, default_value_t = 10)]
    pub raters: usize,
    /// Taste groups among the raters.
    #[arg(long, default_value_t = 1)]
    pub groups: usize,
    /// Standard deviation of the hidden utilities.
    #[arg(long, default_value_t = 1.0)]
    pub utility_sd: f64,
    /// Standard deviation of each group's deviation per item.
    #[arg(long, default_value_t = 0.5)]
    pub group_spread: f64,
    /// Noise temperature (larger: noisier votes).
    #[arg(long, default_value_t = 1.0)]
    pub temperature: f64,
    /// Probability that two evenly matched items tie.
    #[arg(long, default_value_t = 0.0)]
    pub tie_rate: f64,
    /// Log-odds bonus of the item shown first.
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub position_bias: f64,
    /// Share of raters who vote at random.
    #[arg(long, default_value_t = 0.0)]
    pub random_raters: f64,
    /// Share of raters who vote against their preference.
    #[arg(long, default_value_t = 0.0)]
    pub adversarial_raters: f64,
    /// Pair selection policy.
    #[arg(long, value_enum, default_value_t = PolicyArg::Random)]
    pub policy: PolicyArg,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Also write the true utilities as CSV `item,utility` to this file.
    #[arg(long)]
    pub truth: Option<PathBuf>,
}

/// Runs `prefplay simulate`.
pub fn run(args: &SimulateArgs) -> Result<()> {
    let settings = SimulationSettings {
        items: args.items,
        votes: args.votes,
        raters: args.raters,
        groups: args.groups,
        utility_sd: args.utility_sd,
        group_spread: args.group_spread,
        temperature: args.temperature,
        tie_rate: args.tie_rate,
        position_bias: args.position_bias,
        random_raters: args.random_raters,
        adversarial_raters: args.adversarial_raters,
        policy: match args.policy {
            PolicyArg::Random => PairPolicy::Random,
            PolicyArg::Balanced => PairPolicy::Balanced,
        },
        seed: args.seed,
    };
    let sim = simulate(&settings)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_table(&sim.table, Format::Pairs, &mut out)?;
    out.flush()?;
    if let Some(path) = &args.truth {
        let mut text = String::from("item,utility\n");
        for (label, u) in sim.table.items().iter().zip(&sim.utilities) {
            text.push_str(&format!("{label},{u}\n"));
        }
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
