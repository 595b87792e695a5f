//! The arguments of `prefplay fit`, with their defaults.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use prefplay_core::models::elo::EloSettings;
use prefplay_core::models::pairwise::{DEFAULT_L2, TieModel};

use crate::input::FormatArg;

/// `--model`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// Bradley–Terry (logit link).
    Bt,
    /// Thurstone–Mosteller (probit link).
    Thurstone,
    /// Plackett–Luce (rankings and best-of-k; on pairs it is BT without ties).
    PlackettLuce,
    /// Online Elo in file order (K = 4, Arena's baseline).
    Elo,
    /// Rank Centrality (spectral; pseudo-count 1).
    RankCentrality,
}

/// `--ties`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TiesArg {
    /// A tie is half a win for each side (Arena's convention).
    Half,
    /// Davidson (1970): tie parameter ν.
    Davidson,
    /// Rao & Kupper (1967): tie parameter θ ≥ 1.
    RaoKupper,
    /// Leave ties out.
    Drop,
}

impl TiesArg {
    /// The core's tie model.
    pub fn model(self) -> TieModel {
        match self {
            TiesArg::Half => TieModel::Half,
            TiesArg::Drop => TieModel::Drop,
            TiesArg::Davidson => TieModel::Davidson,
            TiesArg::RaoKupper => TieModel::RaoKupper,
        }
    }
}

/// `--ci`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiArg {
    /// No standard errors or intervals.
    None,
    /// Inverse observed information (prior included).
    Fisher,
    /// Robust sandwich.
    Sandwich,
    /// Percentile bootstrap: each vote counted a Poisson(1) number of
    /// times (rankings redrawn for Plackett–Luce); the same replicates on
    /// the CPU and the GPU for a given --seed.
    Bootstrap,
}

/// `--scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScaleArg {
    /// Log-strengths (natural log-odds).
    Logit,
    /// Elo points: 1000 + 400·score/ln 10.
    Elo,
}

/// `--engine`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// The GPU for pairwise work (cells × bootstrap replicates) above the
    /// crossover on a hardware adapter, else the CPU: software
    /// adapters were measured slower at every size (see
    /// prefplay_gpu::engine::choice).
    Auto,
    /// The exact f64 CPU path.
    Cpu,
    /// The GPU for every pairwise model (bt or thurstone, any --ties,
    /// --order-effect, --reference, f_ features; the bootstrap's replicates
    /// on the GPU for plain Bradley–Terry with a prior); falls back to the
    /// CPU with a warning when no adapter is found.
    Gpu,
}

/// Arguments of `prefplay fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// The preference file (see --format).
    pub file: PathBuf,
    /// File format; auto guesses from the header or first JSON record.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// Deck file (one label per line): items listed first, in that order,
    /// even without votes.
    #[arg(long)]
    pub items: Option<PathBuf>,
    /// The model.
    #[arg(long, value_enum, default_value_t = ModelArg::Bt)]
    pub model: ModelArg,
    /// How ties count (bt and thurstone; davidson and rao-kupper need bt).
    #[arg(long, value_enum, default_value_t = TiesArg::Half)]
    pub ties: TiesArg,
    /// Estimate an order effect for the side with the advantage (the
    /// `advantage` column; default the item listed first).
    #[arg(long)]
    pub order_effect: bool,
    /// Prior strength λ of N(0, 1/λ) on each score; 0 is plain maximum
    /// likelihood (as R's BradleyTerry2).
    #[arg(long, default_value_t = DEFAULT_L2)]
    pub l2: f64,
    /// Report scores as contrasts to this item (its score is 0).
    #[arg(long)]
    pub reference: Option<String>,
    /// Elo's step size K (rating points per unit of surprise; votes are
    /// replayed in file order, as in Arena's online baseline).
    #[arg(long, default_value_t = EloSettings::default().k)]
    pub elo_k: f64,
    /// Standard errors and intervals.
    #[arg(long, value_enum, default_value_t = CiArg::Fisher)]
    pub ci: CiArg,
    /// Bootstrap replicates (with --ci bootstrap).
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: u32,
    /// Interval level.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Seed for the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Score scale of the output.
    #[arg(long, value_enum, default_value_t = ScaleArg::Logit)]
    pub scale: ScaleArg,
    /// Compute engine.
    #[arg(long, value_enum, default_value_t = EngineArg::Auto)]
    pub engine: EngineArg,
    /// Add quasi-standard errors (Firth & de Menezes 2004) to each item:
    /// √qᵢ with var(sᵢ − sⱼ) ≈ qᵢ + qⱼ (bt and thurstone, with fisher or
    /// sandwich errors).
    #[arg(long)]
    pub quasi: bool,
    /// Estimate each rater's reliability and position bias (EM, Crowd-BT
    /// style; Bradley–Terry only) and weight their votes by it; flags
    /// raters who answer by preference less often than not.
    #[arg(long)]
    pub raters: bool,
    /// Print one JSON object (schema in the README) instead of a table.
    #[arg(long)]
    pub json: bool,
}
