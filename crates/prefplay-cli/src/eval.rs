//! `prefplay eval`: held-out log-loss, accuracy and Brier score; Kendall τ
//! and score error against a truth file from `prefplay simulate --truth`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use prefplay_core::evaluation::{SplitBy, centred_rmse, evaluate, kendall_tau, split_holdout};
use prefplay_core::pairwise::{DEFAULT_L2, Link, PairwiseModel, PairwiseSettings};
use serde_json::json;

use crate::fit::{ModelArg, TiesArg};
use crate::input::{FormatArg, load};

/// Arguments of `prefplay eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The preference file.
    pub file: PathBuf,
    /// File format; auto guesses.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// The model (bt or thurstone).
    #[arg(long, value_enum, default_value_t = ModelArg::Bt)]
    pub model: ModelArg,
    /// How ties count.
    #[arg(long, value_enum, default_value_t = TiesArg::Half)]
    pub ties: TiesArg,
    /// Estimate an order effect.
    #[arg(long)]
    pub order_effect: bool,
    /// Prior strength.
    #[arg(long, default_value_t = DEFAULT_L2)]
    pub l2: f64,
    /// Share of votes held out for testing.
    #[arg(long, default_value_t = 0.2)]
    pub holdout: f64,
    /// Seed of the split.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Hold out whole raters instead of single votes; names the rater
    /// column (`rater` in pairs CSV, `judge` in Arena, `worker` in crowd-kit).
    #[arg(long)]
    pub rater_column: Option<String>,
    /// CSV `item,utility` with the true utilities (from `simulate --truth`).
    #[arg(long)]
    pub truth: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `prefplay eval`.
pub fn run(args: &EvalArgs) -> Result<()> {
    let link = match args.model {
        ModelArg::Bt => Link::Logit,
        ModelArg::Thurstone => Link::Probit,
        other => bail!("eval supports --model bt and thurstone, not {other:?}"),
    };
    let (table, _) = load(&args.file, args.format, None)?;
    let by = match &args.rater_column {
        Some(col) => {
            if table.raters().is_empty() {
                bail!(
                    "--rater-column {col}: {} names no raters",
                    args.file.display()
                );
            }
            SplitBy::Rater
        }
        None => SplitBy::Vote,
    };
    let (train, test) = split_holdout(&table, args.holdout, args.seed, by)?;
    let settings = PairwiseSettings {
        link,
        ties: args.ties.model(),
        order_effect: args.order_effect,
        l2: args.l2,
        ..PairwiseSettings::default()
    };
    let mut model = PairwiseModel::new(&train, settings)?;
    let fit = model.fit(None);
    let metrics = evaluate(&model, &fit, &test);
    let mut report = json!({
        "log_loss": metrics.log_loss,
        "accuracy": metrics.accuracy,
        "brier": metrics.brier,
        "n_test": metrics.n_test,
        "n_train": train.n_votes(),
        "calibration": metrics.calibration.iter().map(|b| json!({"predicted": b.predicted, "observed": b.observed, "votes": b.votes})).collect::<Vec<_>>(),
        "warnings": model.warnings(),
    });
    if let Some(path) = &args.truth {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut truth = vec![f64::NAN; table.items().len()];
        for (k, line) in text.lines().enumerate().skip(1) {
            let (name, value) = line.rsplit_once(',').with_context(|| {
                format!("{}, line {}: expected item,utility", path.display(), k + 1)
            })?;
            let v: f64 = value.trim().parse().with_context(|| {
                format!(
                    "{}, line {}, field `utility`: not a number",
                    path.display(),
                    k + 1
                )
            })?;
            if let Some(i) = table.find_item(name.trim().trim_matches('"')) {
                truth[i] = v;
            }
        }
        if truth.iter().any(|t| t.is_nan()) {
            bail!(
                "{}: some items of {} have no utility",
                path.display(),
                args.file.display()
            );
        }
        report["kendall_tau"] = json!(kendall_tau(&fit.scores, &truth));
        report["score_rmse"] = json!(centred_rmse(&fit.scores, &truth));
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "held out {} votes (trained on {}): log-loss {:.4}, accuracy {:.4}, Brier {:.4}",
            metrics.n_test,
            train.n_votes(),
            metrics.log_loss,
            metrics.accuracy,
            metrics.brier
        );
        if let (Some(t), Some(e)) = (
            report["kendall_tau"].as_f64(),
            report["score_rmse"].as_f64(),
        ) {
            println!("against the truth: Kendall τ {t:.4}, score RMSE {e:.4}");
        }
    }
    Ok(())
}
