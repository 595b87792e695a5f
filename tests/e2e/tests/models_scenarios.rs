//! The model controls (each change refits at once, the choice is saved),
//! the convergence animation, the held-out check, the count matrix and
//! their exports, and the six guided scenarios from their URLs (seeded,
//! replayable, the user's own votes untouched).

use anyhow::{Result, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prefplay_e2e::{
    WAIT, attr, choose, click, downloaded, eventually, press, saved_workspace, wait_for, with_page,
};

/// Waits until the fit's model description contains `what`; returns the
/// order effect shown (if any) and the fit line.
async fn fitted_with(client: &Client, what: &str) -> Result<(Option<f64>, String)> {
    eventually(&format!("a fit with {what}"), WAIT, || async move {
        let model = attr(client, "#model-notes", "data-model").await?;
        let state = attr(client, "#fit-info", "data-state").await?;
        if !model.contains(what) || state != "idle" {
            return Ok(None);
        }
        let effect = client
            .find(Locator::Css("#model-notes"))
            .await?
            .attr("data-order-effect")
            .await?
            .and_then(|v| v.parse().ok());
        let info = client.find(Locator::Css("#fit-info")).await?.text().await?;
        Ok(Some((effect, info)))
    })
    .await
}

async fn top_label(client: &Client) -> Result<String> {
    Ok(client
        .find(Locator::Css("#leaderboard tbody tr td:nth-child(2)"))
        .await?
        .text()
        .await?)
}

/// The chart `id`'s drawing.
async fn svg_of(client: &Client, id: &str) -> Result<String> {
    Ok(client
        .find(Locator::Css(&format!("#{id}-svg")))
        .await?
        .html(true)
        .await?)
}

/// Exports the chart `id` as SVG and PNG and checks both files.
async fn exports(client: &Client, downloads: &std::path::Path, id: &str) -> Result<()> {
    click(client, &format!("#{id}-export-svg")).await?;
    let svg = std::fs::read_to_string(downloaded(downloads, &format!("prefplay-{id}.svg")).await?)?;
    ensure!(
        svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"),
        "{id}: a standalone SVG"
    );
    click(client, &format!("#{id}-export-png")).await?;
    let png = std::fs::read(downloaded(downloads, &format!("prefplay-{id}.png")).await?)?;
    ensure!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{id}: a PNG");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_controls_refit_at_once_and_are_saved() -> Result<()> {
    with_page("models", async |client, url, _| {
        client
            .goto(&format!("{url}?scenario=position-bias&seed=3"))
            .await?;
        wait_for(client, "#model-controls").await?;
        // The scenario switched the order effect on: it finds the +1 bias.
        let (effect, info) = fitted_with(client, "order effect").await?;
        let effect = effect.unwrap_or(f64::NAN);
        println!("MEASURE: order effect estimated {effect:.2} (simulated +1.00); {info}");
        ensure!((0.6..1.4).contains(&effect), "order effect {effect}");
        let notes = client
            .find(Locator::Css("#model-notes"))
            .await?
            .text()
            .await?;
        ensure!(notes.contains("Order effect"), "{notes}");
        // Off: the bias is no longer estimated.
        click(client, "#order-effect").await?;
        let (effect, _) = fitted_with(client, "Fisher").await?;
        ensure!(effect.is_none(), "no order effect when off");
        for (css, value, expect) in [
            ("#model", "thurstone", "Thurstone"),
            ("#model", "plackett_luce", "Plackett–Luce"),
            ("#model", "elo", "Elo"),
            ("#model-elo-k", "64", "K = 64"),
            ("#model", "bt", "ties as half wins"),
            ("#ties", "davidson", "Davidson"),
            ("#ties", "rao_kupper", "Rao–Kupper"),
            ("#prior", "1", "prior 1"),
            ("#interval", "sandwich", "sandwich"),
            ("#interval", "bootstrap", "bootstrap intervals (200 draws)"),
        ] {
            choose(client, css, value).await?;
            let (_, info) = fitted_with(client, expect).await?;
            println!(
                "MEASURE: {expect}: {info} (top: {})",
                top_label(client).await?
            );
        }
        // The bootstrap ran on the engine, and the engine line says where.
        let engine = client.find(Locator::Css("#engine")).await?.text().await?;
        ensure!(
            engine.contains("bootstrap too") || engine.contains("bootstrap on the "),
            "{engine}"
        );
        println!("MEASURE: engine line with bootstrap intervals: {engine}");
        // No ties in these votes: Rao–Kupper said so in words.
        choose(client, "#ties", "davidson").await?;
        fitted_with(client, "Davidson").await?;
        let notes = client
            .find(Locator::Css("#model-notes"))
            .await?
            .text()
            .await?;
        ensure!(notes.contains("no ties"), "{notes}");
        // Elo has no intervals: its rank intervals are single places.
        choose(client, "#model", "elo").await?;
        fitted_with(client, "Elo").await?;
        let best = attr(client, "#leaderboard tbody tr", "data-rank-best").await?;
        let worst = attr(client, "#leaderboard tbody tr", "data-rank-worst").await?;
        ensure!(best == worst, "Elo: {best}–{worst}");
        let caption = client
            .find(Locator::Css("#leaderboard caption"))
            .await?
            .text()
            .await?;
        ensure!(caption.contains("Elo has no intervals"), "{caption}");
        // Saved with the workspace, and back to the defaults in one click.
        let saved = saved_workspace(client).await?;
        ensure!(
            saved["settings"]["model"]["model"] == "elo",
            "{}",
            saved["settings"]["model"]
        );
        click(client, "#model-reset").await?;
        fitted_with(
            client,
            "Bradley–Terry, ties as half wins, prior 0.1, Fisher",
        )
        .await?;
        // Keyboard: the controls are reachable and labelled.
        for css in ["#model", "#prior", "#interval", "#order-effect"] {
            let label = attr(client, css, "aria-label").await.unwrap_or_default();
            let tag = client.find(Locator::Css(css)).await?.tag_name().await?;
            ensure!(
                !label.is_empty() || tag == "input",
                "{css} needs an accessible name"
            );
        }
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn convergence_calibration_counts_and_the_race_show_and_export() -> Result<()> {
    with_page("convergence", async |client, url, downloads| {
        client
            .goto(&format!("{url}?scenario=recover&seed=2"))
            .await?;
        wait_for(client, "#convergence").await?;
        fitted_with(client, "Bradley–Terry").await?;
        let steps: usize = eventually("the Newton path", WAIT, || async {
            let s: usize = attr(client, "#convergence", "data-steps").await?.parse()?;
            Ok((s >= 3).then_some(s))
        })
        .await?;
        ensure!(attr(client, "#convergence", "data-step").await? == steps.to_string());
        ensure!(attr(client, "#convergence-chart", "data-series-count").await? == "8");
        // Step back, then play from the start to the end.
        click(client, "#convergence-prev").await?;
        click(client, "#convergence-prev").await?;
        ensure!(attr(client, "#convergence", "data-step").await? == (steps - 2).to_string());
        click(client, "#convergence-next").await?;
        ensure!(attr(client, "#convergence", "data-step").await? == (steps - 1).to_string());
        let next = client
            .find(Locator::Css("#convergence-next"))
            .await?
            .text()
            .await?;
        ensure!(next == "▶", "the next button reads {next:?}");
        let status = client
            .find(Locator::Css("#convergence-status"))
            .await?
            .text()
            .await?;
        ensure!(status.contains(&format!("Step {}", steps - 1)), "{status}");
        click(client, "#convergence-play").await?;
        eventually("the animation at step 1", WAIT, || async {
            let s = attr(client, "#convergence", "data-step").await?;
            Ok((s == "1" || s == "2").then_some(()))
        })
        .await?;
        eventually("the animation at the end", WAIT, || async {
            let s = attr(client, "#convergence", "data-step").await?;
            let playing = attr(client, "#convergence-play", "aria-pressed").await?;
            Ok((s == steps.to_string() && playing == "false").then_some(()))
        })
        .await?;
        println!("MEASURE: convergence animation: {steps} Newton steps on 300 votes");
        // The held-out check.
        let loss: f64 = attr(client, "#held-out", "data-log-loss").await?.parse()?;
        let n_test: usize = attr(client, "#held-out", "data-n-test").await?.parse()?;
        println!("MEASURE: held-out log-loss {loss:.3} on {n_test} votes");
        ensure!(
            loss < std::f64::consts::LN_2 && n_test > 30,
            "{loss} on {n_test}"
        );
        ensure!(attr(client, "#reliability", "data-series-count").await? == "2");
        // The count matrix: 12 × 12 cells, counts summing to twice the votes.
        let cells = client.find_all(Locator::Css("#count-matrix rect")).await?;
        ensure!(cells.len() == 144, "{} cells", cells.len());
        let mut total = 0.0;
        for c in &cells {
            total += c
                .attr("data-value")
                .await?
                .unwrap_or_default()
                .parse::<f64>()?;
        }
        ensure!(total == 600.0, "counts sum to {total}");
        // Estimate against truth (the scenario reveals it) and the race.
        let dots = client
            .find_all(Locator::Css("#truth-scatter circle"))
            .await?
            .len();
        ensure!(dots == 12, "{dots} dots");
        let summary = eventually("the race", WAIT, || async {
            let state = attr(client, "#race", "data-state").await?;
            Ok((state == "done").then_some(()))
        })
        .await;
        summary?;
        let summary = attr(client, "#race", "data-summary").await?;
        let parts: Vec<f64> = summary.split(' ').filter_map(|p| p.parse().ok()).collect();
        println!("MEASURE: race (τ, votes random, votes active): {summary}");
        ensure!(parts.len() == 3 && parts[2] < parts[1], "{summary}");
        for id in [
            "convergence-chart",
            "reliability",
            "count-matrix",
            "truth-scatter",
            "race-tau",
            "race-rmse",
        ] {
            exports(client, downloads, id).await?;
        }
        // A vote moves every chart that shows the votes (the race is a
        // simulation of its own and does not). The observed win shares are
        // left out: a vote for the item that won every earlier comparison
        // of its pair leaves them as they were (1 of 1 is 2 of 2), which
        // failed this check on a clean clone; the count matrix below
        // shows the vote arrived.
        let charts = [
            "forest",
            "win-model",
            "count-matrix",
            "comparison-graph",
            "convergence-chart",
            "reliability",
            "truth-scatter",
        ];
        let mut before = Vec::new();
        for id in charts {
            before.push(svg_of(client, id).await?);
        }
        for id in ["forest", "win-model", "win-observed", "comparison-graph"] {
            exports(client, downloads, id).await?;
        }
        // The count matrix gains two.
        press(client, &Key::Left.to_string()).await?;
        eventually("the count after a vote", WAIT, || async {
            let mut total = 0.0;
            for c in client.find_all(Locator::Css("#count-matrix rect")).await? {
                total += c
                    .attr("data-value")
                    .await?
                    .unwrap_or_default()
                    .parse::<f64>()?;
            }
            Ok((total == 602.0).then_some(()))
        })
        .await?;
        for (id, old) in charts.iter().zip(&before) {
            eventually(&format!("{id} after a vote"), WAIT, || async {
                Ok((svg_of(client, id).await? != *old).then_some(()))
            })
            .await?;
        }
        client
            .execute(
                "document.querySelector('#convergence').scrollIntoView();",
                Vec::new(),
            )
            .await?;
        let docs = prefplay_e2e::repo_root().join("docs");
        std::fs::write(docs.join("convergence.png"), client.screenshot().await?)?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_loads_from_its_url_and_replays_with_its_seed() -> Result<()> {
    with_page("scenarios", async |client, url, downloads| {
        client.goto(url).await?;
        wait_for(client, "#choice-left").await?;
        // The user's own votes on the default deck survive the scenarios.
        press(client, &Key::Left.to_string()).await?;
        press(client, &Key::Right.to_string()).await?;
        prefplay_e2e::wait_active_ballots(client, 2).await?;
        prefplay_e2e::wait_saved(client).await?;
        let own_deck = saved_workspace(client).await?["active_deck"].clone();
        for (n, name) in [
            "class-vote",
            "recover",
            "elo-order",
            "active",
            "disconnected",
            "position-bias",
        ]
        .iter()
        .enumerate()
        {
            client
                .goto(&format!("{url}?scenario={}&seed=5", n + 1))
                .await?;
            wait_for(client, "#scenario").await?;
            ensure!(attr(client, "#scenario", "data-scenario").await? == *name);
            fitted_with(client, "Bradley–Terry").await?;
            let ballots = attr(client, "#vote-count", "data-ballots").await?;
            let top = top_label(client).await?;
            match *name {
                "class-vote" | "active" => ensure!(ballots == "0", "{name}: {ballots}"),
                _ => ensure!(ballots != "0", "{name}: no votes"),
            }
            match *name {
                "recover" => wait_for(client, "#truth-scatter").await?,
                "elo-order" => {
                    eventually("Elo's lines", WAIT, || async {
                        let n = attr(client, "#elo-cast", "data-series-count").await?;
                        Ok((n == "4").then_some(()))
                    })
                    .await?;
                    for id in ["elo-cast", "elo-shuffled", "bt-growing"] {
                        exports(client, downloads, id).await?;
                    }
                    // A vote moves all three.
                    let mut before = Vec::new();
                    for id in ["elo-cast", "elo-shuffled", "bt-growing"] {
                        before.push(svg_of(client, id).await?);
                    }
                    press(client, &Key::Left.to_string()).await?;
                    for (id, old) in ["elo-cast", "elo-shuffled", "bt-growing"]
                        .iter()
                        .zip(&before)
                    {
                        eventually(&format!("{id} after a vote"), WAIT, || async {
                            Ok((svg_of(client, id).await? != *old).then_some(()))
                        })
                        .await?;
                    }
                }
                "active" => {
                    eventually("the race", WAIT, || async {
                        Ok((attr(client, "#race", "data-state").await? == "done").then_some(()))
                    })
                    .await?
                }
                "disconnected" => {
                    let groups = attr(client, "#comparison-graph", "data-components").await?;
                    let note = client
                        .find(Locator::Css("#comparison-graph .graph-note"))
                        .await?
                        .text()
                        .await?;
                    println!("MEASURE: disconnected scenario: {groups} groups: {note}");
                    ensure!(groups == "2", "{groups} groups");
                }
                "position-bias" => {
                    let (effect, _) = fitted_with(client, "order effect").await?;
                    ensure!(
                        effect.is_some_and(|e| (0.6..1.4).contains(&e)),
                        "{effect:?}"
                    );
                }
                _ => {}
            }
            // Replaying the same URL gives the same class, but a vote a
            // person cast on the scenario's deck (Elo's) keeps the deck as
            // it was until "Start again" is confirmed.
            client
                .goto(&format!("{url}?scenario={name}&seed=5"))
                .await?;
            wait_for(client, "#scenario").await?;
            fitted_with(client, "Bradley–Terry").await?;
            if *name == "elo-order" {
                let kept = (ballots.parse::<usize>()? + 1).to_string();
                eventually("the deck kept with the person's vote", WAIT, || async {
                    let again = attr(client, "#vote-count", "data-ballots").await?;
                    Ok((again == kept).then_some(()))
                })
                .await?;
                let message = client.find(Locator::Css("#message")).await?.text().await?;
                ensure!(message.contains("kept"), "{message}");
                click(client, "#scenario-start-again").await?;
                click(client, "#confirm-start-again").await?;
            }
            eventually("the same votes", WAIT, || async {
                let again = attr(client, "#vote-count", "data-ballots").await?;
                Ok((again == ballots).then_some(()))
            })
            .await?;
            if ballots != "0" {
                ensure!(top_label(client).await? == top, "{name}: replay differs");
            }
            if *name == "recover" {
                client
                    .execute(
                        "document.querySelector('#estimate-vs-truth').scrollIntoView();",
                        Vec::new(),
                    )
                    .await?;
                let docs = prefplay_e2e::repo_root().join("docs");
                std::fs::write(docs.join("scenario.png"), client.screenshot().await?)?;
            }
        }
        prefplay_e2e::wait_saved(client).await?;
        let saved = saved_workspace(client).await?;
        let own = saved["ballots"][own_deck.as_str().unwrap_or_default()]
            .as_array()
            .map_or(0, Vec::len);
        ensure!(own == 2, "the user's two votes stay, got {own}");
        Ok(())
    })
    .await
}
