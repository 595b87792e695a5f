//! A person's session, end to end: vote by keyboard, see the leaderboard,
//! reload, export, compare with the CLI, switch engine, reset.
//!
//! Prints `MEASURE:` lines (time to first vote, fit times per engine).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prefplay_e2e::{
    ChromeDriver, StaticServer, eventually, foreign_requests, fresh_dir, repo_root, wait_saved,
};

const FAVOURITE: &str = "Pistachio";
const VOTES: usize = 40;
const WAIT: Duration = Duration::from_secs(30);

async fn text(client: &Client, css: &str) -> Result<String> {
    Ok(client.find(Locator::Css(css)).await?.text().await?)
}

async fn attr(client: &Client, css: &str, name: &str) -> Result<Option<String>> {
    Ok(client.find(Locator::Css(css)).await?.attr(name).await?)
}

async fn press(client: &Client, key: &str) -> Result<()> {
    client
        .find(Locator::Css("body"))
        .await?
        .send_keys(key)
        .await?;
    Ok(())
}

async fn vote_count(client: &Client) -> Result<usize> {
    let t = text(client, "#vote-count").await?;
    t.split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("vote count in {t:?}"))
}

async fn wait_for_votes(client: &Client, n: usize) -> Result<()> {
    eventually(&format!("{n} votes shown"), WAIT, || async move {
        Ok((vote_count(client).await? == n).then_some(()))
    })
    .await
}

/// Waits until the leaderboard is fitted on `n` votes; returns label → score.
async fn fitted_scores(client: &Client, n: usize) -> Result<Vec<(String, f64)>> {
    eventually(
        &format!("leaderboard fitted on {n} votes"),
        WAIT,
        || async move {
            Ok(
                (attr(client, "#leaderboard", "data-votes").await?.as_deref()
                    == Some(n.to_string().as_str()))
                .then_some(()),
            )
        },
    )
    .await?;
    let mut rows = Vec::new();
    for row in client
        .find_all(Locator::Css("#leaderboard tbody tr"))
        .await?
    {
        let item = row
            .attr("data-item")
            .await?
            .context("row without data-item")?;
        let score: f64 = row
            .attr("data-score")
            .await?
            .context("row without data-score")?
            .parse()?;
        rows.push((item, score));
    }
    Ok(rows)
}

async fn pair(client: &Client) -> Result<(String, String)> {
    let label = |side| async move {
        attr(client, side, "data-item")
            .await?
            .with_context(|| format!("{side} has no data-item"))
    };
    Ok((label("#choice-left").await?, label("#choice-right").await?))
}

/// Waits until the page has stored a calibration of the worker's adapter
/// with at least one family; returns the families' names.
async fn calibration_families(client: &Client) -> Result<Vec<String>> {
    let families = eventually("a stored calibration", Duration::from_secs(120), || async {
        let stored = client
            .execute(
                "return window.localStorage.getItem('prefplay-calibrations');",
                Vec::new(),
            )
            .await?;
        let Some(text) = stored.as_str() else {
            return Ok(None);
        };
        let all: serde_json::Value = serde_json::from_str(text)?;
        let names: Vec<String> = all
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
            .flat_map(|c| c["families"].as_array().cloned().unwrap_or_default())
            .filter_map(|f| f["workload"].as_str().map(str::to_string))
            .collect();
        Ok((!names.is_empty()).then_some(names))
    })
    .await?;
    println!("MEASURE: families calibrated in the worker: {families:?}");
    let stored = client
        .execute(
            "return window.localStorage.getItem('prefplay-calibrations');",
            Vec::new(),
        )
        .await?;
    println!(
        "MEASURE: the page's stored calibration: {}",
        stored.as_str().unwrap_or("")
    );
    Ok(families)
}

fn fit_ms(info: &str) -> Option<f64> {
    info.split(": ").nth(1)?.split(" ms").next()?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_votes_reloads_exports_and_resets() -> Result<()> {
    let root = repo_root();
    let server = StaticServer::start(&root.join("dist"))?;
    let downloads = fresh_dir("downloads")?;
    let profile = fresh_dir("profile")?;
    let driver = ChromeDriver::start()?;
    let client = driver.browser(&downloads, &profile).await?;
    let outcome = scenario(&client, &server.url, &downloads, &root).await;
    let _ = client.close().await;
    outcome
}

async fn scenario(client: &Client, url: &str, downloads: &Path, root: &Path) -> Result<()> {
    // 1. Open the page; time until the first vote is possible.
    let started = Instant::now();
    client.goto(url).await?;
    eventually("the first pair", WAIT, || async move {
        let (l, r) = pair(client).await?;
        Ok((!l.is_empty() && !r.is_empty()).then_some(()))
    })
    .await?;
    let wall_ms = started.elapsed().as_secs_f64() * 1e3;
    let ready_ms = attr(client, "body", "data-ready-ms")
        .await?
        .unwrap_or_default();
    println!(
        "MEASURE: navigation to first possible vote: {ready_ms} ms (page clock); {wall_ms:.0} ms incl. WebDriver round trips"
    );
    ensure!(
        vote_count(client).await? == 0,
        "a fresh profile starts with no votes"
    );
    // Balanced pairs: every item comes up about equally often, so the
    // favourite is shown enough (information gain, the default, shows a
    // clear winner less and less).
    client
        .find(Locator::Css("#strategy"))
        .await?
        .select_by_value("balanced")
        .await?;
    // Nothing is loaded from another origin (no CDN, fonts or analytics).
    let foreign = foreign_requests(client).await?;
    ensure!(foreign.is_empty(), "requests to other origins: {foreign:?}");

    // 2. Vote by keyboard: always the favourite when it is shown, a tie otherwise;
    //    one skip and one undo on the way.
    let (mut favourite_wins, mut ties) = (0usize, 0usize);
    let mut n = 0;
    while n < VOTES {
        let (left, right) = pair(client).await?;
        if n == 5 {
            press(client, &Key::Space).await?;
            let after = eventually("a new pair after skip", WAIT, || async {
                let p = pair(client).await?;
                Ok((p != (left.clone(), right.clone())).then_some(p))
            })
            .await;
            ensure!(after.is_ok(), "skip did not change the pair");
            ensure!(
                vote_count(client).await? == n,
                "skip must not record a vote"
            );
        }
        if n == 10 {
            press(client, &Key::Left).await?;
            wait_for_votes(client, n + 1).await?;
            press(client, &Key::Backspace).await?;
            wait_for_votes(client, n).await?;
        }
        let (left, right) = pair(client).await?;
        let key = if left == FAVOURITE {
            favourite_wins += 1;
            Key::Left
        } else if right == FAVOURITE {
            favourite_wins += 1;
            Key::Right
        } else {
            ties += 1;
            Key::Down
        };
        press(client, &key).await?;
        n += 1;
        wait_for_votes(client, n).await?;
    }
    ensure!(
        favourite_wins >= 3,
        "the favourite was shown only {favourite_wins} times in {VOTES} votes"
    );

    // 3. The leaderboard: 12 rows, the favourite first, with its record.
    let auto_scores = fitted_scores(client, VOTES).await?;
    ensure!(
        auto_scores.len() == 12,
        "expected 12 rows, got {}",
        auto_scores.len()
    );
    ensure!(
        auto_scores[0].0 == FAVOURITE,
        "expected {FAVOURITE} first, got {:?}",
        auto_scores[0]
    );
    let first_cells = client
        .find(Locator::Css("#leaderboard tbody tr"))
        .await?
        .text()
        .await?;
    ensure!(
        first_cells.contains(&format!(" {favourite_wins} 0 0")),
        "favourite's row {first_cells:?} should show {favourite_wins} wins, 0 losses, 0 ties"
    );
    let engine = text(client, "#engine").await?;
    let info = text(client, "#fit-info").await?;
    println!("MEASURE: engine {engine:?}; after vote {VOTES}: {info}");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        // SwiftShader is a software adapter: the auto engine keeps to the
        // CPU and says why: the committed guess for software adapters, or
        // (once the worker has calibrated fits) the predicted times.
        ensure!(
            engine.starts_with("CPU (auto: ")
                && (engine.contains("software") || engine.contains("predicted")),
            "under CI the auto engine must choose the CPU over SwiftShader and say so, got {engine:?}"
        );
    }
    // 4. Reload: the votes are still there.
    wait_saved(client).await?;
    client.refresh().await?;
    wait_for_votes(client, VOTES).await?;
    let reloaded = fitted_scores(client, VOTES).await?;
    ensure!(
        reloaded[0].0 == FAVOURITE,
        "after reload the favourite is not first"
    );
    // With the page idle, the worker calibrates between jobs (votes
    // stop a slice, so it waits for a quiet page) and the page keeps the
    // calibration per adapter.
    let calibrated = calibration_families(client).await?;
    // The pair shown before the fit came back does not claim there is none.
    let why = client.find(Locator::Css("#why")).await?.text().await?;
    ensure!(
        !why.contains("No fit yet"),
        "a stale reason after reload: {why}"
    );

    // 5. Export the CSV: header and one row per vote.
    client.find(Locator::Css("#export")).await?.click().await?;
    let csv_path = downloads.join("prefplay-votes.csv");
    let csv = eventually("the CSV download", WAIT, || {
        let csv_path = csv_path.clone();
        async move {
            Ok(std::fs::read_to_string(&csv_path)
                .ok()
                .filter(|t| t.lines().count() == VOTES + 1))
        }
    })
    .await?;
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or_default();
    ensure!(
        header.starts_with("item_a,item_b,winner,rater"),
        "CSV header {header:?}"
    );
    let (mut csv_favourite_wins, mut csv_ties) = (0, 0);
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        ensure!(
            fields.len() == header.split(',').count() && fields[3] == "Me",
            "CSV row {line:?}"
        );
        match fields[2] {
            "tie" => csv_ties += 1,
            "a" if fields[0] == FAVOURITE => csv_favourite_wins += 1,
            "b" if fields[1] == FAVOURITE => csv_favourite_wins += 1,
            other => bail!("unexpected CSV row {line:?} ({other})"),
        }
    }
    ensure!(
        (csv_favourite_wins, csv_ties) == (favourite_wins, ties),
        "CSV rows do not match the votes cast"
    );

    // 6. The CLI on the exported CSV prints the same scores (to 1e-6).
    let bin = std::env::var("PREFPLAY_BIN")
        .map_or_else(|_| root.join("target/debug/prefplay"), Into::into);
    let out = std::process::Command::new(&bin)
        .arg("fit")
        .arg(&csv_path)
        .arg("--items")
        .arg(root.join("www/decks/ice-cream.txt"))
        .arg("--json")
        .output()
        .with_context(|| format!("running {} (cargo build -p prefplay-cli)", bin.display()))?;
    ensure!(
        out.status.success(),
        "prefplay fit failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let cli: BTreeMap<String, f64> = json["items"]
        .as_array()
        .context("items")?
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap_or_default().to_string(),
                r["score"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect();
    for (item, score) in &auto_scores {
        let c = cli.get(item).with_context(|| format!("CLI lacks {item}"))?;
        ensure!((c - score).abs() <= 1e-6, "{item}: page {score} vs CLI {c}");
    }

    // 7. The README screenshot.
    let png = client.screenshot().await?;
    std::fs::create_dir_all(root.join("docs"))?;
    std::fs::write(root.join("docs/screenshot.png"), png)?;

    // 8. The forced GPU (WebGPU; SwiftShader under CI) and the CPU engine
    //    give the same numbers.
    client.goto(&format!("{url}?engine=gpu")).await?;
    let gpu_scores = fitted_scores(client, VOTES).await?;
    let gpu_engine = text(client, "#engine").await?;
    println!(
        "MEASURE: engine {gpu_engine:?} (?engine=gpu); {}",
        text(client, "#fit-info").await?
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        ensure!(
            gpu_engine.starts_with("GPU: "),
            "under CI ?engine=gpu must run on WebGPU (SwiftShader), got {gpu_engine:?}"
        );
    }
    client.goto(&format!("{url}?engine=cpu")).await?;
    let cpu_scores = fitted_scores(client, VOTES).await?;
    let cpu_engine = text(client, "#engine").await?;
    ensure!(cpu_engine == "CPU", "?engine=cpu shows {cpu_engine:?}");
    for ((gi, gs), (ci, cs)) in gpu_scores.iter().zip(&cpu_scores) {
        ensure!(
            gi == ci && (gs - cs).abs() <= 1e-6,
            "GPU {gi} {gs} vs CPU {ci} {cs}"
        );
    }
    let cpu_info = text(client, "#fit-info").await?;
    println!("MEASURE: engine \"CPU\"; after vote {VOTES}: {cpu_info}");
    // One more vote on each engine, to time a fit after a vote on a warm page.
    for (name, page) in [
        ("CPU", format!("{url}?engine=cpu")),
        ("GPU", format!("{url}?engine=gpu")),
        ("auto", url.to_string()),
    ] {
        client.goto(&page).await?;
        fitted_scores(client, VOTES).await?;
        press(client, &Key::Down).await?;
        fitted_scores(client, VOTES + 1).await?;
        let info = text(client, "#fit-info").await?;
        println!(
            "MEASURE: fit after one vote, {name}: {} ms ({info})",
            fit_ms(&info).unwrap_or(f64::NAN)
        );
        // The stored calibration reaches a fresh worker before its first
        // fit: auto's engine line gives the predicted times.
        if name == "auto" && calibrated.iter().any(|f| f == "Fits") {
            let engine = text(client, "#engine").await?;
            println!("MEASURE: auto's engine with the stored calibration: {engine:?}");
            ensure!(engine.contains("predicted"), "{engine:?}");
        }
        press(client, &Key::Backspace).await?;
        fitted_scores(client, VOTES).await?;
    }

    // 9. Reset asks first: Escape keeps the votes, confirming deletes them.
    client.find(Locator::Css("#reset")).await?.click().await?;
    client
        .find(Locator::Css("#confirm-reset"))
        .await
        .context("reset must ask for confirmation")?;
    press(client, &Key::Escape).await?;
    eventually("the dialog to close", WAIT, || async {
        Ok(client
            .find_all(Locator::Css("#confirm-reset"))
            .await?
            .is_empty()
            .then_some(()))
    })
    .await?;
    ensure!(
        vote_count(client).await? == VOTES,
        "Escape must keep the votes"
    );
    client.find(Locator::Css("#reset")).await?.click().await?;
    client
        .find(Locator::Css("#confirm-reset"))
        .await?
        .click()
        .await?;
    wait_for_votes(client, 0)
        .await
        .context("after confirming the reset")?;
    wait_saved(client).await?;
    client.refresh().await?;
    wait_for_votes(client, 0)
        .await
        .context("after a reload, the reset holds")?;
    Ok(())
}
