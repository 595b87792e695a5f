//! Import → fit → export round trips in every export format, merging
//! three students' files, a bad file, a hostile label, drag-and-drop, the
//! network log, and the time to import and fit 100k Arena battles.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prefplay_e2e::{
    ChromeDriver, StaticServer, click, eventually, foreign_requests, fresh_dir, press, repo_root,
    saved_workspace, wait_for, with_page,
};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);

/// Ballots on deck `deck` in the stored workspace.
async fn stored(client: &Client, deck: &str) -> Result<Vec<Value>> {
    let w = saved_workspace(client).await?;
    Ok(w["ballots"][deck].as_array().cloned().unwrap_or_default())
}

async fn wait_stored(client: &Client, deck: &str, n: usize) -> Result<Vec<Value>> {
    eventually(
        &format!("{n} ballots stored on {deck}"),
        WAIT,
        || async move {
            let b = stored(client, deck).await?;
            Ok((b.len() == n).then_some(b))
        },
    )
    .await
}

/// Label → score once the leaderboard is fitted on `n` comparisons.
async fn scores(client: &Client, n: usize) -> Result<Vec<(String, f64)>> {
    eventually(&format!("a fit on {n}"), WAIT, || async move {
        let v = client
            .find(Locator::Css("#leaderboard"))
            .await?
            .attr("data-votes")
            .await?;
        Ok((v.as_deref() == Some(n.to_string().as_str())).then_some(()))
    })
    .await?;
    let mut out = Vec::new();
    for row in client
        .find_all(Locator::Css("#leaderboard tbody tr"))
        .await?
    {
        let item = row.attr("data-item").await?.unwrap_or_default();
        let score: f64 = row.attr("data-score").await?.unwrap_or_default().parse()?;
        out.push((item, score));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Picks `paths` in the import file input and waits for the preview.
async fn import(client: &Client, paths: &[PathBuf]) -> Result<Value> {
    let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    client
        .find(Locator::Css("#import-file"))
        .await?
        .send_keys(&list.join("\n"))
        .await?;
    wait_for(client, "#import-preview").await?;
    let preview = client.find(Locator::Css("#import-preview")).await?;
    let added: usize = preview
        .attr("data-added")
        .await?
        .unwrap_or_default()
        .parse()?;
    let errors: Vec<String> = {
        let mut e = Vec::new();
        for li in client.find_all(Locator::Css(".import-error")).await? {
            e.push(li.text().await?);
        }
        e
    };
    Ok(json!({ "added": added, "errors": errors, "text": preview.text().await? }))
}

async fn reset_deck(client: &Client) -> Result<()> {
    click(client, "#reset").await?;
    click(client, "#confirm-reset").await?;
    wait_stored(client, "builtin-ice-cream", 0).await?;
    Ok(())
}

/// Waits for a downloaded file and returns its path.
async fn downloaded(dir: &Path, name: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    eventually(&format!("download {name}"), WAIT, || {
        let path = path.clone();
        async move { Ok(path.is_file().then_some(())) }
    })
    .await?;
    // The browser writes the file under a temporary name first.
    tokio::time::sleep(Duration::from_millis(200)).await;
    Ok(path)
}

/// A student's workspace file with `n` ballots by `name` on the ice-cream deck.
fn student_file(dir: &Path, name: &str, n: usize) -> Result<PathBuf> {
    let ballots: Vec<Value> = (0..n)
        .map(|k| {
            json!({
                "id": format!("1700000000000-{name}-{k:06}"),
                "participant": 0,
                "observation": {"mode": "pair", "left": k % 12, "right": (k + 1) % 12, "outcome": "a"},
            })
        })
        .collect();
    let file = json!({
        "format": "prefplay-workspace",
        "version": 1,
        "decks": [{"id": "builtin-ice-cream", "name": "Ice-cream flavours", "items": std::fs::read_to_string(repo_root().join("www/decks/ice-cream.txt"))?.lines().map(|l| json!({"label": l})).collect::<Vec<_>>()}],
        "participants": [name],
        "ballots": {"builtin-ice-cream": ballots},
    });
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, file.to_string())?;
    Ok(path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_fit_export_round_trips() -> Result<()> {
    let files = fresh_dir("io-files")?;
    with_page("io", async |client, url, downloads| {
        round_trips(client, url, downloads, &files).await
    })
    .await
}

async fn round_trips(client: &Client, url: &str, downloads: &Path, files: &Path) -> Result<()> {
    client.goto(url).await?;
    wait_for(client, "#choice-left").await?;
    let deck = "builtin-ice-cream";
    // 12 votes: left, right, tie, both bad, three times over.
    for k in 0..12 {
        let key = [&*Key::Left, &*Key::Right, &*Key::Down, &*Key::Up][k % 4];
        press(client, key).await?;
        wait_stored(client, deck, k + 1).await?;
    }
    let original = scores(client, 12).await?;

    // Export every format.
    let mut exported = Vec::new();
    for (button, name) in [
        ("#export", "prefplay-votes.csv"),
        ("#export-workspace", "prefplay-workspace.json"),
        ("#export-arena", "prefplay-arena.jsonl"),
        ("#export-hf", "prefplay-hf.jsonl"),
    ] {
        click(client, button).await?;
        exported.push((name, downloaded(downloads, name).await?));
    }
    let note = client.find(Locator::Css(".message")).await?.text().await?;
    ensure!(
        note.contains("6 tie or both-bad comparisons left out"),
        "HF export says what it leaves out: {note:?}"
    );

    // Each file, imported into an emptied deck, gives back the same fit
    // (HF: the 6 decisive votes).
    for (name, path) in &exported {
        reset_deck(client).await?;
        let p = import(client, std::slice::from_ref(path)).await?;
        let expected = if name.ends_with("hf.jsonl") { 6 } else { 12 };
        ensure!(p["added"] == expected, "{name}: preview {p}");
        click(client, "#confirm-import").await?;
        wait_stored(client, deck, expected).await?;
        if expected == 12 {
            let back = scores(client, 12).await?;
            for ((a, sa), (b, sb)) in original.iter().zip(&back) {
                ensure!(
                    a == b && (sa - sb).abs() < 1e-9,
                    "{name}: {a} {sa} vs {b} {sb}"
                );
            }
        } else {
            scores(client, 6).await?;
        }
        // Importing the same file again adds nothing.
        let again = import(client, std::slice::from_ref(path)).await?;
        ensure!(again["added"] == 0, "{name} twice: {again}");
        click(client, "#cancel-import").await?;
    }

    // Three students' files at once: their voters are kept.
    reset_deck(client).await?;
    let class: Vec<PathBuf> = [("Ada", 3), ("Bo", 4), ("Cy", 5)]
        .iter()
        .map(|(n, k)| student_file(files, n, *k))
        .collect::<Result<_>>()?;
    let p = import(client, &class).await?;
    ensure!(p["added"] == 12, "three files: {p}");
    click(client, "#confirm-import").await?;
    let b = wait_stored(client, deck, 12).await?;
    let w = saved_workspace(client).await?;
    let people: Vec<String> = w["participants"]
        .as_array()
        .context("participants")?
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    for (name, expected) in [("Ada", 3), ("Bo", 4), ("Cy", 5)] {
        let id = people
            .iter()
            .position(|p| p == name)
            .context("voter missing")?;
        let n = b.iter().filter(|x| x["participant"] == id).count();
        ensure!(n == expected, "{name} has {n} ballots, not {expected}");
    }
    // One voter's view fits only that voter's ballots.
    client
        .find(Locator::Css("#view"))
        .await?
        .select_by_value(
            &people
                .iter()
                .position(|p| p == "Bo")
                .unwrap_or(0)
                .to_string(),
        )
        .await?;
    scores(client, 4).await?;
    client
        .find(Locator::Css("#view"))
        .await?
        .select_by_value("pooled")
        .await?;
    scores(client, 12).await?;

    // One file in each format prefplay-core reads, imported together.
    let formats = [
        ("pairs.csv", "item_a,item_b,winner\nVanilla,Coffee,a\n"),
        ("wl.csv", "winner,loser\nVanilla,Coffee\n"),
        (
            "arena.json",
            "[{\"model_a\":\"Vanilla\",\"model_b\":\"Coffee\",\"winner\":\"model_a\"}]",
        ),
        (
            "hf.jsonl",
            "{\"prompt\":\"p\",\"chosen\":\"Vanilla\",\"rejected\":\"Coffee\"}\n",
        ),
        (
            "crowd.csv",
            "worker,left,right,label\nw1,Vanilla,Coffee,Vanilla\n",
        ),
        (
            "ranks.csv",
            "ranking\nVanilla > Coffee > Mint chocolate chip\n",
        ),
        (
            "table.json",
            "{\"format\":\"prefplay\",\"version\":1,\"items\":[\"Vanilla\",\"Coffee\"],\"votes\":[{\"a\":0,\"b\":1,\"outcome\":\"a\"}]}",
        ),
    ];
    let mut paths = Vec::new();
    for (name, text) in formats {
        let p = files.join(name);
        std::fs::write(&p, text)?;
        paths.push(p);
    }
    let p = import(client, &paths).await?;
    ensure!(
        p["added"] == 9 && p["errors"].as_array().is_some_and(Vec::is_empty),
        "every format: {p}"
    );
    click(client, "#confirm-import").await?;
    let b = wait_stored(client, deck, 12 + 9).await?;
    let vanilla = std::fs::read_to_string(repo_root().join("www/decks/ice-cream.txt"))?
        .lines()
        .position(|l| l == "Vanilla")
        .context("Vanilla")?;
    let vanilla_wins = b[..9]
        .iter()
        .filter(|x| {
            let o = &x["observation"];
            (o["left"] == vanilla && o["outcome"] == "a")
                || (o["right"] == vanilla && o["outcome"] == "b")
        })
        .count();
    ensure!(
        vanilla_wins == 8,
        "Vanilla wins 8 of the 9 imported comparisons, got {vanilla_wins}"
    );

    // A bad file: the error names file, line and field; nothing changes.
    let bad = files.join("bad.csv");
    std::fs::write(
        &bad,
        "item_a,item_b,winner\nVanilla,Coffee,a\nVanilla,Coffee,maybe\n",
    )?;
    let p = import(client, &[bad]).await?;
    let errors = p["errors"].to_string();
    ensure!(
        errors.contains("bad.csv, line 3, field `winner`"),
        "error {errors}"
    );
    click(client, "#cancel-import").await?;
    let after = stored(client, deck).await?.len();
    ensure!(after == 21, "a bad file changes nothing: {after} ballots");

    // A hostile label from CSV, dropped on the page: shown as text.
    let hostile = "<img src=x onerror=\"window.pwned=1\">";
    let csv = format!(
        "item_a,item_b,winner\n\"{}\",plain,a\n",
        hostile.replace('"', "\"\"")
    );
    client
        .execute(
            "const dt = new DataTransfer();\
             dt.items.add(new File([arguments[0]], 'hostile.csv', {type: 'text/csv'}));\
             window.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));",
            vec![Value::String(csv)],
        )
        .await?;
    wait_for(client, "#import-preview").await?;
    click(client, "#confirm-import").await?;
    let item = eventually("the hostile deck on screen", WAIT, || async {
        let buttons = client.find_all(Locator::Css(".pair .choice")).await?;
        let mut labels = Vec::new();
        for b in buttons {
            labels.push(b.attr("data-item").await?.unwrap_or_default());
        }
        Ok(labels.iter().any(|l| l == "plain").then_some(labels))
    })
    .await?;
    ensure!(item.iter().any(|l| l == hostile), "labels {item:?}");
    ensure!(
        client.find_all(Locator::Css("main img")).await?.is_empty(),
        "a label became an <img>"
    );
    let pwned = client
        .execute("return window.pwned === 1;", Vec::new())
        .await?;
    ensure!(pwned == Value::Bool(false), "the label's script ran");

    // The policy allows no injected script: its script-src lists hashes,
    // not 'unsafe-inline', so even markup injected past the text-only
    // labels could not run an inline handler.
    let policy = client
        .execute(
            "return document.querySelector('meta[http-equiv=Content-Security-Policy]').content;",
            Vec::new(),
        )
        .await?;
    let policy = policy.as_str().unwrap_or_default();
    let script_src = policy
        .split(';')
        .find(|d| d.trim_start().starts_with("script-src"))
        .unwrap_or_default();
    ensure!(
        !script_src.contains("unsafe-inline") && script_src.contains("'sha256-"),
        "script-src {script_src:?}"
    );
    client
        .execute(
            "document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.injected=1\">');",
            Vec::new(),
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let injected = client
        .execute("return window.injected === 1;", Vec::new())
        .await?;
    ensure!(
        injected == Value::Bool(false),
        "an injected inline handler ran despite the policy"
    );

    // Every request the page made went to its own origin.
    let foreign = foreign_requests(client).await?;
    ensure!(foreign.is_empty(), "requests to other origins: {foreign:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_and_fit_100k_arena_battles() -> Result<()> {
    let root = repo_root();
    let server = StaticServer::start(&root.join("dist"))?;
    let downloads = fresh_dir("big-downloads")?;
    let files = fresh_dir("big-files")?;
    let profile = fresh_dir("big-profile")?;
    // 100,000 battles among 60 models with hidden strengths (a fixed LCG).
    let n_models = 60;
    let mut state: u64 = 42;
    let mut next = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    let mut text = String::new();
    for _ in 0..100_000 {
        let a = (next() * n_models as f64) as usize % n_models;
        let b = (a + 1 + (next() * (n_models - 1) as f64) as usize % (n_models - 1)) % n_models;
        let p = 1.0 / (1.0 + (-(a as f64 - b as f64) / 15.0).exp());
        let u = next();
        let winner = if u < 0.1 {
            "tie"
        } else if u < 0.1 + 0.9 * p {
            "model_a"
        } else {
            "model_b"
        };
        text.push_str(&format!(
            "{{\"model_a\":\"model-{a:02}\",\"model_b\":\"model-{b:02}\",\"winner\":\"{winner}\"}}\n"
        ));
    }
    let path = files.join("arena-100k.jsonl");
    std::fs::write(&path, &text)?;
    let driver = ChromeDriver::start()?;
    let client = driver.browser(&downloads, &profile).await?;
    let outcome = async {
        client.goto(&server.url).await?;
        wait_for(&client, "#choice-left").await?;
        let started = Instant::now();
        let p = import(&client, std::slice::from_ref(&path)).await?;
        let preview_s = started.elapsed().as_secs_f64();
        ensure!(p["added"] == 100_000, "preview {p}");
        let read_ms = client
            .find(Locator::Css("#import-preview"))
            .await?
            .attr("data-read-ms")
            .await?
            .unwrap_or_default();
        let confirmed = Instant::now();
        click(&client, "#confirm-import").await?;
        let ranked = scores(&client, 100_000).await?;
        let fit_s = confirmed.elapsed().as_secs_f64();
        ensure!(ranked.len() == n_models, "{} rows", ranked.len());
        // The strongest hidden model (59) comes first.
        let best = client
            .find(Locator::Css("#leaderboard tbody tr"))
            .await?
            .attr("data-item")
            .await?
            .unwrap_or_default();
        ensure!(best == "model-59", "first is {best}");
        let stored_at = Instant::now();
        eventually("the save to finish", WAIT, || async {
            let state = client
                .find(Locator::Css("#save-state"))
                .await?
                .attr("data-state")
                .await?;
            Ok((state.as_deref() == Some("saved")).then_some(()))
        })
        .await?;
        let store_s = stored_at.elapsed().as_secs_f64();
        wait_stored(&client, "user-1", 100_000).await?;
        println!(
            "MEASURE: 100k Arena JSONL ({:.1} MB): file picked → preview {preview_s:.2} s (read + parse + merge {read_ms} ms on the page); confirm → leaderboard fitted {fit_s:.2} s; then stored in IndexedDB within {store_s:.2} s more",
            text.len() as f64 / 1e6
        );
        // One more vote on 100k, timed on the page's clock: from the key
        // press to the leaderboard fitted on 100,001, and to "saved".
        let timing = client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 const t0 = performance.now(); let fitted = null;\
                 window.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowLeft', bubbles: true}));\
                 const poll = () => {\
                   const now = performance.now();\
                   if (fitted === null && document.querySelector('#leaderboard').dataset.votes === '100001') fitted = now - t0;\
                   const saved = document.querySelector('#save-state').dataset.state === 'saved';\
                   if (fitted !== null && saved) { done([fitted, now - t0]); return; }\
                   if (now - t0 > 30000) { done(null); return; }\
                   requestAnimationFrame(poll);\
                 };\
                 requestAnimationFrame(poll);",
                Vec::new(),
            )
            .await?;
        let (vote_fit_ms, vote_saved_ms) = (
            timing[0].as_f64().context("no fit after one vote")?,
            timing[1].as_f64().unwrap_or(f64::NAN),
        );
        println!(
            "MEASURE: one vote on top of 100k ballots (page clock): fitted after {vote_fit_ms:.0} ms, saved after {vote_saved_ms:.0} ms"
        );
        // The votes survive a reload.
        let reloaded = Instant::now();
        client.refresh().await?;
        scores(&client, 100_001).await?;
        println!(
            "MEASURE: reload with 100k stored ballots → leaderboard fitted {:.2} s",
            reloaded.elapsed().as_secs_f64()
        );
        Ok(())
    }
    .await;
    let _ = client.close().await;
    outcome
}
