//! `prefplay calibrate`: measures this machine's GPU against its CPU for
//! each workload family (`prefplay_gpu::Engine::calibrate`) and caches the
//! result under the adapter's identity, where `prefplay fit --engine auto`
//! finds it. The cache is `calibration.json` in `$PREFPLAY_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/prefplay`, else `~/.cache/prefplay`: a JSON object of
//! calibrations keyed by adapter identity.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use prefplay_gpu::Engine;
use prefplay_gpu::engine::calibration::Calibration;

/// Arguments of `prefplay calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Print the calibration as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Milliseconds of work at most (families not reached keep the
    /// committed first guess). The page's own calibration gets 300.
    #[arg(long, default_value_t = 10_000.0)]
    pub budget_ms: f64,
    /// Measure again, replacing this adapter's cached calibration.
    #[arg(long)]
    pub fresh: bool,
}

/// The cache file's path.
pub fn cache_path() -> Option<PathBuf> {
    let dir = std::env::var_os("PREFPLAY_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("prefplay")))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/prefplay")))?;
    Some(dir.join("calibration.json"))
}

/// The cached calibrations by adapter identity: none when there is no
/// cache; an error naming the file when it cannot be read or is not a
/// calibration cache (it is then left as it is).
pub fn cached() -> Result<BTreeMap<String, Calibration>> {
    let Some(path) = cache_path() else {
        return Ok(BTreeMap::new());
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => bail!("{}: {e}", path.display()),
    };
    serde_json::from_slice(&bytes).with_context(|| {
        format!(
            "{}: not a calibration cache (move it away, then run `prefplay calibrate`)",
            path.display()
        )
    })
}

/// Stores `calibration` under its adapter, keeping the others'.
pub fn save(calibration: &Calibration) -> Result<PathBuf> {
    let path = cache_path().context("no cache folder: set PREFPLAY_CACHE_DIR or HOME")?;
    let mut all = cached()?;
    all.insert(calibration.adapter.clone(), calibration.clone());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&all)?;
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

/// Runs `prefplay calibrate`.
pub fn run(args: &CalibrateArgs) -> Result<()> {
    if args.budget_ms.is_nan() || args.budget_ms <= 0.0 {
        bail!("--budget-ms must be above 0 (got {})", args.budget_ms);
    }
    let (engine, no_gpu) = pollster::block_on(Engine::gpu());
    let Engine::Gpu(ctx) = &engine else {
        bail!(
            "no GPU adapter to calibrate ({}); --engine auto runs on the CPU",
            no_gpu.unwrap_or_default()
        );
    };
    // A cache that cannot be read stops here, before anything overwrites it.
    let mut known = cached()?;
    if !args.fresh
        && let Some(old) = known.remove(ctx.adapter_identity())
    {
        ctx.set_calibration(old);
    }
    let calibration = pollster::block_on(engine.calibrate(args.budget_ms, &|| false))
        .context("the engine has no GPU")?;
    let path = save(&calibration)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&calibration)?);
    } else {
        print_table(&calibration);
    }
    eprintln!("saved to {}", path.display());
    Ok(())
}

fn print_table(calibration: &Calibration) {
    println!("adapter: {}", calibration.adapter);
    println!(
        "{:<22} {:>11} {:>12} {:>11} {:>12}  GPU predicted faster",
        "family", "CPU fixed", "CPU per unit", "GPU fixed", "GPU per unit"
    );
    for f in &calibration.families {
        let name = f.workload.words().0;
        let crossover = f.gpu_faster_words();
        println!(
            "{:<22} {:>8.3} ms {:>9.2} ns {:>8.3} ms {:>9.2} ns  {}",
            name,
            f.cpu.fixed_ms,
            f.cpu.per_unit_ms * 1e6,
            f.gpu.fixed_ms,
            f.gpu.per_unit_ms * 1e6,
            crossover
        );
    }
    let missing = calibration.missing();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|w| w.words().0).collect();
        println!("not measured (out of time): {}", names.join(", "));
    }
    println!("measured in {:.0} ms", calibration.took_ms);
}
