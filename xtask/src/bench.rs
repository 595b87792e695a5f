//! `cargo xtask bench`: prefplay's fits against the peers, side by side.
//!
//! 1. `cargo bench -p prefplay-core --bench pairwise` writes the synthetic
//!    files to `target/bench-data` and times prefplay's fit, bootstrap and
//!    CSV parsing.
//! 2. A virtualenv in `target/bench-venv` gets choix 0.4.1 and evalica 0.4.2
//!    from PyPI (and arena-rank 0.1.1 when it installs); `xtask/bench/
//!    peers.py` times their fits on the same files.
//! 3. A table with the ratios is printed.
//! 4. The same fits compiled to wasm32 (`benches/wasm.rs`) run in headless
//!    Chromium through wasm-bindgen-test-runner, beside the native times.
//! 5. The GPU benches run: creating a context (natively and in Chromium:
//!    alone, and with every kernel compiled, as contexts once did), one
//!    fit per engine, the bootstrap per engine with the GPU's throughput,
//!    then the loss sweep and reward training.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::steps::run_plain;

/// Pinned peer versions (required, then optional).
const PEERS: [&str; 2] = ["choix==0.4.1", "evalica==0.4.2"];
const OPTIONAL_PEERS: [&str; 1] = ["arena-rank==0.1.1"];

/// Bench results: name → (value, rest of the line).
type Lines = BTreeMap<String, (f64, String)>;

/// Runs `program args`, echoes its stdout and returns the `BENCH` lines.
fn bench_lines(program: &str, args: &[&str], envs: &[(&str, &Path)]) -> Result<Lines> {
    let mut cmd = crate::setup::command(program);
    cmd.args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .with_context(|| format!("starting {program}"))?;
    if !out.status.success() {
        bail!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut found = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        println!("{line}");
        let mut parts = line.splitn(4, ' ');
        if let (Some("BENCH"), Some(name), Some(value)) = (parts.next(), parts.next(), parts.next())
            && let Ok(v) = value.parse::<f64>()
        {
            found.insert(
                name.to_string(),
                (v, parts.next().unwrap_or("").to_string()),
            );
        }
    }
    Ok(found)
}

fn python_venv(root: &Path) -> Result<std::path::PathBuf> {
    let venv = root.join("target/bench-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        crate::setup::ensure_debian_packages(&["python3-venv"])?;
        run_plain("python3", &["-m", "venv", &venv.display().to_string()])?;
    }
    let pip = venv.join("bin/pip").display().to_string();
    let mut args = vec!["install", "-q"];
    args.extend(PEERS);
    run_plain(&pip, &args)?;
    for optional in OPTIONAL_PEERS {
        if let Err(e) = run_plain(&pip, &["install", "-q", optional]) {
            println!("xtask bench: {optional} did not install ({e}); it is left out");
        }
    }
    Ok(python)
}

/// Runs the benchmarks and prints the comparison table.
pub fn run(root: &Path) -> Result<()> {
    let data = root.join("target/bench-data");
    let ours = bench_lines(
        "cargo",
        &["bench", "-p", "prefplay-core", "--bench", "pairwise"],
        &[("PREFPLAY_BENCH_DIR", &data)],
    )?;
    let python = python_venv(root)?;
    let script = root.join("xtask/bench/peers.py");
    let peers = bench_lines(
        &python.display().to_string(),
        &[&script.display().to_string(), &data.display().to_string()],
        &[],
    )?;
    println!();
    println!("| task | prefplay | evalica | choix | arena-rank | fastest peer ÷ prefplay |");
    println!("|---|---|---|---|---|---|");
    for (task, (ms, _)) in ours.iter().filter(|(k, _)| k.starts_with("fit_")) {
        let peer = |p: &str| peers.get(&format!("{p}.{task}")).map(|(v, _)| *v);
        let cells: Vec<String> = ["evalica", "choix", "arena-rank"]
            .iter()
            .map(|p| peer(p).map_or("–".into(), |v| format!("{v:.1} ms")))
            .collect();
        let fastest = ["evalica", "choix", "arena-rank"]
            .iter()
            .filter_map(|p| peer(p))
            .fold(f64::INFINITY, f64::min);
        println!(
            "| {task} | {ms:.1} ms | {} | {} | {} | {:.1}× |",
            cells[0],
            cells[1],
            cells[2],
            fastest / ms
        );
    }
    for (task, (v, rest)) in ours.iter().filter(|(k, _)| !k.starts_with("fit_")) {
        println!("| {task} | {v:.1} {rest} | | | | |");
    }
    println!();
    let wasm = browser_bench(root, "prefplay-core", "wasm")?;
    println!();
    println!("| task | native | wasm32 in headless Chromium | wasm ÷ native (target ≤ 2.5) |");
    println!("|---|---|---|---|");
    for (task, (native, unit)) in &ours {
        let Some((in_browser, _)) = wasm.get(&format!("wasm_{task}")) else {
            continue;
        };
        // Times: wasm ÷ native; rates (MB/s): native ÷ wasm.
        let slowdown = if unit.starts_with("MB/s") {
            native / in_browser
        } else {
            in_browser / native
        };
        let unit = unit.split_whitespace().next().unwrap_or("");
        println!("| {task} | {native:.1} {unit} | {in_browser:.1} {unit} | {slowdown:.2}× |");
    }
    println!();
    page_bench(root)?;
    println!();
    run_plain(
        "cargo",
        &["bench", "-p", "prefplay-gpu", "--bench", "context"],
    )?;
    // Its BENCH lines are echoed as it runs.
    browser_bench(root, "prefplay-gpu", "context")?;
    run_plain("cargo", &["bench", "-p", "prefplay-gpu", "--bench", "fit"])?;
    run_plain(
        "cargo",
        &["bench", "-p", "prefplay-gpu", "--bench", "bootstrap"],
    )?;
    run_plain(
        "cargo",
        &["bench", "-p", "prefplay-gpu", "--bench", "kernels"],
    )
}

/// The page's fit (1,000 items / 50k votes, Fisher intervals, in the
/// worker of the release site) against `prefplay fit` on the same votes:
/// builds both, then runs the ignored e2e benchmark `page_bench`.
fn page_bench(root: &Path) -> Result<()> {
    crate::setup::ensure_build_tools()?;
    crate::setup::ensure_test_packages()?;
    run_plain("trunk", &["build", "--release"])?;
    run_plain("cargo", &["build", "--release", "-p", "prefplay-cli"])?;
    let bin = root.join("target/release/prefplay");
    bench_lines(
        "cargo",
        &[
            "test",
            "-p",
            "prefplay-e2e",
            "--test",
            "page_bench",
            "--",
            "--ignored",
            "--nocapture",
        ],
        &[("PREFPLAY_BIN", &bin)],
    )?;
    Ok(())
}

/// Builds `package`'s `benches/<bench>.rs` for wasm32 and runs it in
/// headless Chromium (wasm-bindgen-test-runner drives it through
/// chromedriver, with the browser flags in webdriver.json); returns its
/// `BENCH` lines.
fn browser_bench(root: &Path, package: &str, bench: &str) -> Result<Lines> {
    crate::setup::ensure_build_tools()?;
    crate::setup::ensure_test_packages()?;
    let out = crate::setup::command("cargo")
        .args([
            "bench",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            package,
            "--bench",
            bench,
            "--no-run",
        ])
        .output()
        .context("building the browser benchmark")?;
    let log = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("building the browser benchmark failed:\n{log}");
    }
    // Cargo names the artifact on stderr: `Executable benches/<bench>.rs (PATH)`.
    let named = format!("Executable benches/{bench}.rs (");
    let Some(wasm) = log.lines().find_map(|l| {
        let rest = l.trim().strip_prefix(named.as_str())?;
        rest.strip_suffix(')')
    }) else {
        bail!("cargo did not name the browser benchmark's wasm file:\n{log}");
    };
    let wasm = root.join(wasm);
    let webdriver = root.join("webdriver.json");
    let timeout = Path::new("900");
    bench_lines(
        "wasm-bindgen-test-runner",
        &[&wasm.display().to_string(), "--nocapture"],
        &[
            ("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver),
            ("WASM_BINDGEN_TEST_TIMEOUT", timeout),
        ],
    )
}
