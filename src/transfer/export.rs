//! Export: the whole workspace as a workspace file, or the deck on screen
//! as a table (pairs CSV, anonymised CSV, Arena JSON, HF preference data).

use prefplay_core::data::formats::{Format, write_table};
use prefplay_core::data::table::Outcome;
use prefplay_core::playground::collect::{self, View};

use super::{WORKSPACE_FORMAT, WORKSPACE_VERSION, WorkspaceFile};
use crate::workspace::Workspace;

/// The workspace file of `workspace` (pretty JSON).
pub fn export_workspace(workspace: &Workspace) -> Result<String, String> {
    let file = WorkspaceFile {
        format: WORKSPACE_FORMAT.into(),
        version: WORKSPACE_VERSION,
        decks: workspace.decks.clone(),
        participants: workspace.participants.clone(),
        ballots: workspace.ballots.clone(),
    };
    serde_json::to_string_pretty(&file).map_err(|e| e.to_string())
}

/// The export formats the page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// Everything ([`WorkspaceFile`]).
    Workspace,
    /// The deck's pairs CSV.
    PairsCsv,
    /// The deck's Chatbot Arena JSON lines.
    Arena,
    /// The deck's Hugging Face chosen/rejected JSON lines (ties left out).
    Hf,
    /// The deck's pairs CSV with voters renamed "voter 1", "voter 2", …
    /// (their votes stay apart, their names stay here).
    AnonymousCsv,
}

impl ExportKind {
    /// Every kind, in menu order.
    pub const ALL: [ExportKind; 5] = [
        ExportKind::Workspace,
        ExportKind::PairsCsv,
        ExportKind::Arena,
        ExportKind::Hf,
        ExportKind::AnonymousCsv,
    ];

    /// Button id suffix and stable name.
    pub fn name(self) -> &'static str {
        match self {
            ExportKind::Workspace => "workspace",
            ExportKind::PairsCsv => "csv",
            ExportKind::Arena => "arena",
            ExportKind::Hf => "hf",
            ExportKind::AnonymousCsv => "anonymous",
        }
    }

    /// Button text.
    pub fn title(self) -> &'static str {
        match self {
            ExportKind::Workspace => "Everything (prefplay JSON)",
            ExportKind::PairsCsv => "Pairs CSV",
            ExportKind::Arena => "Arena JSONL",
            ExportKind::Hf => "HF chosen/rejected JSONL",
            ExportKind::AnonymousCsv => "Pairs CSV without names",
        }
    }

    /// The file name offered.
    pub fn file_name(self) -> &'static str {
        match self {
            ExportKind::Workspace => "prefplay-workspace.json",
            ExportKind::PairsCsv => "prefplay-votes.csv",
            ExportKind::Arena => "prefplay-arena.jsonl",
            ExportKind::Hf => "prefplay-hf.jsonl",
            ExportKind::AnonymousCsv => "prefplay-votes-anonymous.csv",
        }
    }

    /// MIME type of the file.
    pub fn mime(self) -> &'static str {
        match self {
            ExportKind::Workspace => "application/json",
            ExportKind::PairsCsv | ExportKind::AnonymousCsv => "text/csv;charset=utf-8",
            ExportKind::Arena | ExportKind::Hf => "application/x-ndjson",
        }
    }
}

/// The file's text and a note on what it leaves out (HF has no ties).
pub fn export(workspace: &Workspace, kind: ExportKind) -> Result<(String, Option<String>), String> {
    if kind == ExportKind::Workspace {
        return export_workspace(workspace).map(|t| (t, None));
    }
    let pseudonyms: Vec<String> = (1..=workspace.participants.len())
        .map(|i| format!("voter {i}"))
        .collect();
    let participants = if kind == ExportKind::AnonymousCsv {
        &pseudonyms
    } else {
        &workspace.participants
    };
    let mut table = collect::pair_table(
        &workspace.deck().labels(),
        participants,
        workspace.deck_ballots(),
        View::Pooled,
    )
    .map_err(|e| e.to_string())?;
    let mut note = None;
    let format = match kind {
        ExportKind::PairsCsv | ExportKind::AnonymousCsv => Format::Pairs,
        ExportKind::Arena => Format::Arena,
        _ => {
            let before = table.rows.len();
            let keep: Vec<bool> = table
                .rows
                .iter()
                .map(|r| matches!(r.outcome, Outcome::A | Outcome::B))
                .collect();
            let mut k = 0;
            table.rows.retain(|_| {
                k += 1;
                keep[k - 1]
            });
            if !table.prompts.is_empty() {
                let mut k = 0;
                table.prompts.retain(|_| {
                    k += 1;
                    keep[k - 1]
                });
            }
            let dropped = before - table.rows.len();
            if dropped > 0 {
                note = Some(format!(
                    "{dropped} tie or both-bad comparisons left out: HF preference data has no ties."
                ));
            }
            Format::Hf
        }
    };
    let mut bytes = Vec::new();
    write_table(&table, format, &mut bytes).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|_| "the export is not UTF-8".to_string())?;
    Ok((text, note))
}
