//! Every voting mode by keyboard and by mouse, with undo; voters; a new
//! deck pasted with a hostile label; everything still there after a reload.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prefplay_e2e::{
    WAIT, active_ballots, choose, click, eventually, press, repo_root, saved_workspace,
    wait_active_ballots, wait_for, wait_saved, with_page,
};
use serde_json::Value;

/// The saved workspace, as the page stored it.
async fn saved(client: &Client) -> Result<Value> {
    let w = saved_workspace(client).await?;
    ensure!(!w.is_null(), "nothing saved");
    Ok(w)
}

/// `data-item` of every element matching `css`, in page order.
async fn items(client: &Client, css: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for e in client.find_all(Locator::Css(css)).await? {
        out.push(e.attr("data-item").await?.unwrap_or_default());
    }
    Ok(out)
}

/// The ranking on screen once it differs from `before` (the page redraws
/// after the event that moved a row, not during it); `before` itself if
/// nothing changes within a few seconds, so the caller's check reports it.
async fn order_changed_from(client: &Client, before: &[String]) -> Result<Vec<String>> {
    let changed = eventually("the ranking to change", Duration::from_secs(5), || async {
        let now = items(client, "#ranking .rank-row").await?;
        Ok((now != before).then_some(now))
    })
    .await;
    match changed {
        Ok(now) => Ok(now),
        Err(_) => items(client, "#ranking .rank-row").await,
    }
}

/// The deck's item label for an index in a saved ballot.
fn label(deck_items: &[String], v: &Value) -> String {
    v.as_u64()
        .and_then(|i| deck_items.get(i as usize).cloned())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mode_by_keyboard_and_mouse() -> Result<()> {
    with_page("modes", async |client, url, _| scenario(client, url).await).await
}

async fn scenario(client: &Client, url: &str) -> Result<()> {
    client.goto(url).await?;
    wait_for(client, "#choice-left").await?;
    let deck: Vec<String> = std::fs::read_to_string(repo_root().join("www/decks/ice-cream.txt"))?
        .lines()
        .map(str::to_string)
        .collect();

    // A vs B: both bad by key (↑) and by button; tie by key; undo.
    let shown = items(client, ".pair .choice").await?;
    press(client, &Key::Up).await?;
    let b = wait_active_ballots(client, 1).await?;
    let o = &b[0]["observation"];
    ensure!(o["mode"] == "pair" && o["outcome"] == "both_bad", "{o}");
    ensure!(
        vec![label(&deck, &o["left"]), label(&deck, &o["right"])] == shown,
        "the pair ballot names the items shown: {o} vs {shown:?}"
    );
    ensure!(
        b[0]["prompt"] == "Which flavour is better?",
        "the deck's question is stored with the ballot: {}",
        b[0]
    );
    click(client, "#both-bad").await?;
    wait_active_ballots(client, 2).await?;
    press(client, &Key::Down).await?;
    let b = wait_active_ballots(client, 3).await?;
    ensure!(b[2]["observation"]["outcome"] == "tie", "{}", b[2]);
    press(client, &Key::Backspace).await?;
    wait_active_ballots(client, 2).await?;
    ensure!(
        client
            .find(Locator::Css("#why"))
            .await?
            .text()
            .await?
            .starts_with("Why this:"),
        "the page says why the pair was chosen"
    );

    // Best of 5: key 3 picks the third; a click picks the first.
    choose(client, "#mode", "best-of").await?;
    choose(client, "#k", "5").await?;
    let shown = eventually("five items", WAIT, || async {
        let s = items(client, ".several .choice").await?;
        Ok((s.len() == 5).then_some(s))
    })
    .await?;
    press(client, "3").await?;
    let b = wait_active_ballots(client, 3).await?;
    let o = &b[2]["observation"];
    ensure!(o["mode"] == "best_of", "{o}");
    ensure!(
        label(&deck, &o["chosen"]) == shown[2],
        "key 3 picks the third: {o}"
    );
    let shown = items(client, ".several .choice").await?;
    click(client, "#choice-1").await?;
    let b = wait_active_ballots(client, 4).await?;
    ensure!(
        label(&deck, &b[3]["observation"]["chosen"]) == shown[0],
        "a click picks its item"
    );
    press(client, &Key::Backspace).await?;
    wait_active_ballots(client, 3).await?;

    // Rank 4 by keyboard: Shift+↓ moves the first item down one; Enter submits.
    choose(client, "#mode", "ranking").await?;
    choose(client, "#k", "4").await?;
    let before = eventually("four rows", WAIT, || async {
        let s = items(client, "#ranking .rank-row").await?;
        Ok((s.len() == 4).then_some(s))
    })
    .await?;
    press(client, &format!("{}{}", &*Key::Shift, &*Key::Down)).await?;
    let moved = order_changed_from(client, &before).await?;
    ensure!(
        moved
            == vec![
                before[1].clone(),
                before[0].clone(),
                before[2].clone(),
                before[3].clone()
            ],
        "Shift+↓ moves the first item down: {before:?} → {moved:?}"
    );
    press(client, &Key::Enter).await?;
    let b = wait_active_ballots(client, 4).await?;
    let order: Vec<String> = b[3]["observation"]["order"]
        .as_array()
        .context("order")?
        .iter()
        .map(|v| label(&deck, v))
        .collect();
    ensure!(order == moved, "the ranking submitted is the one on screen");

    // Rank by mouse: drag the first row onto the third, then ▲ on the last.
    let before = eventually("a new ranking", WAIT, || async {
        let s = items(client, "#ranking .rank-row").await?;
        Ok((s.len() == 4).then_some(s))
    })
    .await?;
    let rows = client.find_all(Locator::Css("#ranking .rank-row")).await?;
    let drag = MouseActions::new("mouse".to_string())
        .then(PointerAction::MoveToElement {
            element: rows[0].clone(),
            duration: None,
            x: -60.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveToElement {
            element: rows[1].clone(),
            duration: Some(Duration::from_millis(100)),
            x: -60.0,
            y: 0.0,
        })
        .then(PointerAction::MoveToElement {
            element: rows[2].clone(),
            duration: Some(Duration::from_millis(100)),
            x: -60.0,
            y: 0.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    client.perform_actions(drag).await?;
    let dragged = order_changed_from(client, &before).await?;
    ensure!(
        dragged
            == vec![
                before[1].clone(),
                before[2].clone(),
                before[0].clone(),
                before[3].clone()
            ],
        "dragging the first row onto the third: {before:?} → {dragged:?}"
    );
    click(client, "#ranking .rank-row:last-child button.up").await?;
    let clicked = order_changed_from(client, &dragged).await?;
    ensure!(
        clicked
            == vec![
                dragged[0].clone(),
                dragged[1].clone(),
                dragged[3].clone(),
                dragged[2].clone()
            ],
        "▲ moves the last item up: {dragged:?} → {clicked:?}"
    );
    click(client, "#submit-ranking").await?;
    let b = wait_active_ballots(client, 5).await?;
    let order: Vec<String> = b[4]["observation"]["order"]
        .as_array()
        .context("order")?
        .iter()
        .map(|v| label(&deck, v))
        .collect();
    ensure!(
        order == clicked,
        "the ranking submitted by click is the one on screen"
    );

    // Thumbs: + by key, down by click.
    choose(client, "#mode", "thumb").await?;
    client.find(Locator::Css("#thumb-up")).await?;
    press(client, "+").await?;
    let b = wait_active_ballots(client, 6).await?;
    ensure!(b[5]["observation"]["up"] == true, "{}", b[5]);
    click(client, "#thumb-down").await?;
    let b = wait_active_ballots(client, 7).await?;
    ensure!(b[6]["observation"]["up"] == false, "{}", b[6]);

    // Likert: 4 by key, 2 by click, undo by Ctrl+Z.
    choose(client, "#mode", "likert").await?;
    client.find(Locator::Css("#likert-1")).await?;
    press(client, "4").await?;
    let b = wait_active_ballots(client, 8).await?;
    ensure!(b[7]["observation"]["score"] == 4, "{}", b[7]);
    click(client, "#likert-2").await?;
    wait_active_ballots(client, 9).await?;
    press(client, &format!("{}z", &*Key::Control)).await?;
    wait_active_ballots(client, 8).await?;

    // A second voter: typing the name votes nothing; their ballot is theirs.
    let name = client.find(Locator::Css("#new-participant")).await?;
    name.send_keys("Ada 1234").await?;
    click(client, "#add-participant").await?;
    ensure!(
        active_ballots(client).await?.len() == 8,
        "typing digits in a field must not vote"
    );
    press(client, "5").await?;
    let b = wait_active_ballots(client, 9).await?;
    ensure!(b[8]["participant"] == 1, "Ada's ballot: {}", b[8]);
    let people = saved(client).await?["participants"].clone();
    ensure!(people == serde_json::json!(["Me", "Ada 1234"]), "{people}");
    // Ada's undo does not take back Me's ballots.
    press(client, &Key::Backspace).await?;
    wait_active_ballots(client, 8).await?;
    click(client, "#undo").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    ensure!(
        active_ballots(client).await?.len() == 8,
        "Ada has nothing left to undo"
    );

    // A pasted deck with a hostile label shows it as text and runs nothing.
    choose(client, "#mode", "pair").await?;
    click(client, "#new-deck").await?;
    client
        .find(Locator::Css("#deck-name"))
        .await?
        .send_keys("Hostile")
        .await?;
    let hostile = "<img src=x onerror=\"window.pwned=1\">";
    client
        .find(Locator::Css("#deck-items"))
        .await?
        .send_keys(&format!("{hostile}\nplain"))
        .await?;
    click(client, "#create-deck").await?;
    let shown = eventually("the new deck's pair", WAIT, || async {
        let s = items(client, ".pair .choice").await?;
        Ok((s.len() == 2 && s.iter().any(|l| l == "plain")).then_some(s))
    })
    .await?;
    ensure!(shown.contains(&hostile.to_string()), "{shown:?}");
    let texts = client.find(Locator::Css(".pair")).await?.text().await?;
    ensure!(
        texts.contains(hostile),
        "the label is shown as text: {texts:?}"
    );
    let images = client
        .find_all(Locator::Css(".pair img, #leaderboard img"))
        .await?;
    ensure!(images.is_empty(), "a label became an <img> element");
    let pwned = client
        .execute("return window.pwned === 1;", Vec::new())
        .await?;
    ensure!(pwned == Value::Bool(false), "the label's script ran");

    // Edit the deck: rename an item in place, add one.
    click(client, "#edit-deck").await?;
    let items = client.find(Locator::Css("#deck-items")).await?;
    items.clear().await?;
    items
        .send_keys(&format!("{hostile}\nPlain text\nthird"))
        .await?;
    click(client, "#save-deck").await?;
    let labels = eventually("the edited deck", WAIT, || async {
        let w = saved(client).await?;
        let labels: Vec<String> = w["decks"]
            .as_array()
            .and_then(|d| d.iter().find(|d| d["name"] == "Hostile"))
            .and_then(|d| d["items"].as_array())
            .map(|i| {
                i.iter()
                    .filter_map(|x| x["label"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        Ok((labels.len() == 3).then_some(labels))
    })
    .await?;
    ensure!(labels == [hostile, "Plain text", "third"], "{labels:?}");

    // Reload: decks, voters, ballots and settings are all still there.
    wait_saved(client).await?;
    client.refresh().await?;
    wait_for(client, "#choice-left").await?;
    let w = saved(client).await?;
    ensure!(
        w["active_deck"] == "user-1" && w["decks"].as_array().map(Vec::len) == Some(5),
        "the new deck survives a reload"
    );
    choose(client, "#deck", "builtin-ice-cream").await?;
    let b = wait_active_ballots(client, 8).await?;
    ensure!(b.len() == 8, "the ice-cream ballots survive a reload");
    let count = client
        .find(Locator::Css("#vote-count"))
        .await?
        .text()
        .await?;
    ensure!(count.starts_with("8 votes"), "{count:?}");
    Ok(())
}
