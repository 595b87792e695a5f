//! The comparison graph's diagnosis for a fit's warnings: which items
//! are disconnected or never lose (or never win), named in words.

use super::cells::Cells;
use super::{NAMES_IN_WARNINGS, TieModel};
use crate::inference::diagnosis::GraphDiagnosis;

pub(super) fn diagnose(cells: &Cells, ties: TieModel, n_items: usize) -> GraphDiagnosis {
    let ties_count = ties != TieModel::Drop;
    let duels = (0..cells.len()).map(move |k| {
        let c = cells.counts[k];
        let tie = ties_count && c.ties > 0.0;
        (
            cells.item_a[k] as usize,
            cells.item_b[k] as usize,
            c.wins_a > 0.0 || tie,
            c.wins_b > 0.0 || tie,
        )
    });
    GraphDiagnosis::from_duels(n_items, duels)
}

pub(super) fn name_list(items: &[String], list: &[usize]) -> String {
    let mut names: Vec<&str> = list
        .iter()
        .take(NAMES_IN_WARNINGS)
        .map(|&i| items[i].as_str())
        .collect();
    let more = list.len().saturating_sub(NAMES_IN_WARNINGS);
    let extra = format!("and {more} more");
    if more > 0 {
        names.push(&extra);
    }
    names.join(", ")
}
