//! The personalized page: scenario (7) (a cycle GPM fits and BT cannot),
//! scenario (8) (two groups recovered; personal models beat pooled BT; a
//! new voter's accuracy rises with answers), scenario (8) with every
//! training loop on the GPU (?engine=gpu), and the page on the
//! playground's own votes by two voters.

use std::time::Duration;

use anyhow::{Result, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prefplay_e2e::{attr, click, eventually, press, wait_for, wait_saved, with_page};

const WAIT: Duration = Duration::from_secs(120);

async fn done(client: &Client) -> Result<()> {
    eventually("the fits", WAIT, || async {
        Ok((attr(client, "#personal-status", "data-done").await? == "true").then_some(()))
    })
    .await
}

async fn model(client: &Client, name: &str, field: &str) -> Result<f64> {
    Ok(attr(
        client,
        &format!("#personal-models tr[data-model={name}]"),
        field,
    )
    .await?
    .parse()?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_seven_shows_the_cycle_bt_cannot_fit() -> Result<()> {
    with_page("personal-7", async |client, url, _| {
        client.goto(&format!("{url}?scenario=7")).await?;
        done(client).await?;
        let gpm = model(client, "gpm", "data-accuracy").await?;
        let bt = model(client, "bt", "data-accuracy").await?;
        println!("scenario 7: held-out accuracy GPM {gpm:.3}, BT {bt:.3}");
        ensure!(gpm > 0.8 && bt < 0.75, "GPM {gpm} vs BT {bt}");
        let marked = attr(client, "#personal-models tr.best", "data-model").await?;
        ensure!(
            marked == "gpm",
            "the table marks {marked} as the best on held-out votes, not GPM"
        );
        let p = |r: usize, c: usize| async move {
            attr(
                client,
                &format!("#cycle-matrix rect[data-row='{r}'][data-col='{c}']"),
                "data-value",
            )
            .await?
            .parse::<f64>()
            .map_err(anyhow::Error::from)
        };
        // rock ≻ scissors ≻ paper ≻ rock.
        for (r, c) in [(0, 1), (1, 2), (2, 0)] {
            let v = p(r, c).await?;
            ensure!(v > 0.7, "P({r} beats {c}) = {v}");
        }
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_eight_recovers_two_groups() -> Result<()> {
    with_page("personal-8", async |client, url, _| {
        client.goto(&format!("{url}?scenario=8&seed=8")).await?;
        done(client).await?;
        let ari: f64 = attr(client, "#scenario-ari", "data-ari").await?.parse()?;
        let bt = model(client, "bt", "data-log-loss").await?;
        let mixture = model(client, "mixture", "data-log-loss").await?;
        println!("scenario 8: ARI {ari:.2}; held-out log-loss BT {bt:.3}, mixture {mixture:.3}");
        ensure!(ari >= 0.9, "ARI {ari}");
        ensure!(mixture < bt - 0.05, "mixture {mixture} vs BT {bt}");
        let groups: Vec<String> = {
            let mut g = Vec::new();
            for c in client.find_all(Locator::Css("#rater-map circle")).await? {
                g.push(c.attr("data-group").await?.unwrap_or_default());
            }
            g
        };
        ensure!(groups.len() == 24, "a point per voter");
        ensure!(groups.iter().any(|g| g == "0") && groups.iter().any(|g| g == "1"));
        ensure!(
            client
                .find_all(Locator::Css("#rater-boards table"))
                .await?
                .len()
                == 7
        );
        ensure!(
            client
                .find_all(Locator::Css("#agreement rect"))
                .await?
                .len()
                == 24 * 24
        );
        ensure!(
            client
                .find_all(Locator::Css("#your-top-list li"))
                .await?
                .len()
                == 10
        );
        let points = attr(
            client,
            "#few-shot polyline[data-series='pairs chosen by information']",
            "data-points",
        )
        .await?;
        ensure!(points == "11", "accuracy after 0…10 answers: {points}");
        // A new voter answers pairs chosen by information; keys work too.
        for _ in 0..3 {
            click(client, "#quiz-left").await?;
        }
        press(client, &Key::Right).await?;
        eventually("four answers", WAIT, || async {
            Ok((attr(client, "#quiz-count", "data-answers").await? == "4").then_some(()))
        })
        .await?;
        ensure!(client.find_all(Locator::Css("#quiz-top li")).await?.len() == 10);
        let docs = prefplay_e2e::repo_root().join("docs");
        std::fs::create_dir_all(&docs)?;
        client
            .execute(
                "document.querySelector('#rater-map').scrollIntoView();",
                Vec::new(),
            )
            .await?;
        std::fs::write(docs.join("personal.png"), client.screenshot().await?)?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scenario_eight_trains_every_model_on_the_gpu() -> Result<()> {
    with_page("personal-8-gpu", async |client, url, _| {
        client
            .goto(&format!("{url}?scenario=8&seed=8&engine=gpu"))
            .await?;
        done(client).await?;
        let engines = attr(client, "#personal-status", "data-engines").await?;
        let status = client
            .find(Locator::Css("#personal-status"))
            .await?
            .text()
            .await?;
        println!("MEASURE: scenario 8 on ?engine=gpu: {status}");
        ensure!(
            engines.starts_with("GPU: ") && !engines.contains("CPU"),
            "every training loop ran on the GPU: {engines}"
        );
        let ari: f64 = attr(client, "#scenario-ari", "data-ari").await?.parse()?;
        let bt = model(client, "bt", "data-log-loss").await?;
        let mixture = model(client, "mixture", "data-log-loss").await?;
        let low_rank = model(client, "personal-lowrank", "data-log-loss").await?;
        println!(
            "scenario 8 on the GPU: ARI {ari:.2}; held-out log-loss BT {bt:.3}, mixture {mixture:.3}, low-rank {low_rank:.3}"
        );
        ensure!(ari >= 0.9, "ARI {ari}");
        ensure!(mixture < bt - 0.05, "mixture {mixture} vs BT {bt}");
        ensure!(low_rank < bt - 0.05, "low-rank {low_rank} vs BT {bt}");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_reads_the_playgrounds_voters() -> Result<()> {
    with_page("personal-votes", async |client, url, downloads| {
        client.goto(url).await?;
        wait_for(client, "#choice-left").await?;
        // Two voters with opposite tastes: the first always picks the left
        // item, the second always the right.
        for (voter, key) in [(0, &*Key::Left), (1, &*Key::Right)] {
            if voter == 1 {
                client
                    .find(Locator::Css("#new-participant"))
                    .await?
                    .send_keys("Bo")
                    .await?;
                click(client, "#add-participant").await?;
            }
            for k in 0..15 {
                press(client, key).await?;
                eventually("the vote", WAIT, || async {
                    let n: usize = attr(client, "#vote-count", "data-ballots").await?.parse()?;
                    Ok((n == voter * 15 + k + 1).then_some(()))
                })
                .await?;
            }
        }
        wait_saved(client).await?;
        // The anonymous export keeps the two voters apart, without names.
        click(client, "#export-anonymous").await?;
        let path = downloads.join("prefplay-votes-anonymous.csv");
        eventually("the anonymous export", WAIT, || {
            let path = path.clone();
            async move { Ok(path.is_file().then_some(())) }
        })
        .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let csv = std::fs::read_to_string(&path)?;
        ensure!(!csv.contains("Bo") && csv.contains("voter 2"), "{csv}");
        client.goto(&format!("{url}?page=personal")).await?;
        done(client).await?;
        // The count is matched with the voting page's ballots.
        let source = client
            .find(Locator::Css("#personal-source"))
            .await?
            .text()
            .await?;
        ensure!(
            source.starts_with("30 pairwise votes from 30 ballots on this deck")
                && source.contains("by the 2 voters who voted on it"),
            "{source}"
        );
        let boards = client.find_all(Locator::Css("#rater-boards table")).await?;
        ensure!(boards.len() == 3, "pooled + two voters: {}", boards.len());
        ensure!(attr(client, "#rater-boards table:nth-child(3)", "data-rater").await? == "Bo");
        ensure!(
            client
                .find_all(Locator::Css("#agreement rect"))
                .await?
                .len()
                == 4
        );
        Ok(())
    })
    .await
}
