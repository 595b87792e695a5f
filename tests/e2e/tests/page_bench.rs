//! The page's fit against the CLI's on the same data, for `cargo xtask
//! bench` (ignored in `cargo xtask test`: it is a benchmark, not a check).
//!
//! The page makes `?simulate=50000&items=1000&seed=1` in the worker and
//! fits it with Fisher intervals; its fit line's time covers the whole job
//! in the worker (aggregation, solve, intervals). `prefplay simulate` writes
//! the same votes (the same core simulator and seed) and `prefplay fit
//! --json` reports its fit and interval times. Prints `BENCH` lines: the
//! median of three page loads, the median of three CLI runs, their ratio.

use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use fantoccini::Locator;
use prefplay_e2e::{attr, eventually, fresh_dir, repo_root, with_page};

const ITEMS: usize = 1000;
const VOTES: usize = 50_000;
const RUNS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The CLI's fit + intervals on the simulated file, milliseconds.
fn cli_ms() -> Result<f64> {
    let root = repo_root();
    let bin = std::env::var("PREFPLAY_BIN")
        .map_or_else(|_| root.join("target/release/prefplay"), Into::into);
    let dir = fresh_dir("page-bench")?;
    let file = dir.join("votes.csv");
    let out = Command::new(&bin)
        .args(["simulate", "--items", &ITEMS.to_string()])
        .args(["--votes", &VOTES.to_string(), "--seed", "1"])
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    ensure!(
        out.status.success(),
        "prefplay simulate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&file, &out.stdout)?;
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let out = Command::new(&bin)
            .arg("fit")
            .arg(&file)
            .args(["--ci", "fisher", "--json"])
            .output()?;
        ensure!(
            out.status.success(),
            "prefplay fit: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        let t = &json["timings_ms"];
        times.push(t["fit"].as_f64().unwrap_or(f64::NAN) + t["ci"].as_f64().unwrap_or(f64::NAN));
    }
    Ok(median(times))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: cargo xtask bench runs it"]
async fn the_pages_fit_against_the_cli_on_the_same_votes() -> Result<()> {
    let cli = cli_ms()?;
    with_page("page-bench", async |client, url, _| {
        let mut times = Vec::new();
        for _ in 0..RUNS {
            client
                .goto(&format!(
                    "{url}?simulate={VOTES}&items={ITEMS}&seed=1&engine=cpu"
                ))
                .await?;
            let info = eventually("the page's fit", Duration::from_secs(120), || async move {
                let state = attr(client, "#fit-info", "data-state").await?;
                let info = client.find(Locator::Css("#fit-info")).await?.text().await?;
                Ok(
                    (state == "idle" && info.starts_with(&format!("Fit on {VOTES} comparisons")))
                        .then_some(info),
                )
            })
            .await?;
            let ms: f64 = info
                .split(": ")
                .nth(1)
                .and_then(|s| s.split(" ms").next())
                .and_then(|s| s.parse().ok())
                .context("the fit line's time")?;
            let phases = attr(client, "#fit-info", "data-phase-ms").await?;
            println!("page fit: {info} (aggregate, solve, intervals: {phases} ms)");
            times.push(ms);
        }
        let page = median(times);
        println!("BENCH page_fit_1000_items_50k_votes_fisher {page:.1} ms (worker, whole job)");
        println!("BENCH cli_fit_1000_items_50k_votes_fisher {cli:.1} ms (fit + intervals)");
        println!("BENCH page_over_cli {:.2} x (target <= 2.5)", page / cli);
        Ok(())
    })
    .await
}
