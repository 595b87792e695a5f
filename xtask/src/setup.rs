//! Installs what the build and the tests need, only when it is missing.
//!
//! Tools come from crates.io (`cargo install`) and Debian (`apt-get`);
//! nothing downloads a prebuilt binary, so Trunk runs with `offline = true`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use anyhow::{Context, Result, bail};

use crate::steps::run_plain;

/// Trunk's version; 0.22 needs a newer rustc than we pin.
pub const TRUNK_VERSION: &str = "0.21.14";
/// binaryen from npm, for wasm-opt (Trunk runs it on release builds; it
/// shrinks the wasm by about 40%). Debian's binaryen 108 is too old: its
/// output fails to load (`WebAssembly.Table.set(): Argument 1 is invalid`).
pub const BINARYEN_VERSION: &str = "132.0.0";
/// axe-core from npm: the accessibility audit of the walk-through test
/// (injected by the test; the page never loads it).
pub const AXE_VERSION: &str = "4.14.1";
/// Debian packages the tests need.
pub const TEST_PACKAGES: [&str; 3] = ["chromium", "chromium-driver", "mesa-vulkan-drivers"];
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The repository root (the folder above `xtask/`).
pub fn workspace_root() -> Result<PathBuf> {
    Ok(PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask has no parent folder")?
        .to_path_buf())
}

/// `PATH` with cargo's bin folder in front (where `cargo install` puts
/// tools), so tools installed a moment ago are found.
fn path_with_cargo_bin() -> &'static OsString {
    static PATH: OnceLock<OsString> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut parts: Vec<PathBuf> = std::env::split_paths(&path).collect();
        if let Ok(root) = workspace_root() {
            parts.insert(0, binaryen_bin(&root));
        }
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
        if let Some(bin) = cargo_home.map(|h| h.join("bin"))
            && !parts.contains(&bin)
        {
            parts.insert(0, bin);
        }
        std::env::join_paths(parts).unwrap_or(path)
    })
}

/// A private `XDG_RUNTIME_DIR` when none is set (Mesa's Vulkan loader
/// complains on every device otherwise).
fn xdg_runtime_dir() -> Option<&'static PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        if std::env::var_os("XDG_RUNTIME_DIR").is_some() {
            return None;
        }
        let dir = std::env::temp_dir().join("prefplay-xdg-runtime");
        std::fs::create_dir_all(&dir).ok()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).ok()?;
        }
        Some(dir)
    })
    .as_ref()
}

/// A `Command` whose `PATH` includes cargo's bin folder.
pub fn command(program: &str) -> Command {
    let mut cmd = Command::new(program);
    cmd.env("PATH", path_with_cargo_bin());
    if let Some(dir) = xdg_runtime_dir() {
        cmd.env("XDG_RUNTIME_DIR", dir);
    }
    cmd
}

/// The first line a tool prints for `--version`, or `None` if it is absent.
fn tool_version(program: &str) -> Option<String> {
    let out = command(program).arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The `wasm-bindgen` version recorded in Cargo.lock.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string("Cargo.lock").context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(version) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_string());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

fn cargo_install(args: &[&str]) -> Result<()> {
    println!(
        "xtask: cargo install {} (once per machine; minutes)",
        args.join(" ")
    );
    let status = command("cargo")
        .arg("install")
        .args(args)
        .status()
        .context("starting cargo install")?;
    if !status.success() {
        bail!("cargo install {} failed", args.join(" "));
    }
    Ok(())
}

/// The wasm32 target, Trunk and wasm-bindgen-cli (which also provides
/// wasm-bindgen-test-runner) at the Cargo.lock version.
pub fn ensure_build_tools() -> Result<()> {
    let installed = command("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("running rustup")?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        run_plain("rustup", &["target", "add", WASM_TARGET])?;
    }
    if tool_version("trunk").as_deref() != Some(&format!("trunk {TRUNK_VERSION}")) {
        cargo_install(&["trunk", "--version", TRUNK_VERSION, "--locked"])?;
    }
    let wbg = locked_wasm_bindgen_version()?;
    let wants = format!("wasm-bindgen {wbg}");
    let runner_ok = tool_version("wasm-bindgen-test-runner").is_some_and(|v| v.contains(&wbg));
    if tool_version("wasm-bindgen").as_deref() != Some(wants.as_str()) || !runner_ok {
        // Not --locked: its lock file names a crate version crates.io lacks.
        cargo_install(&["wasm-bindgen-cli", "--version", &wbg, "--force"])?;
    }
    ensure_wasm_opt()
}

/// Where the npm binaryen's programs are (ignored by git, under target/).
fn binaryen_bin(root: &std::path::Path) -> PathBuf {
    root.join("target/tools/binaryen/node_modules/.bin")
}

/// wasm-opt at [`BINARYEN_VERSION`], from the npm registry (runs on Node.js).
fn ensure_wasm_opt() -> Result<()> {
    let wants = format!(
        "version_{}",
        BINARYEN_VERSION.split('.').next().unwrap_or_default()
    );
    if tool_version("wasm-opt").is_some_and(|v| v.contains(&wants)) {
        return Ok(());
    }
    npm_install(
        "target/tools/binaryen",
        &format!("binaryen@{BINARYEN_VERSION}"),
        "for wasm-opt",
    )?;
    if !tool_version("wasm-opt").is_some_and(|v| v.contains(&wants)) {
        bail!(
            "wasm-opt {BINARYEN_VERSION} is not runnable after npm install (is Node.js installed?)"
        );
    }
    Ok(())
}

fn package_installed(name: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", name])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

/// Debian's Chromium, ChromeDriver and Mesa's software Vulkan (lavapipe).
pub fn ensure_test_packages() -> Result<()> {
    ensure_debian_packages(&TEST_PACKAGES)?;
    ensure_axe_core()
}

/// axe-core at [`AXE_VERSION`] under `target/tools/axe` (where the
/// walk-through test reads `axe.min.js`).
fn ensure_axe_core() -> Result<()> {
    let package_json =
        workspace_root()?.join("target/tools/axe/node_modules/axe-core/package.json");
    let installed = std::fs::read_to_string(&package_json)
        .is_ok_and(|t| t.contains(&format!("\"version\": \"{AXE_VERSION}\"")));
    if installed {
        return Ok(());
    }
    npm_install(
        "target/tools/axe",
        &format!("axe-core@{AXE_VERSION}"),
        "for the accessibility audit",
    )
}

/// `npm install`s `package` (name@version) into `folder` under the
/// repository (Node.js and npm from Debian first, if missing); `why` is
/// said on the console.
fn npm_install(folder: &str, package: &str, why: &str) -> Result<()> {
    if tool_version("npm").is_none() {
        ensure_debian_packages(&["nodejs", "npm"])?;
    }
    let prefix = workspace_root()?.join(folder);
    std::fs::create_dir_all(&prefix)?;
    println!("xtask: npm install {package} ({why})");
    let prefix = prefix.display().to_string();
    run_plain(
        "npm",
        &[
            "install",
            "--prefix",
            &prefix,
            "--no-audit",
            "--no-fund",
            "--no-save",
            package,
        ],
    )
}

/// Installs the packages that are missing (as root, or through sudo).
pub fn ensure_debian_packages(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !package_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("xtask: installing Debian packages {missing:?}");
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    let (program, prefix): (&str, &[&str]) = if is_root {
        ("apt-get", &[])
    } else {
        ("sudo", &["apt-get"])
    };
    let mut update: Vec<&str> = prefix.to_vec();
    update.extend(["update", "-q"]);
    run_plain(program, &update)?;
    let mut install: Vec<&str> = prefix.to_vec();
    install.extend(["install", "-y", "-q"]);
    install.extend(&missing);
    let status = Command::new(program)
        .args(&install)
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()
        .context("starting apt-get")?;
    if !status.success() {
        bail!(
            "apt-get install {} failed; install them by hand as root",
            missing.join(" ")
        );
    }
    Ok(())
}
