//! `prefplay fit`: scores with uncertainty, as a table or JSON.
//!
//! `args` holds the flags, `models` one fit per model (the pairwise ones
//! on the engine `gpu` picks, when it picks the GPU); this file turns any
//! of them into the report.

mod args;
mod gpu;
mod models;

use anyhow::{Result, bail};
use clap::ValueEnum;
use prefplay_core::models::pairwise::uncertainty::rank_intervals;
use serde_json::{Value, json};

pub use args::*;
use gpu::EngineSource;
use models::{Ran, elo, pairwise, plackett_luce, spectral, with_raters};

use crate::input::{Loaded, load_any};

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
    // A calibration cache that cannot be read is reported, not used
    // (and, being empty here, nothing is saved over it).
    let mut cache_problem = None;
    let source = match args.engine {
        EngineArg::Gpu => EngineSource::Forced(gpu::forced_engine(args)?),
        EngineArg::Auto => EngineSource::Auto(crate::calibrate::cached().unwrap_or_else(|e| {
            cache_problem = Some(format!(
                "--engine auto ignored the calibration cache: {e:#}"
            ));
            Default::default()
        })),
        EngineArg::Cpu => EngineSource::Cpu,
    };
    let cpu = |out| (out, Ran::default());
    let (mut out, ran) = match args.model {
        ModelArg::Bt if args.raters => cpu(with_raters(args, &table)?),
        ModelArg::Bt | ModelArg::Thurstone => pairwise(args, &table, &source)?,
        ModelArg::PlackettLuce => cpu(plackett_luce(args, &table, rankings)?),
        ModelArg::Elo => cpu(elo(args, &table)?),
        ModelArg::RankCentrality => cpu(spectral(args, &table)?),
    };
    out.warnings.extend(cache_problem);
    let engine = if ran.adapter.is_some() { "gpu" } else { "cpu" };
    let adapter = ran.adapter;
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
        "engine": engine,
        "adapter": adapter,
        "engine_choice": ran.choice,
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
    if let Some(choice) = report["engine_choice"].as_str() {
        println!(
            "engine: {} ({choice})",
            report["adapter"].as_str().unwrap_or("CPU")
        );
    }
    for w in report["warnings"].as_array().into_iter().flatten() {
        eprintln!("warning: {}", w.as_str().unwrap_or(""));
    }
}
