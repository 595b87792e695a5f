//! Sharing by link: a student's "send my votes" link merged by the
//! teacher, a lesson link that hides the controls, and a full link with
//! votes opened in another browser profile.

use std::path::Path;

use anyhow::{Result, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use prefplay_e2e::{
    ChromeDriver, StaticServer, WAIT, active_ballots, click, eventually, fresh_dir, press,
    repo_root, saved_workspace, wait_active_ballots, wait_for,
};

async fn link(client: &Client) -> Result<String> {
    wait_for(client, "#share-link").await?;
    Ok(client
        .find(Locator::Css("#share-link"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

/// Runs `f` in a fresh browser profile.
async fn in_profile<F, Fut, T>(
    driver: &ChromeDriver,
    downloads: &Path,
    name: &str,
    f: F,
) -> Result<T>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let profile = fresh_dir(name)?;
    let client = driver.browser(downloads, &profile).await?;
    let outcome = f(client.clone()).await;
    let _ = client.close().await;
    outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_send_votes_merge_and_make_lesson_pages() -> Result<()> {
    let root = repo_root();
    let server = StaticServer::start(&root.join("dist"))?;
    let url = server.url.clone();
    let downloads = fresh_dir("share-downloads")?;
    let driver = ChromeDriver::start()?;

    // A student votes once as Me and 4 times as Ada and sends Ada's votes; also makes a
    // lesson link in ranking mode and a full link with votes.
    let (mine, lesson, full) = in_profile(&driver, &downloads, "share-student", |c| {
        let url = url.clone();
        async move {
            c.goto(&url).await?;
            wait_for(&c, "#choice-left").await?;
            press(&c, &Key::Up).await?;
            wait_active_ballots(&c, 1).await?;
            c.find(Locator::Css("#new-participant"))
                .await?
                .send_keys("Ada")
                .await?;
            click(&c, "#add-participant").await?;
            for key in [&*Key::Left, &*Key::Right, &*Key::Down, &*Key::Left] {
                press(&c, key).await?;
            }
            wait_active_ballots(&c, 5).await?;
            click(&c, "#send-votes").await?;
            let mine = link(&c).await?;
            click(&c, "#share").await?;
            let full = eventually("a new link", WAIT, || {
                let (c, mine) = (c.clone(), mine.clone());
                async move {
                    let l = link(&c).await?;
                    Ok((l != mine).then_some(l))
                }
            })
            .await?;
            c.find(Locator::Css("#mode"))
                .await?
                .select_by_value("ranking")
                .await?;
            click(&c, "#share-votes").await?;
            click(&c, "#share-lesson").await?;
            click(&c, "#share").await?;
            let lesson = eventually("the lesson link", WAIT, || {
                let (c, full) = (c.clone(), full.clone());
                async move {
                    let l = link(&c).await?;
                    Ok((l != full).then_some(l))
                }
            })
            .await?;
            Ok((mine, lesson, full))
        }
    })
    .await?;
    ensure!(mine.contains("#s="), "{mine}");
    println!(
        "MEASURE: link lengths: send-my-votes (4 votes) {} chars, lesson {} chars, full {} chars",
        mine.len(),
        lesson.len(),
        full.len()
    );

    // The teacher pastes the student's link: Ada's 4 votes, as Ada.
    in_profile(&driver, &downloads, "share-teacher", |c| {
        let (url, mine) = (url.clone(), mine.clone());
        async move {
            c.goto(&url).await?;
            wait_for(&c, "#choice-left").await?;
            click(&c, "#merge-links-box summary").await?;
            c.find(Locator::Css("#merge-links"))
                .await?
                .send_keys(&format!("{mine}\nnot a link"))
                .await?;
            click(&c, "#merge-links-go").await?;
            wait_for(&c, "#import-preview").await?;
            let preview = c.find(Locator::Css("#import-preview")).await?;
            ensure!(preview.attr("data-added").await?.as_deref() == Some("4"));
            let errors = c.find(Locator::Css(".import-error")).await?.text().await?;
            ensure!(
                errors.starts_with("link 2: not a prefplay link"),
                "{errors}"
            );
            click(&c, "#confirm-import").await?;
            let b = wait_active_ballots(&c, 4).await?;
            let w = saved_workspace(&c).await?;
            ensure!(
                w["participants"] == serde_json::json!(["Me", "Ada"]),
                "{}",
                w["participants"]
            );
            ensure!(
                b.iter().all(|x| x["participant"] == 1),
                "Ada's votes are Ada's"
            );
            Ok(())
        }
    })
    .await?;

    // A lesson link: ranking mode, no deck or settings controls, kept on reload.
    in_profile(&driver, &downloads, "share-lesson", |c| {
        let lesson = lesson.clone();
        async move {
            c.goto(&lesson).await?;
            wait_for(&c, "#ranking").await?;
            ensure!(
                c.find_all(Locator::Css("#deck")).await?.is_empty(),
                "deck picker hidden"
            );
            ensure!(
                c.find_all(Locator::Css("#mode")).await?.is_empty(),
                "mode hidden"
            );
            ensure!(
                c.find_all(Locator::Css("#export")).await?.is_empty(),
                "file tools hidden"
            );
            ensure!(!c.find_all(Locator::Css("#send-votes")).await?.is_empty());
            ensure!(
                active_ballots(&c).await?.is_empty(),
                "a lesson link carries no votes"
            );
            let address = c.current_url().await?;
            ensure!(address.fragment() == Some("lesson"), "{address}");
            c.refresh().await?;
            wait_for(&c, "#ranking").await?;
            ensure!(
                c.find_all(Locator::Css("#deck")).await?.is_empty(),
                "still a lesson after reload"
            );
            click(&c, "#exit-lesson").await?;
            wait_for(&c, "#deck").await?;
            Ok(())
        }
    })
    .await?;

    // A full link in a fresh profile brings the deck's 5 votes.
    in_profile(&driver, &downloads, "share-full", |c| {
        let full = full.clone();
        async move {
            c.goto(&full).await?;
            wait_for(&c, "#choice-left").await?;
            wait_active_ballots(&c, 5).await?;
            let msg = c.find(Locator::Css(".message")).await?.text().await?;
            ensure!(msg.contains("and 5 votes"), "{msg}");
            Ok(())
        }
    })
    .await?;
    Ok(())
}
