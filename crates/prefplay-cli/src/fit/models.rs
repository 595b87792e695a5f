//! One function per model: fit it on the CPU and gather its [`Outcomes`].

use std::time::Instant;

use anyhow::{Result, bail};
use prefplay_core::data::rankings::RankingTable;
use prefplay_core::data::table::PairTable;
use prefplay_core::models::elo::{EloSettings, elo_ratings};
use prefplay_core::models::pairwise::raters::{bootstrap_with_raters, fit_with_raters};
use prefplay_core::models::pairwise::uncertainty::{Method, Uncertainty};
use prefplay_core::models::pairwise::{Link, PairwiseModel, PairwiseSettings};
use prefplay_core::models::plackett_luce::{PlSettings, PlackettLuce};
use prefplay_core::models::rank_centrality::{RankCentralitySettings, rank_centrality};
use serde_json::{Value, json};

use super::gpu::EngineSource;
use super::{CiArg, ELO_PER_LOGIT, FitArgs, ModelArg, Outcomes};

/// Where a fit ran.
#[derive(Debug, Default)]
pub(super) struct Ran {
    /// "GPU: <adapter>" when the GPU fitted it.
    pub adapter: Option<String>,
    /// How `--engine auto` chose, when it chose by a calibration.
    pub choice: Option<String>,
}

/// A pairwise fit (`--model bt|thurstone`), on the engine `source` gives
/// ([`super::gpu`]), and where it ran.
pub(super) fn pairwise(
    args: &FitArgs,
    table: &PairTable,
    source: &EngineSource,
) -> Result<(Outcomes, Ran)> {
    let reference = match &args.reference {
        Some(name) => Some(table.find_item(name).ok_or_else(|| {
            anyhow::anyhow!(
                "--reference {name}: no such item in {}",
                args.file.display()
            )
        })?),
        None => None,
    };
    let settings = PairwiseSettings {
        link: if args.model == ModelArg::Thurstone {
            Link::Probit
        } else {
            Link::Logit
        },
        ties: args.ties.model(),
        order_effect: args.order_effect,
        l2: args.l2,
        reference,
        ..PairwiseSettings::default()
    };
    let started = Instant::now();
    let mut model = PairwiseModel::new(table, settings)?;
    let build_ms = started.elapsed().as_secs_f64() * 1e3;
    let auto;
    let gpu = match source {
        EngineSource::Cpu => None,
        EngineSource::Forced(gpu) => Some(gpu),
        EngineSource::Auto(cached) => {
            auto = super::gpu::auto_engine(args, model.n_cells() as u64, cached);
            auto.as_ref()
        }
    };
    let started = Instant::now();
    let mut warnings = Vec::new();
    let mut choice = None;
    let (fit, adapter) = match gpu {
        None => (model.fit(None), None),
        Some(gpu) => {
            let run = pollster::block_on(gpu.engine.fit_pairwise(&mut model));
            if let Some(why) = gpu.no_gpu.clone().or(run.fallback_reason) {
                warnings.push(format!(
                    "--engine gpu: the GPU did not run ({why}); the CPU fitted the same model"
                ));
            }
            choice = run.choice;
            (run.value, (run.engine != "CPU").then_some(run.engine))
        }
    };
    let fit_ms = build_ms + started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let method = match args.ci {
        CiArg::None => None,
        CiArg::Fisher => Some(Method::Fisher),
        CiArg::Sandwich => Some(Method::Sandwich),
        CiArg::Bootstrap => Some(Method::Bootstrap {
            replicates: args.bootstrap,
            seed: args.seed,
        }),
    };
    let unc = match (method, gpu) {
        (Some(Method::Bootstrap { replicates, seed }), Some(gpu)) => {
            let boot = pollster::block_on(
                gpu.engine
                    .bootstrap(&model, &fit, replicates, seed, args.level),
            )?;
            if let (Some(why), Some(_)) = (boot.fallback_reason, &adapter) {
                warnings.push(format!(
                    "--engine gpu: the bootstrap ran on the CPU ({why}); it draws the same replicates"
                ));
            }
            if let Some(why) = boot.choice {
                choice = Some(match choice {
                    Some(fit) => format!("fit {fit}; bootstrap {why}"),
                    None => format!("bootstrap {why}"),
                });
            }
            Some(boot.value)
        }
        (Some(m), _) => Some(model.uncertainty(&fit, m, args.level)?),
        (None, _) => None,
    };
    let quasi = match (args.quasi, method) {
        (false, _) => None,
        (true, Some(m @ (Method::Fisher | Method::Sandwich))) => {
            let q = model.quasi_variances(&fit, m)?;
            Some((q.variances, q.max_relative_error))
        }
        (true, _) => bail!("--quasi needs --ci fisher or --ci sandwich"),
    };
    let ci_ms = started.elapsed().as_secs_f64() * 1e3;
    warnings.splice(0..0, model.warnings().iter().cloned());
    if !fit.converged() {
        warnings.push(format!(
            "the fit stopped without converging: {:?} after {} steps",
            fit.status, fit.iterations
        ));
    }
    warnings.extend(unc.as_ref().and_then(|u| left_out(u, args.bootstrap)));
    let features: Vec<Value> = model
        .feature_names()
        .iter()
        .enumerate()
        .map(|(k, name)| json!({"name": name, "estimate": fit.feature_coefficients[k], "se": unc.as_ref().map(|u| u.feature_se[k])}))
        .collect();
    let outcomes = Outcomes {
        raters: Value::Null,
        quasi,
        order_effect: match fit.order_effect {
            Some(h) => json!({"estimate": h, "se": unc.as_ref().and_then(|u| u.order_effect_se)}),
            None => Value::Null,
        },
        tie_parameter: match fit.tie_parameter {
            Some(t) => {
                json!({"name": t.name, "estimate": t.estimate, "se": unc.as_ref().and_then(|u| u.tie_se)})
            }
            None => Value::Null,
        },
        features: Value::Array(features),
        log_likelihood: json!(fit.log_likelihood),
        iterations: fit.iterations,
        converged: fit.converged(),
        se: unc.as_ref().map(|u| u.score_se.clone()),
        intervals: unc.as_ref().map(|u| u.score_interval.clone()),
        scores: fit.scores,
        warnings,
        fit_ms,
        ci_ms,
    };
    if let (Some(gpu), EngineSource::Auto(cached)) = (gpu, source) {
        super::gpu::keep_learned(gpu, cached)?;
    }
    Ok((outcomes, Ran { adapter, choice }))
}

pub(super) fn with_raters(args: &FitArgs, table: &PairTable) -> Result<Outcomes> {
    if table.raters().is_empty() {
        bail!(
            "--raters: {} names no raters (a `rater`, `judge` or `worker` column)",
            args.file.display()
        );
    }
    let started = Instant::now();
    let rf = fit_with_raters(table, args.l2)?;
    let fit_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let mut warnings = Vec::new();
    let unc = match args.ci {
        CiArg::None => None,
        CiArg::Fisher | CiArg::Sandwich => {
            warnings.push(
                "standard errors are conditional on the estimated rater weights (--ci bootstrap refits them)"
                    .to_string(),
            );
            let method = if args.ci == CiArg::Fisher {
                Method::Fisher
            } else {
                Method::Sandwich
            };
            Some(rf.model.uncertainty(&rf.fit, method, args.level)?)
        }
        CiArg::Bootstrap => {
            let u = bootstrap_with_raters(table, args.l2, args.bootstrap, args.seed, args.level)?;
            warnings.extend(left_out(&u, args.bootstrap));
            Some(u)
        }
    };
    let ci_ms = started.elapsed().as_secs_f64() * 1e3;
    let flagged: Vec<&str> = rf
        .raters
        .iter()
        .zip(table.raters())
        .filter(|(r, _)| r.flagged)
        .map(|(_, name)| name.as_str())
        .collect();
    if !flagged.is_empty() {
        warnings.push(format!(
            "unreliable raters (answer by preference less than half the time): {}",
            flagged.join(", ")
        ));
    }
    if !rf.converged {
        warnings.push(format!(
            "the rater EM did not converge in {} iterations",
            rf.em_iterations
        ));
    }
    let raters: Vec<Value> = rf
        .raters
        .iter()
        .zip(table.raters())
        .map(|(r, name)| json!({"name": name, "reliability": r.reliability, "position_bias": r.position_bias, "votes": r.votes, "flagged": r.flagged}))
        .collect();
    Ok(Outcomes {
        raters: Value::Array(raters),
        quasi: None,
        se: unc.as_ref().map(|u| u.score_se.clone()),
        intervals: unc.as_ref().map(|u| u.score_interval.clone()),
        scores: rf.fit.scores.clone(),
        order_effect: Value::Null,
        tie_parameter: Value::Null,
        features: Value::Array(Vec::new()),
        log_likelihood: json!(rf.fit.log_likelihood),
        iterations: rf.em_iterations,
        converged: rf.converged && rf.fit.converged(),
        warnings,
        fit_ms,
        ci_ms,
    })
}

pub(super) fn plackett_luce(
    args: &FitArgs,
    pairs: &PairTable,
    rankings: Option<RankingTable>,
) -> Result<Outcomes> {
    let mut warnings = Vec::new();
    let rankings = match rankings {
        Some(r) => r,
        None => {
            let (r, ties) = RankingTable::from_pairs(pairs);
            if ties > 0 {
                warnings.push(format!(
                    "Plackett–Luce has no ties: {ties} tied votes were left out"
                ));
            }
            r
        }
    };
    let reference = match &args.reference {
        Some(name) => Some(
            rankings
                .find_item(name)
                .ok_or_else(|| anyhow::anyhow!("--reference {name}: no such item"))?,
        ),
        None => None,
    };
    let started = Instant::now();
    let mut model = PlackettLuce::new(
        &rankings,
        PlSettings {
            l2: args.l2,
            reference,
            ..PlSettings::default()
        },
    )?;
    let fit = model.fit();
    let fit_ms = started.elapsed().as_secs_f64() * 1e3;
    let started = Instant::now();
    let unc = match args.ci {
        CiArg::None => None,
        CiArg::Fisher => Some(model.fisher(&fit, args.level)?),
        CiArg::Sandwich => Some(model.sandwich(&fit, args.level)?),
        CiArg::Bootstrap => {
            let u = model.bootstrap(&fit, args.bootstrap, args.seed, args.level)?;
            warnings.extend(left_out(&u, args.bootstrap));
            Some(u)
        }
    };
    let ci_ms = started.elapsed().as_secs_f64() * 1e3;
    warnings.extend(model.warnings().iter().cloned());
    Ok(Outcomes {
        raters: Value::Null,
        quasi: None,
        se: unc.as_ref().map(|u| u.score_se.clone()),
        intervals: unc.as_ref().map(|u| u.score_interval.clone()),
        scores: fit.scores,
        order_effect: Value::Null,
        tie_parameter: Value::Null,
        features: Value::Array(Vec::new()),
        log_likelihood: json!(fit.log_likelihood),
        iterations: fit.iterations,
        converged: fit.status == prefplay_core::models::pairwise::FitStatus::Converged,
        warnings,
        fit_ms,
        ci_ms,
    })
}

/// The warning when some of the `asked` bootstrap replicates were left out.
pub(super) fn left_out(u: &Uncertainty, asked: u32) -> Option<String> {
    let kept = u.replicates_converged?;
    (kept < asked).then(|| {
        format!(
            "{} of {asked} bootstrap replicates did not converge and were left out",
            asked - kept
        )
    })
}

pub(super) fn no_ci_warning(args: &FitArgs, model: &str) -> Vec<String> {
    if args.ci == CiArg::None {
        Vec::new()
    } else {
        vec![format!("{model} has no standard errors; --ci is ignored")]
    }
}

pub(super) fn elo(args: &FitArgs, table: &PairTable) -> Result<Outcomes> {
    let started = Instant::now();
    let votes = table.votes();
    let settings = EloSettings {
        k: args.elo_k,
        ..EloSettings::default()
    };
    let ratings = elo_ratings(table.items().len(), &votes, settings)?;
    let scores = ratings
        .iter()
        .map(|r| (r - settings.initial) / ELO_PER_LOGIT)
        .collect();
    Ok(simple(scores, no_ci_warning(args, "Elo"), started))
}

pub(super) fn spectral(args: &FitArgs, table: &PairTable) -> Result<Outcomes> {
    let started = Instant::now();
    let scores = rank_centrality(table, RankCentralitySettings::default())?;
    Ok(simple(
        scores,
        no_ci_warning(args, "Rank Centrality"),
        started,
    ))
}

pub(super) fn simple(scores: Vec<f64>, warnings: Vec<String>, started: Instant) -> Outcomes {
    Outcomes {
        raters: Value::Null,
        quasi: None,
        scores,
        se: None,
        intervals: None,
        order_effect: Value::Null,
        tie_parameter: Value::Null,
        features: Value::Array(Vec::new()),
        log_likelihood: Value::Null,
        iterations: 0,
        converged: true,
        warnings,
        fit_ms: started.elapsed().as_secs_f64() * 1e3,
        ci_ms: 0.0,
    }
}
