//! `prefplay fit`: scores with uncertainty, as a table or JSON.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use prefplay_core::elo::{EloSettings, elo_ratings};
use prefplay_core::pairwise::raters::fit_with_raters;
use prefplay_core::pairwise::uncertainty::{Method, rank_intervals};
use prefplay_core::pairwise::{DEFAULT_L2, Link, PairwiseModel, PairwiseSettings, TieModel};
use prefplay_core::plackett_luce::{PlSettings, PlackettLuce};
use prefplay_core::rank_centrality::{RankCentralitySettings, rank_centrality};
use prefplay_core::rankings::RankingTable;
use prefplay_core::table::{Outcome, PairTable};
use prefplay_core::{ComparisonGraph, Vote, Winner};
use serde_json::{Value, json};

use crate::input::{FormatArg, Loaded, load_any};

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
    /// Percentile bootstrap over resampled votes.
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
    /// The CPU (the command line's only engine so far).
    Auto,
    /// The exact f64 CPU path.
    Cpu,
    /// The GPU (not available in the command line yet).
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

/// Elo points per logit.
const ELO_PER_LOGIT: f64 = 400.0 / std::f64::consts::LN_10;

/// What every model's fit yields, before formatting.
struct Outcomes {
    raters: Value,
    quasi: Option<(Vec<f64>, f64)>,
    scores: Vec<f64>,
    se: Option<Vec<f64>>,
    intervals: Option<Vec<(f64, f64)>>,
    order_effect: Value,
    tie_parameter: Value,
    features: Value,
    log_likelihood: Value,
    iterations: u32,
    converged: bool,
    warnings: Vec<String>,
    fit_ms: f64,
    ci_ms: f64,
}

/// Runs `prefplay fit`.
pub fn run(args: &FitArgs) -> Result<()> {
    if args.engine == EngineArg::Gpu {
        bail!(
            "--engine gpu: the command line has no GPU engine yet (the page has one for Bradley–Terry); use --engine cpu"
        );
    }
    let keep_rankings = args.model == ModelArg::PlackettLuce;
    let (loaded, parse_ms) = load_any(
        &args.file,
        args.format,
        args.items.as_deref(),
        keep_rankings,
    )?;
    let (table, rankings) = match loaded {
        Loaded::Pairs(t) => (t, None),
        Loaded::Rankings(r) => (r.to_pairs(), Some(r)),
    };
    if table.n_votes() == 0 {
        bail!(
            "{}: no votes (the file has a header or records but no counted votes)",
            args.file.display()
        );
    }
    if args.raters
        && (args.model != ModelArg::Bt || args.order_effect || args.ties != TiesArg::Half)
    {
        bail!(
            "--raters works with --model bt, no --order-effect and the default --ties half (ties are left out)"
        );
    }
    if args.quasi && !matches!(args.model, ModelArg::Bt | ModelArg::Thurstone) {
        bail!("--quasi works with --model bt or thurstone");
    }
    let out = match args.model {
        ModelArg::Bt if args.raters => with_raters(args, &table)?,
        ModelArg::Bt | ModelArg::Thurstone => pairwise(args, &table)?,
        ModelArg::PlackettLuce => plackett_luce(args, &table, rankings)?,
        ModelArg::Elo => elo(args, &table)?,
        ModelArg::RankCentrality => spectral(args, &table)?,
    };
    let to_scale = |x: f64, shift: bool| match args.scale {
        ScaleArg::Logit => x,
        ScaleArg::Elo => ELO_PER_LOGIT * x + if shift { 1000.0 } else { 0.0 },
    };
    let n = table.items().len();
    let intervals = out
        .intervals
        .clone()
        .unwrap_or_else(|| out.scores.iter().map(|&s| (s, s)).collect());
    let ranks = rank_intervals(&out.scores, &intervals);
    let records = table.records();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| {
        out.scores[b]
            .total_cmp(&out.scores[a])
            .then(table.items()[a].cmp(&table.items()[b]))
    });
    let items: Vec<Value> = order
        .iter()
        .map(|&i| {
            let r = records[i];
            json!({
                "name": table.items()[i],
                "score": to_scale(out.scores[i], true),
                "se": out.se.as_ref().map(|se| to_scale(se[i], false)),
                "ci_low": out.intervals.as_ref().map(|c| to_scale(c[i].0, true)),
                "ci_high": out.intervals.as_ref().map(|c| to_scale(c[i].1, true)),
                "rank": ranks[i].0,
                "rank_low": ranks[i].1,
                "rank_high": ranks[i].2,
                "wins": r.wins,
                "losses": r.losses,
                "ties": r.ties,
                "n": u64::from(r.wins) + u64::from(r.losses) + u64::from(r.ties),
                "quasi_se": out.quasi.as_ref().map(|(q, _)| to_scale(q[i].sqrt(), false)),
            })
        })
        .collect();
    let model_name = ModelArg::to_possible_value(&args.model).map(|v| v.get_name().to_string());
    let ties_name = TiesArg::to_possible_value(&args.ties).map(|v| v.get_name().to_string());
    let report = json!({
        "model": model_name,
        "ties": ties_name,
        "engine": "cpu",
        "scale": if args.scale == ScaleArg::Elo { "elo" } else { "logit" },
        "items": items,
        "order_effect": out.order_effect,
        "tie_parameter": out.tie_parameter,
        "features": out.features,
        "log_likelihood": out.log_likelihood,
        "n_votes": table.n_votes(),
        "iterations": out.iterations,
        "converged": out.converged,
        "raters": out.raters,
        "quasi_max_relative_error": out.quasi.as_ref().map(|(_, e)| *e),
        "warnings": out.warnings,
        "timings_ms": {"parse": parse_ms, "fit": out.fit_ms, "ci": out.ci_ms},
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report, args);
    }
    Ok(())
}

fn pairwise(args: &FitArgs, table: &PairTable) -> Result<Outcomes> {
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
    let fit = model.fit(None);
    let fit_ms = started.elapsed().as_secs_f64() * 1e3;
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
    let unc = match method {
        Some(m) => Some(model.uncertainty(&fit, m, args.level)?),
        None => None,
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
    let mut warnings = model.warnings().to_vec();
    if !fit.converged() {
        warnings.push(format!(
            "the fit stopped without converging: {:?} after {} steps",
            fit.status, fit.iterations
        ));
    }
    if let Some(u) = &unc
        && let Some(ok) = u.replicates_converged
        && ok < args.bootstrap
    {
        warnings.push(format!(
            "{} of {} bootstrap replicates did not converge and were left out",
            args.bootstrap - ok,
            args.bootstrap
        ));
    }
    let features: Vec<Value> = model
        .feature_names()
        .iter()
        .enumerate()
        .map(|(k, name)| json!({"name": name, "estimate": fit.feature_coefficients[k], "se": unc.as_ref().map(|u| u.feature_se[k])}))
        .collect();
    Ok(Outcomes {
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
    })
}

fn with_raters(args: &FitArgs, table: &PairTable) -> Result<Outcomes> {
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
    let method = match args.ci {
        CiArg::None => None,
        CiArg::Fisher => Some(Method::Fisher),
        CiArg::Sandwich => Some(Method::Sandwich),
        CiArg::Bootstrap => {
            bail!("--raters with --ci bootstrap is not available; use fisher or sandwich")
        }
    };
    let unc = match method {
        Some(m) => Some(rf.model.uncertainty(&rf.fit, m, args.level)?),
        None => None,
    };
    let ci_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut warnings =
        vec!["standard errors are conditional on the estimated rater weights".to_string()];
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

fn plackett_luce(
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
        other => {
            warnings.push(format!(
                "--ci {other:?} is not available for Plackett–Luce yet; Fisher errors are reported"
            ));
            Some(model.fisher(&fit, args.level)?)
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
        converged: fit.status == prefplay_core::pairwise::FitStatus::Converged,
        warnings,
        fit_ms,
        ci_ms,
    })
}

fn no_ci_warning(args: &FitArgs, model: &str) -> Vec<String> {
    if args.ci == CiArg::None {
        Vec::new()
    } else {
        vec![format!("{model} has no standard errors; --ci is ignored")]
    }
}

fn elo(args: &FitArgs, table: &PairTable) -> Result<Outcomes> {
    let started = Instant::now();
    let mut votes = Vec::new();
    for r in &table.rows {
        let winner = match r.outcome {
            Outcome::A => Winner::A,
            Outcome::B => Winner::B,
            Outcome::Tie | Outcome::BothBad => Winner::Tie,
        };
        for _ in 0..r.count {
            votes.push(Vote::new(r.item_a as usize, r.item_b as usize, winner));
        }
    }
    let settings = EloSettings::default();
    let ratings = elo_ratings(table.items().len(), &votes, settings)?;
    let scores = ratings
        .iter()
        .map(|r| (r - settings.initial) / ELO_PER_LOGIT)
        .collect();
    Ok(simple(scores, no_ci_warning(args, "Elo"), started))
}

fn spectral(args: &FitArgs, table: &PairTable) -> Result<Outcomes> {
    let started = Instant::now();
    let graph = ComparisonGraph::from_table(table);
    let scores = rank_centrality(&graph, RankCentralitySettings::default())?;
    Ok(simple(
        scores,
        no_ci_warning(args, "Rank Centrality"),
        started,
    ))
}

fn simple(scores: Vec<f64>, warnings: Vec<String>, started: Instant) -> Outcomes {
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

fn print_table(report: &Value, args: &FitArgs) {
    let items = report["items"].as_array().cloned().unwrap_or_default();
    let width = items
        .iter()
        .map(|i| i["name"].as_str().unwrap_or("").chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let level = format!("{:.0}% interval", args.level * 100.0);
    println!(
        "{:>4}  {:<width$}  {:>9}  {:>8}  {:>22}  {:>7}  {:>6}  {:>6}  {:>5}",
        "rank", "item", "score", "se", level, "ranks", "wins", "losses", "ties"
    );
    let num = |v: &Value| v.as_f64().map_or("-".to_string(), |x| format!("{x:.3}"));
    for i in &items {
        let interval = match (i["ci_low"].as_f64(), i["ci_high"].as_f64()) {
            (Some(l), Some(h)) => format!("[{l:.3}, {h:.3}]"),
            _ => "-".into(),
        };
        println!(
            "{:>4}  {:<width$}  {:>9}  {:>8}  {:>22}  {:>7}  {:>6}  {:>6}  {:>5}",
            i["rank"].to_string(),
            i["name"].as_str().unwrap_or(""),
            num(&i["score"]),
            num(&i["se"]),
            interval,
            format!("{}-{}", i["rank_low"], i["rank_high"]),
            i["wins"].to_string(),
            i["losses"].to_string(),
            i["ties"].to_string()
        );
    }
    for key in ["order_effect", "tie_parameter"] {
        let v = &report[key];
        if !v.is_null() {
            let name = v["name"].as_str().unwrap_or(key);
            println!("{name}: {} (se {})", num(&v["estimate"]), num(&v["se"]));
        }
    }
    if let Some(features) = report["features"].as_array() {
        for f in features {
            println!(
                "feature {}: {} (se {})",
                f["name"].as_str().unwrap_or(""),
                num(&f["estimate"]),
                num(&f["se"])
            );
        }
    }
    println!(
        "{} votes, {} items; {} steps, converged: {}; parse {:.1} ms, fit {:.1} ms, ci {:.1} ms",
        report["n_votes"],
        items.len(),
        report["iterations"],
        report["converged"],
        report["timings_ms"]["parse"].as_f64().unwrap_or(0.0),
        report["timings_ms"]["fit"].as_f64().unwrap_or(0.0),
        report["timings_ms"]["ci"].as_f64().unwrap_or(0.0),
    );
    for w in report["warnings"].as_array().into_iter().flatten() {
        eprintln!("warning: {}", w.as_str().unwrap_or(""));
    }
}
