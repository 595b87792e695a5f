//! Harness for prefplay's end-to-end tests: serves the built site (`dist/`)
//! on 127.0.0.1, starts ChromeDriver and opens headless Chromium with
//! WebGPU on SwiftShader (flags as in DESIGN.md).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::{Client, ClientBuilder};

mod console;

pub use console::console_messages;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A static file server for a built site, stopped on drop.
pub struct StaticServer {
    /// Base URL, e.g. `http://127.0.0.1:41234/`.
    pub url: String,
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

impl StaticServer {
    /// Serves `dir` on an ephemeral port of 127.0.0.1.
    pub fn start(dir: &Path) -> Result<Self> {
        if !dir.join("index.html").is_file() {
            bail!(
                "{} has no index.html: build the site first (`cargo xtask test` does)",
                dir.display()
            );
        }
        let server = Arc::new(
            tiny_http::Server::http("127.0.0.1:0")
                .map_err(|e| anyhow::anyhow!("starting the server: {e}"))?,
        );
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .context("server has no IP address")?;
        let (dir, worker) = (dir.to_path_buf(), Arc::clone(&server));
        let thread = std::thread::spawn(move || {
            for request in worker.incoming_requests() {
                let rel = request
                    .url()
                    .split('?')
                    .next()
                    .unwrap_or("/")
                    .trim_start_matches('/')
                    .to_string();
                let rel = if rel.is_empty() {
                    "index.html".to_string()
                } else {
                    rel
                };
                let path = dir.join(&rel);
                let inside = !rel.split('/').any(|part| part == "..");
                let response = match (inside, std::fs::read(&path)) {
                    (true, Ok(bytes)) => {
                        let header =
                            tiny_http::Header::from_bytes("Content-Type", content_type(&path))
                                .expect("static header is valid");
                        tiny_http::Response::from_data(bytes)
                            .with_header(header)
                            .boxed()
                    }
                    _ => tiny_http::Response::from_string("not found")
                        .with_status_code(404)
                        .boxed(),
                };
                let _ = request.respond(response);
            }
        });
        Ok(Self {
            url: format!("http://127.0.0.1:{port}/"),
            server,
            thread: Some(thread),
        })
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A ChromeDriver process on a free loopback port, killed on drop.
pub struct ChromeDriver {
    /// WebDriver URL.
    pub url: String,
    child: Child,
}

impl ChromeDriver {
    /// Starts `chromedriver` (Debian's `chromium-driver`) and waits for it.
    /// Tests run side by side, so two may pick the same free port: the one
    /// whose chromedriver exits (the port was taken) tries another port.
    pub fn start() -> Result<Self> {
        let mut last = None;
        for _ in 0..5 {
            match Self::start_on_free_port() {
                Ok(driver) => return Ok(driver),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| anyhow::anyhow!("chromedriver did not start")))
    }

    fn start_on_free_port() -> Result<Self> {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting chromedriver (Debian package chromium-driver)")?;
        let mut driver = Self {
            url: format!("http://127.0.0.1:{port}"),
            child,
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(20);
        let exited = |d: &mut Self| d.child.try_wait().ok().flatten().is_some();
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if exited(&mut driver) {
                bail!("chromedriver exited before listening on port {port}");
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not listen on port {port} within 20 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Another test's chromedriver may be the one listening there.
        std::thread::sleep(Duration::from_millis(300));
        if exited(&mut driver) {
            bail!("chromedriver exited: port {port} was taken");
        }
        Ok(driver)
    }

    /// Opens headless Chromium with WebGPU on SwiftShader; downloads go to `downloads`.
    pub async fn browser(&self, downloads: &Path, profile: &Path) -> Result<Client> {
        let args = [
            "--headless=new",
            "--no-sandbox",
            "--enable-unsafe-webgpu",
            "--enable-features=Vulkan,WebGPUService",
            "--use-webgpu-adapter=swiftshader",
            "--disable-vulkan-surface",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,860",
        ];
        let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let options = serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": args,
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
            },
        });
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        caps.insert(
            "goog:loggingPrefs".into(),
            serde_json::json!({ "browser": "ALL" }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&self.url)
            .await
            .context("opening a Chromium session")?;
        Ok(client)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh empty folder under the system temp dir.
pub fn fresh_dir(name: &str) -> Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "prefplay-e2e-{name}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Polls `check` every 50 ms until it returns `Some`, for at most `timeout`.
/// Errors (an element not rendered yet, say) count as "not yet"; the last
/// one is reported on time-out.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    let deadline = Instant::now() + timeout;
    let mut last_error = None;
    loop {
        match check().await {
            Ok(Some(v)) => return Ok(v),
            Ok(None) => {}
            Err(e) => last_error = Some(e),
        }
        if Instant::now() > deadline {
            match last_error {
                Some(e) => {
                    bail!("timed out after {timeout:?} waiting for {what}; last error: {e:#}")
                }
                None => bail!("timed out after {timeout:?} waiting for {what}"),
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The workspace as the page stored it in IndexedDB (meta record with the
/// ballots of every chunk record put back per deck, sorted by id), or `Value::Null` when nothing
/// is stored yet. Call it only after the page has opened its database.
pub async fn saved_workspace(client: &Client) -> Result<serde_json::Value> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        const open = indexedDB.open('prefplay');
        open.onerror = () => done(null);
        open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('meta')) { db.close(); done(null); return; }
            const tx = db.transaction(['meta', 'ballots']);
            const meta = tx.objectStore('meta').get('workspace');
            const keys = tx.objectStore('ballots').getAllKeys();
            const values = tx.objectStore('ballots').getAll();
            tx.oncomplete = () => {
                db.close();
                if (!meta.result) { done(null); return; }
                const w = JSON.parse(meta.result).workspace;
                w.ballots = {};
                keys.result.forEach((k, i) => {
                    (w.ballots[k[0]] = w.ballots[k[0]] || []).push(...JSON.parse(values.result[i]));
                });
                for (const list of Object.values(w.ballots)) {
                    list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
                }
                done(w);
            };
            tx.onerror = () => { db.close(); done(null); };
        };
    "#;
    Ok(client.execute_async(script, Vec::new()).await?)
}

/// How long the page-driving helpers wait for something to appear.
pub const WAIT: Duration = Duration::from_secs(30);

/// Sends `keys` to the page (the focused element, else the body).
pub async fn press(client: &Client, keys: &str) -> Result<()> {
    client
        .find(fantoccini::Locator::Css("body"))
        .await?
        .send_keys(keys)
        .await?;
    Ok(())
}

/// Clicks the element matching `css`.
pub async fn click(client: &Client, css: &str) -> Result<()> {
    client
        .find(fantoccini::Locator::Css(css))
        .await
        .with_context(|| format!("finding {css}"))?
        .click()
        .await?;
    Ok(())
}

/// Waits (up to [`WAIT`]) until `css` matches an element.
pub async fn wait_for(client: &Client, css: &str) -> Result<()> {
    eventually(css, WAIT, || async move {
        Ok((!client
            .find_all(fantoccini::Locator::Css(css))
            .await?
            .is_empty())
        .then_some(()))
    })
    .await
}

/// The attribute `name` of the element matching `css`; an error names
/// the element or attribute that is missing.
pub async fn attr(client: &Client, css: &str, name: &str) -> Result<String> {
    client
        .find(fantoccini::Locator::Css(css))
        .await
        .with_context(|| format!("finding {css}"))?
        .attr(name)
        .await?
        .with_context(|| format!("{css} has no {name}"))
}

/// Waits (up to `timeout`) until the attribute `name` of the element
/// matching `css` parses as a `T` that passes `ok`, and returns it.
pub async fn wait_attr<T: std::str::FromStr + Copy>(
    client: &Client,
    css: &str,
    name: &str,
    timeout: Duration,
    ok: impl Fn(T) -> bool,
) -> Result<T> {
    eventually(&format!("{css} {name}"), timeout, || async {
        let v = attr(client, css, name)
            .await
            .ok()
            .and_then(|v| v.parse::<T>().ok());
        Ok(v.filter(|&v| ok(v)))
    })
    .await
}

/// Sets the value of the input matching `css` and fires `event` on it
/// ("input" for sliders that follow dragging, "change" otherwise).
pub async fn set_value(client: &Client, css: &str, value: &str, event: &str) -> Result<()> {
    client
        .execute(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1];\
             e.dispatchEvent(new Event(arguments[2]));",
            vec![css.into(), value.into(), event.into()],
        )
        .await?;
    Ok(())
}

/// Waits (up to [`WAIT`]) for the download `name` in `dir` and returns
/// its path once the browser has finished writing it.
pub async fn downloaded(dir: &Path, name: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    eventually(&format!("the download {name}"), WAIT, || {
        let path = path.clone();
        async move { Ok(path.is_file().then_some(())) }
    })
    .await?;
    // The browser writes the file under a temporary name first.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(path)
}

/// Picks `value` in the `<select>` matching `css`.
pub async fn choose(client: &Client, css: &str, value: &str) -> Result<()> {
    client
        .find(fantoccini::Locator::Css(css))
        .await?
        .select_by_value(value)
        .await?;
    Ok(())
}

/// Serves the built site, opens headless Chromium on a fresh profile and
/// runs `scenario(client, site URL, downloads folder)`; closes the browser
/// whatever the outcome. `name` labels the temp folders.
pub async fn with_page<F>(name: &str, scenario: F) -> Result<()>
where
    F: AsyncFnOnce(&Client, &str, &Path) -> Result<()>,
{
    let server = StaticServer::start(&repo_root().join("dist"))?;
    let downloads = fresh_dir(&format!("{name}-downloads"))?;
    let profile = fresh_dir(&format!("{name}-profile"))?;
    let driver = ChromeDriver::start()?;
    let client = driver.browser(&downloads, &profile).await?;
    let outcome = scenario(&client, &server.url, &downloads).await;
    let _ = client.close().await;
    outcome
}

/// The stored ballots of the active deck.
pub async fn active_ballots(client: &Client) -> Result<Vec<serde_json::Value>> {
    let w = saved_workspace(client).await?;
    let deck = w["active_deck"].as_str().unwrap_or_default().to_string();
    Ok(w["ballots"][deck.as_str()]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

/// Waits (up to [`WAIT`]) until the active deck has `n` stored ballots.
pub async fn wait_active_ballots(client: &Client, n: usize) -> Result<Vec<serde_json::Value>> {
    eventually(&format!("{n} stored ballots"), WAIT, || async move {
        let b = active_ballots(client).await?;
        Ok((b.len() == n).then_some(b))
    })
    .await
}

/// Waits (up to [`WAIT`]) until the page says every change is saved
/// (`#save-state[data-state=saved]`): a reload before that may lose the
/// last change, as closing a tab would.
pub async fn wait_saved(client: &Client) -> Result<()> {
    wait_for(client, "#save-state[data-state=saved]").await
}

/// Every resource the page has requested from another origin (should be
/// none: no CDN, fonts or analytics).
pub async fn foreign_requests(client: &Client) -> Result<Vec<String>> {
    let urls = client
        .execute(
            "return performance.getEntriesByType('resource').map(e => e.name)\
             .filter(u => new URL(u).origin !== location.origin);",
            Vec::new(),
        )
        .await?;
    Ok(urls
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|u| u.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}
