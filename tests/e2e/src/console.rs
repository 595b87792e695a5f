//! The browser's console as ChromeDriver keeps it (`goog:loggingPrefs`,
//! read through its `se/log` endpoint): errors and warnings a person would
//! see in the developer tools, the page's and its worker's.

use anyhow::{Context, Result};
use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;

/// ChromeDriver's "get log" command for the browser's log.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(r#"{"type":"browser"}"#.to_string()),
        )
    }
}

/// The console's messages since the last call, as (level, text): levels
/// are ChromeDriver's (`SEVERE`, `WARNING`, `INFO`, …).
pub async fn console_messages(client: &Client) -> Result<Vec<(String, String)>> {
    let value = client
        .issue_cmd(BrowserLog)
        .await
        .context("reading the browser's console")?;
    Ok(value
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|e| {
                    let field = |k: &str| e[k].as_str().unwrap_or_default().to_string();
                    (field("level"), field("message"))
                })
                .collect()
        })
        .unwrap_or_default())
}
