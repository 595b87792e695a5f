//! `prefplay eval`: held-out log-loss, accuracy and Brier score; Kendall τ
//! and score error against a truth file from `prefplay simulate --truth`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use prefplay_core::data::table::PairTable;
use prefplay_core::inference::evaluation::{
    SplitBy, centred_rmse, evaluate, kendall_tau, split_holdout,
};
use prefplay_core::models::pairwise::{DEFAULT_L2, Link, PairwiseModel, PairwiseSettings};
use prefplay_core::models::personal::{self, PersonalKind, PersonalSettings, RaterVotes};
use serde_json::json;

use crate::fit::TiesArg;
use crate::input::{FormatArg, load};

/// `eval --model`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalModel {
    /// Bradley–Terry (logit link), pooled.
    Bt,
    /// Thurstone–Mosteller (probit link), pooled.
    Thurstone,
    /// Per-rater BT shrunk to the population (λ chosen inside the training data).
    PersonalShrinkage,
    /// Population plus a rank-K rater basis (K chosen inside the training data).
    PersonalLowrank,
    /// K groups of raters by EM (K chosen inside the training data).
    Mixture,
    /// Skew-symmetric preference embeddings (can fit cycles).
    Gpm,
    /// PAL-style ideal points: voters as mixes of K prototypes (K chosen
    /// inside the training data).
    IdealPoints,
}

/// `eval --split`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SplitArg {
    /// Each vote held out with probability --holdout (default without --rater-column).
    Vote,
    /// Whole raters held out with probability --holdout.
    Rater,
    /// A --holdout share of each rater's votes (default with --rater-column).
    WithinRater,
}

/// Arguments of `prefplay eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The preference file.
    pub file: PathBuf,
    /// File format; auto guesses.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
    /// The model: pooled (bt, thurstone) or personalized (the rest; they
    /// need --rater-column).
    #[arg(long, value_enum, default_value_t = EvalModel::Bt)]
    pub model: EvalModel,
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
    /// The rater column (`rater` in pairs CSV, `judge` in Arena, `worker`
    /// in crowd-kit): the split then holds out a share of each rater's
    /// votes, and personalized models fit one rater each.
    #[arg(long)]
    pub rater_column: Option<String>,
    /// How votes are held out; default `within-rater` with --rater-column,
    /// else `vote`.
    #[arg(long, value_enum)]
    pub split: Option<SplitArg>,
    /// CSV `item,utility` with the true utilities (from `simulate --truth`).
    #[arg(long)]
    pub truth: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `prefplay eval`.
pub fn run(args: &EvalArgs) -> Result<()> {
    let (table, _) = load(&args.file, args.format, None)?;
    if let Some(col) = &args.rater_column
        && table.raters().is_empty()
    {
        bail!(
            "--rater-column {col}: {} names no raters",
            args.file.display()
        );
    }
    let by = match (args.split, &args.rater_column) {
        (Some(SplitArg::Vote), _) | (None, None) => SplitBy::Vote,
        (Some(SplitArg::Rater), _) => SplitBy::Rater,
        (Some(SplitArg::WithinRater), _) | (None, Some(_)) => SplitBy::WithinRater,
    };
    let (train, test) = split_holdout(&table, args.holdout, args.seed, by)?;
    let link = match args.model {
        EvalModel::Bt => Link::Logit,
        EvalModel::Thurstone => Link::Probit,
        EvalModel::PersonalShrinkage => {
            return personal(args, PersonalKind::Shrinkage, &train, &test);
        }
        EvalModel::PersonalLowrank => return personal(args, PersonalKind::LowRank, &train, &test),
        EvalModel::Mixture => return personal(args, PersonalKind::Mixture, &train, &test),
        EvalModel::Gpm => return personal(args, PersonalKind::Gpm, &train, &test),
        EvalModel::IdealPoints => return personal(args, PersonalKind::IdealPoints, &train, &test),
    };
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

/// `eval` of a personalized model: fitted on the training votes (its λ or K
/// chosen by a split inside them), scored on the held-out votes.
fn personal(
    args: &EvalArgs,
    kind: PersonalKind,
    train: &PairTable,
    test: &PairTable,
) -> Result<()> {
    if args.rater_column.is_none() {
        bail!(
            "--model {}: name the rater column with --rater-column",
            kind.name()
        );
    }
    if args.truth.is_some() {
        bail!(
            "--truth compares one score per item; {} has one per rater",
            kind.name()
        );
    }
    let name = args.file.display().to_string();
    let train = RaterVotes::from_table(train, &name)?;
    let test = RaterVotes::from_table(test, &name)?;
    let settings = PersonalSettings {
        seed: args.seed,
        ..PersonalSettings::default()
    };
    let started = std::time::Instant::now();
    let fitted = personal::fit(kind, &train, &settings)?;
    let train_ms = started.elapsed().as_secs_f64() * 1e3;
    let m = personal::metrics(&fitted, &test);
    let report = json!({
        "model": kind.name(),
        "log_loss": m.log_loss,
        "accuracy": m.accuracy,
        "brier": m.brier,
        "n_test": m.n_test,
        "n_train": train.votes.len(),
        "chosen": fitted.chosen(),
        "train_ms": train_ms,
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!(
            "{}: held out {} votes (trained on {} in {train_ms:.0} ms{}): log-loss {:.4}, accuracy {:.4}, Brier {:.4}",
            kind.name(),
            m.n_test,
            train.votes.len(),
            fitted.chosen().map_or(String::new(), |c| format!(", {c}")),
            m.log_loss,
            m.accuracy,
            m.brier
        );
    }
    Ok(())
}
