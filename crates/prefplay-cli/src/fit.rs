//! `prefplay fit`: the page's leaderboard, from a CSV.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use prefplay_core::deck::parse_deck;
use prefplay_core::pairs_csv::read_pairs_csv;
use prefplay_core::{BtSettings, ComparisonGraph, fit_bt, leaderboard};

/// Arguments of `prefplay fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// Pairs CSV with header `item_a,item_b,winner` (winner: a, b or tie),
    /// e.g. the page's "Export CSV".
    pub file: PathBuf,
    /// Optional deck file (one item label per line): lists items that have
    /// no votes yet and fixes their order, as on the page.
    #[arg(long)]
    pub items: Option<PathBuf>,
    /// Prior strength λ of the N(0, 1/λ) prior on each score; must be > 0.
    #[arg(long, default_value_t = BtSettings::default().l2)]
    pub l2: f64,
    /// Print JSON (full precision) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `prefplay fit`.
pub fn run(args: &FitArgs) -> Result<()> {
    let known_items = match &args.items {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            parse_deck(&text)
        }
        None => Vec::new(),
    };
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?;
    let data = read_pairs_csv(&text, &args.file.display().to_string(), &known_items)?;
    let graph = ComparisonGraph::from_dataset(&data);
    let settings = BtSettings {
        l2: args.l2,
        ..BtSettings::default()
    };
    let fit = fit_bt(&graph, settings)?;
    let rows = leaderboard(&fit, &graph.records, data.items());
    if args.json {
        let rows: Vec<_> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "rank": r.rank, "item": data.items()[r.item], "score": r.score,
                    "standard_error": r.standard_error, "ci_low": r.ci_low, "ci_high": r.ci_high,
                    "wins": r.record.wins, "losses": r.record.losses, "ties": r.record.ties,
                })
            })
            .collect();
        let out = serde_json::json!({
            "n_votes": data.votes().len(),
            "l2": settings.l2,
            "iterations": fit.iterations,
            "status": format!("{:?}", fit.status),
            "rows": rows,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    let width = data
        .items()
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    println!(
        "{:>4}  {:<width$}  {:>7}  {:>18}  {:>4}  {:>6}  {:>4}",
        "rank", "item", "score", "95% interval", "wins", "losses", "ties"
    );
    for r in &rows {
        println!(
            "{:>4}  {:<width$}  {:>7.3}  {:>18}  {:>4}  {:>6}  {:>4}",
            r.rank,
            data.items()[r.item],
            r.score,
            format!("[{:.3}, {:.3}]", r.ci_low, r.ci_high),
            r.record.wins,
            r.record.losses,
            r.record.ties,
        );
    }
    println!(
        "{} votes, {} Newton steps ({:?}), prior l2 = {}",
        data.votes().len(),
        fit.iterations,
        fit.status,
        settings.l2
    );
    Ok(())
}
