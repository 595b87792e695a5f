//! Running commands: plainly, or capturing the test counts they print.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// Runs a command with inherited output; fails on a non-zero exit.
pub fn run_plain(program: &str, args: &[&str]) -> Result<()> {
    let status = crate::setup::command(program)
        .args(args)
        .status()
        .with_context(|| format!("starting `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// Passed and failed tests counted from a runner's output.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

/// Adds up every `test result: … N passed; M failed` line (cargo test and
/// wasm-bindgen-test-runner both print them).
pub fn count_results(line: &str, counts: &mut Counts) {
    let Some(rest) = line.trim().strip_prefix("test result: ") else {
        return;
    };
    let number_before = |word: &str| -> Option<u64> {
        let idx = rest.find(word)?;
        rest[..idx]
            .split_whitespace()
            .last()?
            .trim_end_matches(';')
            .parse()
            .ok()
    };
    counts.passed += number_before(" passed").unwrap_or(0);
    counts.failed += number_before(" failed").unwrap_or(0);
}

/// Runs a command, echoing its output, and returns (success, counts).
/// Both stdout and stderr are echoed; stdout is scanned for results.
pub fn run_counted(cmd: &mut Command) -> Result<(bool, Counts)> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {cmd:?}"))?;
    let mut counts = Counts::default();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines() {
            let line = line.unwrap_or_default();
            println!("{line}");
            count_results(&line, &mut counts);
        }
    }
    let status = child.wait()?;
    Ok((status.success(), counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_cargo_and_wasm_bindgen_result_lines() {
        let mut c = Counts::default();
        count_results(
            "test result: ok. 21 passed; 0 failed; 0 ignored; 0 measured",
            &mut c,
        );
        count_results("test result: FAILED. 2 passed; 1 failed; 0 ignored", &mut c);
        count_results("running 3 tests", &mut c);
        assert_eq!(
            c,
            Counts {
                passed: 23,
                failed: 1
            }
        );
    }
}
