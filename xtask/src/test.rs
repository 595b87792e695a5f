//! `cargo xtask test`: every check, in order, with one closing line.
//!
//! Checks without a test count (fmt, clippy, builds) count as one test each.
//! A failing step does not stop the later ones, nor a failing test binary
//! the rest of its step (`--no-fail-fast`), so one run shows everything.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::setup::{self, command};
use crate::steps::{Counts, run_counted};

const WASM: &str = "wasm32-unknown-unknown";

struct Step {
    name: &'static str,
    ok: bool,
    counts: Counts,
    seconds: f64,
}

fn cargo(args: &[&str]) -> Command {
    let mut cmd = command("cargo");
    cmd.args(args);
    cmd
}

/// `cargo clippy` over `scope`, every target, warnings as errors.
fn clippy(scope: &[&str]) -> Command {
    let mut cmd = cargo(&["clippy"]);
    cmd.args(scope)
        .args(["--all-targets", "--", "-D", "warnings"]);
    cmd
}

/// Runs one step; `counted` says whether its output has test result lines.
fn step(steps: &mut Vec<Step>, name: &'static str, counted: bool, mut cmd: Command) {
    println!("\n==> {name}");
    let started = Instant::now();
    let (ok, mut counts) = match run_counted(&mut cmd) {
        Ok(r) => r,
        Err(e) => {
            println!("xtask: {e:#}");
            (false, Counts::default())
        }
    };
    if !counted {
        counts = if ok {
            Counts {
                passed: 1,
                failed: 0,
            }
        } else {
            Counts {
                passed: 0,
                failed: 1,
            }
        };
    } else if !ok && counts.failed == 0 {
        // It failed before or outside any test (a build error): count that.
        counts.failed += 1;
    }
    steps.push(Step {
        name,
        ok,
        counts,
        seconds: started.elapsed().as_secs_f64(),
    });
}

/// Free space a from-scratch run needs (debug + wasm32 + release builds):
/// 5.3 GB measured on a clean clone with `.ci/run`'s settings, plus room.
const DISK_NEEDED_GIB: f64 = 8.0;

/// Warns when the file system holding `dir` has less than
/// [`DISK_NEEDED_GIB`] free: a full disk fails every step at once, with
/// messages far from the cause.
fn warn_if_disk_low(dir: &Path) {
    let Ok(out) = Command::new("df").args(["-Pk"]).arg(dir).output() else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let free_kib = text
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse::<f64>().ok());
    if let Some(kib) = free_kib {
        let gib = kib / (1024.0 * 1024.0);
        if gib < DISK_NEEDED_GIB {
            println!(
                "xtask: warning: only {gib:.1} GiB free on the disk holding {}; a full run needs about {DISK_NEEDED_GIB} GiB",
                dir.display()
            );
        }
    }
}

/// A temp folder under `target/` for the browsers the tests start, emptied
/// before each browser step: Chromium leaves a profile copy (≈ 70 MB) in
/// `$TMPDIR` for every session it is not asked to close, and a test binary
/// that ends does not ask.
fn browser_temp_dir(root: &Path) -> Result<PathBuf> {
    let dir = root.join("target/browser-tmp");
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// Runs everything; prints `N passed, N failed`; errors if anything failed.
pub fn run() -> Result<()> {
    let started = Instant::now();
    setup::ensure_build_tools()?;
    setup::ensure_test_packages()?;
    let root = std::env::current_dir()?;
    warn_if_disk_low(&root);
    let webdriver_json = root.join("webdriver.json");
    let mut steps = Vec::new();

    step(
        &mut steps,
        "cargo fmt --check",
        false,
        cargo(&["fmt", "--all", "--check"]),
    );
    step(
        &mut steps,
        "clippy, native",
        false,
        clippy(&["--workspace"]),
    );
    step(
        &mut steps,
        "clippy, wasm32",
        false,
        clippy(&[
            "--target",
            WASM,
            "-p",
            "prefplay-app",
            "-p",
            "prefplay-core",
            "-p",
            "prefplay-gpu",
        ]),
    );
    // GPU tests run on whatever Vulkan adapter exists (Mesa's lavapipe on CI
    // machines); with CI=true a missing adapter fails them.
    step(
        &mut steps,
        "native tests (GPU on Vulkan)",
        true,
        cargo(&[
            "test",
            "--no-fail-fast",
            "--workspace",
            "--exclude",
            "prefplay-e2e",
        ]),
    );
    let mut browser = cargo(&[
        "test",
        "--no-fail-fast",
        "--target",
        WASM,
        "-p",
        "prefplay-app",
        "-p",
        "prefplay-gpu",
    ]);
    browser.env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver_json);
    // The runner's limit is for a whole test binary (default 20 s); the
    // GPU parity binary fits many problems on SwiftShader.
    browser.env("WASM_BINDGEN_TEST_TIMEOUT", "300");
    browser.env("TMPDIR", browser_temp_dir(&root)?);
    step(
        &mut steps,
        "browser tests (headless Chromium, WebGPU on SwiftShader)",
        true,
        browser,
    );
    let mut site = command("trunk");
    site.args(["build", "--release"]);
    step(&mut steps, "trunk build --release", false, site);
    step(
        &mut steps,
        "build the prefplay CLI",
        false,
        cargo(&["build", "-p", "prefplay-cli"]),
    );
    let mut e2e = cargo(&[
        "test",
        "--no-fail-fast",
        "-p",
        "prefplay-e2e",
        "--",
        "--nocapture",
    ]);
    e2e.env("PREFPLAY_BIN", root.join("target/debug/prefplay"));
    e2e.env("TMPDIR", browser_temp_dir(&root)?);
    step(
        &mut steps,
        "end-to-end (built site on 127.0.0.1, headless Chromium)",
        true,
        e2e,
    );

    println!(
        "\n{:<60} {:>6} {:>6} {:>8}",
        "step", "passed", "failed", "seconds"
    );
    let mut total = Counts::default();
    for s in &steps {
        let mark = if s.ok { "ok  " } else { "FAIL" };
        println!(
            "{mark} {:<55} {:>6} {:>6} {:>8.1}",
            s.name, s.counts.passed, s.counts.failed, s.seconds
        );
        total.passed += s.counts.passed;
        total.failed += s.counts.failed;
    }
    let _ = std::fs::remove_dir_all(root.join("target/browser-tmp"));
    println!("total time {:.1} s", started.elapsed().as_secs_f64());
    println!("{} passed, {} failed", total.passed, total.failed);
    if total.failed > 0 || steps.iter().any(|s| !s.ok) {
        bail!("some checks failed");
    }
    Ok(())
}
