//! `prefplay loss FILE --type T`: every row's preference loss and its
//! gradients with respect to the policy log-probabilities.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use prefplay_core::labs::loss::{LossKind, LossParams, evaluate, read_loss_rows};

/// Arguments of `prefplay loss`.
#[derive(Debug, Args)]
#[command(
    after_help = "FILE is a CSV with policy_chosen_logp, policy_rejected_logp, \
ref_chosen_logp, ref_rejected_logp (summed log-probabilities of each response), optional \
chosen_len, rejected_len (tokens; used by simpo, cpo, orpo and --wpo) and label (kto: 1 \
desirable, 0 undesirable; dro: the reward; the row's single response is in the chosen \
columns). kto and dro read a row without a label as a pair: chosen desirable (reward 1), \
rejected undesirable (reward 0).\n\nTypes: sigmoid (DPO; cDPO with --label-smoothing), robust \
(rDPO), exo_pair, hinge (SLiC), ipo, bco_pair, sppo_hard, nca_pair, aot, aot_pair, apo_zero, \
apo_down, discopop, simpo, cpo, orpo, kto, dro, bt (the reward-model loss: the policy columns \
are reward scores).\n\n--json prints {\"type\", \"params\", \"rows\": [{\"loss\", \
\"grad_chosen\", \"grad_rejected\"}, …], \"mean\"}; grad_chosen and grad_rejected are the \
derivatives of the batch's summed loss with respect to the row's policy_chosen_logp and \
policy_rejected_logp."
)]
pub struct LossArgs {
    /// The CSV of log-probabilities.
    pub file: PathBuf,
    /// The loss (TRL's loss_type names; see below).
    #[arg(long = "type", value_name = "T")]
    pub kind: String,
    /// β > 0, the implicit reward's inverse temperature (ORPO's λ).
    #[arg(long, default_value_t = 0.1)]
    pub beta: f64,
    /// Label smoothing ε in [0, 0.5) (sigmoid = cDPO, robust, exo_pair, aot, simpo, cpo).
    #[arg(long, default_value_t = 0.0)]
    pub label_smoothing: f64,
    /// SimPO's target margin γ ≥ 0.
    #[arg(long, default_value_t = 0.5)]
    pub gamma: f64,
    /// DiscoPOP's temperature τ > 0.
    #[arg(long, default_value_t = 0.05)]
    pub tau: f64,
    /// CPO's weight α ≥ 0 on the chosen response's NLL.
    #[arg(long, default_value_t = 1.0)]
    pub cpo_alpha: f64,
    /// KTO's weight λ_D on desirable responses.
    #[arg(long, default_value_t = 1.0)]
    pub desirable_weight: f64,
    /// KTO's weight λ_U on undesirable responses.
    #[arg(long, default_value_t = 1.0)]
    pub undesirable_weight: f64,
    /// WPO: weight each pair by exp(c/|y_w| + r/|y_l|), detached.
    #[arg(long)]
    pub wpo: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `prefplay loss`.
pub fn run(args: &LossArgs) -> Result<()> {
    let kind = LossKind::parse(&args.kind)?;
    let params = LossParams {
        beta: args.beta,
        label_smoothing: args.label_smoothing,
        gamma: args.gamma,
        tau: args.tau,
        cpo_alpha: args.cpo_alpha,
        desirable_weight: args.desirable_weight,
        undesirable_weight: args.undesirable_weight,
        wpo: args.wpo,
    };
    params.check_for(kind)?;
    let name = args.file.display().to_string();
    let file = File::open(&args.file).with_context(|| format!("opening {name}"))?;
    let rows = read_loss_rows(kind, BufReader::new(file), &name)?;
    let batch = evaluate(kind, &params, &rows)?;
    if args.json {
        let out = serde_json::json!({
            "type": kind.name(),
            "params": params,
            "rows": batch.rows,
            "mean": batch.mean,
        });
        println!("{out}");
        return Ok(());
    }
    println!(
        "{:>6}  {:>14}  {:>14}  {:>14}",
        "row", "loss", "grad_chosen", "grad_rejected"
    );
    for (i, r) in batch.rows.iter().enumerate() {
        println!(
            "{:>6}  {:>14.6}  {:>14.6}  {:>14.6}",
            i + 1,
            r.loss,
            r.grad_chosen,
            r.grad_rejected
        );
    }
    println!(
        "{} loss over {} rows: mean {:.6}",
        kind.name(),
        batch.rows.len(),
        batch.mean
    );
    Ok(())
}
