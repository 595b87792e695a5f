//! `prefplay convert IN OUT --to FORMAT`.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use prefplay_core::data::formats::write_table;

use crate::input::{FormatArg, load};

/// Arguments of `prefplay convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input file.
    pub input: PathBuf,
    /// Output file (`-` for standard output).
    pub output: PathBuf,
    /// Output format.
    #[arg(long, value_enum)]
    pub to: FormatArg,
    /// Input format; auto guesses.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    pub format: FormatArg,
}

/// Runs `prefplay convert`.
pub fn run(args: &ConvertArgs) -> Result<()> {
    let Some(to) = args.to.format() else {
        bail!("--to auto: name an output format");
    };
    let (table, _) = load(&args.input, args.format, None)?;
    if args.output.as_os_str() == "-" {
        write_table(&table, to, std::io::stdout().lock())?;
        return Ok(());
    }
    let out = File::create(&args.output)
        .with_context(|| format!("creating {}", args.output.display()))?;
    write_table(&table, to, BufWriter::new(out))
        .with_context(|| format!("writing {}", args.output.display()))?;
    Ok(())
}
