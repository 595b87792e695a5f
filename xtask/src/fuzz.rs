//! `cargo xtask fuzz [--seconds N] [TARGET…]`: runs the cargo-fuzz targets in
//! `fuzz/` (one per file format, plus detection), each for N seconds
//! (default 600), and prints the number of inputs each ran.
//!
//! cargo-fuzz needs nightly features (sanitizer flags); the pinned stable
//! toolchain accepts them with `RUSTC_BOOTSTRAP=1`, set here for the fuzz
//! build only.

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, Result, bail};

/// Every fuzz target, as named in fuzz/Cargo.toml.
pub const TARGETS: [&str; 8] = [
    "pairs",
    "winner_loser",
    "arena",
    "hf",
    "crowdkit",
    "rankings",
    "prefplay_json",
    "detect",
];

fn ensure_cargo_fuzz() -> Result<()> {
    let installed = crate::setup::command("cargo")
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        crate::steps::run_plain("cargo", &["install", "cargo-fuzz", "--locked"])?;
    }
    Ok(())
}

/// The `Done N runs` count libFuzzer prints last.
fn runs_from(log: &str) -> Option<u64> {
    log.lines().rev().find_map(|l| {
        l.strip_prefix("Done ")
            .and_then(|r| r.split_whitespace().next()?.parse().ok())
    })
}

/// Runs the targets; fails if one finds a crash.
pub fn run(root: &Path, seconds: u64, targets: &[String]) -> Result<()> {
    ensure_cargo_fuzz()?;
    let chosen: Vec<&str> = if targets.is_empty() {
        TARGETS.to_vec()
    } else {
        targets.iter().map(String::as_str).collect()
    };
    let mut rows = Vec::new();
    for target in chosen {
        if !TARGETS.contains(&target) {
            bail!(
                "unknown fuzz target `{target}`; the targets are {}",
                TARGETS.join(", ")
            );
        }
        println!("xtask fuzz: {target} for {seconds} s");
        let out = crate::setup::command("cargo")
            .current_dir(root.join("fuzz"))
            .env("RUSTC_BOOTSTRAP", "1")
            .args([
                "fuzz",
                "run",
                target,
                "--",
                &format!("-max_total_time={seconds}"),
            ])
            .output()
            .with_context(|| format!("running cargo fuzz for {target}"))?;
        let log = String::from_utf8_lossy(&out.stderr);
        let runs = runs_from(&log);
        if !out.status.success() {
            eprintln!("{log}");
            bail!("fuzz target {target} failed (a crash or a build error above)");
        }
        rows.push((target, runs));
    }
    println!("| target | seconds | inputs run |");
    println!("|---|---|---|");
    for (target, runs) in rows {
        println!(
            "| {target} | {seconds} | {} |",
            runs.map_or("?".into(), |r| r.to_string())
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_run_count() {
        let log = "#1024 pulse\nDone 123456 runs in 61 second(s)\n";
        assert_eq!(runs_from(log), Some(123_456));
        assert_eq!(runs_from("nothing"), None);
    }
}
