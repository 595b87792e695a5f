//! `cargo xtask csp DIR`: replaces `'unsafe-inline'` in the built page's
//! `script-src` with the SHA-256 hash of each inline script, so the
//! Content-Security-Policy allows exactly the page's own inline scripts
//! (Trunk's loader and index.html's measuring script) and nothing
//! injected. Run by Trunk as a post-build hook (Trunk.toml) on the staging
//! directory (`$TRUNK_STAGING_DIR`).

use std::path::Path;

use anyhow::{Context, Result, bail};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The contents of every `<script>` element without a `src` attribute.
pub fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body_start = open_end + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            out.push(&after[body_start..body_start + close]);
        }
        rest = &after[body_start + close..];
    }
    out
}

/// The page with `'unsafe-inline'` in `script-src` replaced by hashes.
pub fn harden(html: &str) -> Result<String> {
    let hashes: Vec<String> = inline_scripts(html)
        .into_iter()
        .map(|s| {
            let digest = Sha256::digest(s.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    let marker = "script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'";
    if !html.contains(marker) {
        bail!("the page's Content-Security-Policy has no \"{marker}\" to replace");
    }
    Ok(html.replace(
        marker,
        &format!("script-src 'self' 'wasm-unsafe-eval' {}", hashes.join(" ")),
    ))
}

/// Rewrites `dir/index.html` in place.
pub fn run(dir: &Path) -> Result<()> {
    let path = dir.join("index.html");
    let html =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let hardened = harden(&html)?;
    std::fs::write(&path, hardened).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_unsafe_inline_is_gone() {
        let html = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline'; style-src 'self'\">\
            <script>a()</script><script src=\"/x.js\"></script><script type=\"module\">b()</script>";
        assert_eq!(inline_scripts(html), vec!["a()", "b()"]);
        let out = harden(html).unwrap();
        assert!(!out.contains("unsafe-inline"));
        // printf 'a()' | openssl dgst -sha256 -binary | base64
        assert!(out.contains("'sha256-"), "{out}");
        assert_eq!(out.matches("'sha256-").count(), 2);
        assert!(harden("<p>no policy</p>").is_err());
    }
}
