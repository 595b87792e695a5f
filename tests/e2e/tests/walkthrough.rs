//! The walk-through: every page and every scenario opened as a new user
//! would, at phone (390 × 844), laptop (1280 × 800) and projector
//! (1920 × 1080) sizes, checked for what a person notices: sideways
//! scrolling, text cut inside its box (or by a chart's edge), a link
//! within the page that leads nowhere, the voting buttons off a phone's
//! first screen, console errors and warnings, charts without axis labels,
//! legend or note, a value drawn past its axis unannounced, focus left in
//! a menu, and serious or critical accessibility problems (axe-core, the
//! npm package, injected by this test only). Screenshots go to
//! `target/walkthrough/` for a reviewer.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prefplay_e2e::{
    attr, choose, click, console_messages, eventually, repo_root, set_value, wait_for, with_page,
};

/// (name, width, height) of the windows.
const SIZES: [(&str, u32, u32); 3] = [
    ("phone", 390, 844),
    ("laptop", 1280, 800),
    ("projector", 1920, 1080),
];

/// (name, address, what shows the page is ready).
const PAGES: [(&str, &str, &str); 12] = [
    ("voting", "", "#leaderboard"),
    ("scenario-1", "?scenario=1", "#leaderboard"),
    (
        "scenario-2",
        "?scenario=2",
        "#leaderboard[data-votes='300']",
    ),
    (
        "scenario-3",
        "?scenario=3",
        "#leaderboard[data-votes='300']",
    ),
    ("scenario-4", "?scenario=4", "#race[data-state=done]"),
    (
        "scenario-5",
        "?scenario=5",
        "#leaderboard:not([data-votes='0'])",
    ),
    (
        "scenario-6",
        "?scenario=6",
        "#leaderboard:not([data-votes='0'])",
    ),
    ("loss-lab", "?page=loss", "#loss-chart polyline.series"),
    (
        "scenario-9",
        "?scenario=9",
        "#scenario-status[data-done=true]",
    ),
    ("personal", "?page=personal", "#to-playground"),
    ("scenario-7", "?scenario=7", "#personal-models"),
    ("scenario-8", "?scenario=8", "#personal-models"),
];

const WAIT: Duration = Duration::from_secs(120);

/// What a person would notice on the page as it stands, as a list of
/// findings (empty: nothing).
const AUDIT: &str = r#"
const findings = [];
const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
const text = (el) => (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const de = document.documentElement;
if (de.scrollWidth > window.innerWidth + 1) {
  findings.push(`sideways scrolling: the page is ${de.scrollWidth} px wide in a ${window.innerWidth} px window`);
}
for (const el of document.querySelectorAll('button, label, th, td, h1, h2, h3, p, li, summary, caption, legend, figcaption, output, select, a')) {
  if (!visible(el) || el.clientWidth === 0) continue;
  const cs = getComputedStyle(el);
  if (cs.overflowX === 'auto' || cs.overflowX === 'scroll') continue;
  if (el.closest('svg')) continue;
  if (el.scrollWidth > el.clientWidth + 1) {
    findings.push(`text cut: ${name(el)} "${text(el)}" needs ${el.scrollWidth} px, has ${el.clientWidth}`);
  }
}
// Text inside a chart cut by the drawing's edge (an SVG clips what runs
// past its box; scrollWidth cannot see it).
for (const t of document.querySelectorAll('svg text')) {
  const svg = t.ownerSVGElement;
  if (!svg || !visible(t) || !visible(svg) || !t.textContent.trim()) continue;
  if (getComputedStyle(svg).overflow === 'visible') continue;
  const r = t.getBoundingClientRect(), box = svg.getBoundingClientRect();
  if (r.width === 0) continue;
  if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
    findings.push(`chart text cut: ${name(svg.closest('figure') || svg)} "${text(t)}" spans x ${Math.round(r.left)}–${Math.round(r.right)}, y ${Math.round(r.top)}–${Math.round(r.bottom)}; the drawing x ${Math.round(box.left)}–${Math.round(box.right)}, y ${Math.round(box.top)}–${Math.round(box.bottom)}`);
  }
}
// A link within the page that leads nowhere (a scenario's "Go to …").
for (const a of document.querySelectorAll("a[href^='#']")) {
  const target = a.getAttribute('href').slice(1);
  if (target && visible(a) && !document.getElementById(target)) {
    findings.push(`dead link: ${name(a)} "${text(a)}" points at #${target}, which is not on the page`);
  }
}
for (const fig of document.querySelectorAll('figure.chart')) {
  if (!visible(fig)) continue;
  const id = fig.id || name(fig);
  if (!fig.querySelector('figcaption') || !text(fig.querySelector('figcaption'))) findings.push(`chart ${id}: no title`);
  if (!fig.querySelector('.chart-note, .explain')) findings.push(`chart ${id}: no note`);
  const series = Number(fig.getAttribute('data-series-count') || '0');
  if (fig.querySelector('polyline.series')) {
    if (fig.querySelectorAll('text.axis-label').length < 2) findings.push(`chart ${id}: axis labels missing`);
    if (series > 1 && fig.querySelectorAll('.legend li').length < series) findings.push(`chart ${id}: ${series} series and no legend`);
  }
  if (fig.getAttribute('data-clipped') === 'true' && !/clipped/i.test((fig.querySelector('.chart-note, .explain') || fig).textContent)) {
    findings.push(`chart ${id}: values drawn past the axis without a word`);
  }
}
return findings;
"#;

/// Whether the voting buttons are on a phone's first screen.
const VOTE_ON_FIRST_SCREEN: &str = r#"
const b = document.querySelector('#choice-left');
if (!b) return true;
const r = b.getBoundingClientRect();
return r.bottom <= window.innerHeight;
"#;

fn shots() -> Result<PathBuf> {
    let dir = repo_root().join("target/walkthrough");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Serious and critical violations axe-core finds on the page.
async fn accessibility(client: &Client, axe: &str) -> Result<Vec<String>> {
    client.execute(axe, Vec::new()).await?;
    let found = client
        .execute_async(
            "const done = arguments[0];
             axe.run(document, { resultTypes: ['violations'] }).then(r => done(
               r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')})`)));",
            Vec::new(),
        )
        .await?;
    Ok(found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default())
}

async fn walk(client: &Client, url: &str) -> Result<()> {
    let axe_path = repo_root().join("target/tools/axe/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe_path).with_context(|| {
        format!(
            "{}: install axe-core (`cargo xtask test` does)",
            axe_path.display()
        )
    })?;
    let dir = shots()?;
    let mut problems = Vec::new();
    for (size, width, height) in SIZES {
        client.set_window_size(width, height).await?;
        for (page, address, ready) in PAGES {
            client.goto(&format!("{url}{address}")).await?;
            if let Err(e) = wait_for_long(client, ready).await {
                problems.push(format!("{size} {page}: never ready ({e})"));
                continue;
            }
            // Let the charts and fits that follow settle.
            tokio::time::sleep(Duration::from_millis(600)).await;
            let here = format!("{size} {page}");
            let findings = client.execute(AUDIT, Vec::new()).await?;
            for f in findings.as_array().into_iter().flatten() {
                problems.push(format!("{here}: {}", f.as_str().unwrap_or_default()));
            }
            if size == "phone"
                && !client
                    .execute(VOTE_ON_FIRST_SCREEN, Vec::new())
                    .await?
                    .as_bool()
                    .unwrap_or(true)
            {
                problems.push(format!(
                    "{here}: the voting buttons are below the first screen"
                ));
            }
            for (level, message) in console_messages(client).await? {
                if level == "SEVERE" || level == "WARNING" {
                    problems.push(format!("{here}: console {level}: {message}"));
                }
            }
            if size == "laptop" {
                for v in accessibility(client, &axe).await? {
                    problems.push(format!("{here}: accessibility: {v}"));
                }
            }
            std::fs::write(
                dir.join(format!("{size}-{page}.png")),
                client.screenshot().await?,
            )?;
        }
    }
    problems.extend(long_label(client, url).await?);
    for p in &problems {
        println!("WALKTHROUGH: {p}");
    }
    ensure!(
        problems.is_empty(),
        "{} problems a person would notice (screenshots in {}):\n{}",
        problems.len(),
        dir.display(),
        problems.join("\n")
    );
    Ok(())
}

/// A deck with a 1,000-character label, in pairs and in best of k, at
/// every size: it wraps in its card and widens nothing.
async fn long_label(client: &Client, url: &str) -> Result<Vec<String>> {
    client.set_window_size(1280, 800).await?;
    client.goto(url).await?;
    wait_for(client, "#choice-left").await?;
    choose(client, "#mode", "pair").await?;
    click(client, "#new-deck").await?;
    set_value(client, "#deck-name", "Long labels", "input").await?;
    let long = "a very long label ".repeat(56);
    let items = format!("{long}\nStracciatella\nMint chocolate chip\nVanilla");
    set_value(client, "#deck-items", &items, "input").await?;
    click(client, "#create-deck").await?;
    wait_for(client, "#leaderboard[data-votes='0']").await?;
    let mut problems = Vec::new();
    for mode in ["pair", "best-of"] {
        choose(client, "#mode", mode).await?;
        for (size, width, height) in SIZES {
            client.set_window_size(width, height).await?;
            tokio::time::sleep(Duration::from_millis(400)).await;
            let findings = client.execute(AUDIT, Vec::new()).await?;
            for f in findings.as_array().into_iter().flatten() {
                problems.push(format!(
                    "long label, {mode}, {size}: {}",
                    f.as_str().unwrap_or_default()
                ));
            }
            std::fs::write(
                shots()?.join(format!("{size}-long-label-{mode}.png")),
                client.screenshot().await?,
            )?;
        }
    }
    Ok(problems)
}

async fn wait_for_long(client: &Client, css: &str) -> Result<()> {
    eventually(css, WAIT, || async {
        Ok(client.find(Locator::Css(css)).await.ok().map(|_| ()))
    })
    .await
}

/// After a menu changes, the voting keys vote: focus is back in the voting
/// area, and ↓ records a tie instead of changing the menu again.
async fn focus_returns(client: &Client, url: &str) -> Result<()> {
    client.set_window_size(1280, 800).await?;
    client.goto(url).await?;
    wait_for(client, "#choice-left").await?;
    let before: usize = attr(client, "#vote-count", "data-ballots").await?.parse()?;
    let menu = client.find(Locator::Css("#strategy")).await?;
    let chosen = menu.prop("value").await?.unwrap_or_default();
    menu.send_keys(&Key::Down.to_string()).await?;
    let changed = eventually("the menu's new value", WAIT, || async {
        let v = client
            .find(Locator::Css("#strategy"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        Ok((v != chosen).then_some(v))
    })
    .await?;
    eventually("focus in the voting area", WAIT, || async {
        let id = client.active_element().await?.attr("id").await?;
        Ok((id.as_deref() == Some("vote-area")).then_some(()))
    })
    .await?;
    client
        .active_element()
        .await?
        .send_keys(&Key::Down.to_string())
        .await?;
    eventually("the tie recorded", WAIT, || async {
        let n: usize = attr(client, "#vote-count", "data-ballots").await?.parse()?;
        Ok((n == before + 1).then_some(()))
    })
    .await?;
    let after = client
        .find(Locator::Css("#strategy"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        after == changed,
        "↓ changed the menu again: {changed} → {after}"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_user_walks_every_page_at_phone_laptop_and_projector_sizes() -> Result<()> {
    with_page("walkthrough", async |client, url, _| {
        focus_returns(client, url).await?;
        // What the focus check logged is not the walk's business.
        let _ = console_messages(client).await?;
        walk(client, url).await
    })
    .await
}
